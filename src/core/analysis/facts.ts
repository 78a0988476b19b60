/**
 * The Facts model: a language-neutral description of a source file that every
 * rule reads. Parsers (Python via tree-sitter, later TypeScript via
 * typescript-estree) produce it; rules never look at syntax trees.
 */
import type { Range } from './types';

/** A literal value as written in the source; Python `None` becomes `null`. */
export type Literal = string | number | boolean | null;

export interface ImportFact {
  /** Fully qualified name the local name stands for, e.g. `torchvision.models.resnet101`. */
  qualified: string;
  /** The name bound in this file, e.g. `backbone` or `tvm`. */
  local: string;
  range: Range;
}

export interface ArgFact {
  /** Keyword name, absent for positional arguments. */
  keyword?: string;
  /** `*args` or `**kwargs` unpacking. */
  splat?: '*' | '**';
  text: string;
  range: Range;
  /** The value when the argument is a literal (or a constant defined once in the file). */
  literal?: Literal;
  hasLiteral: boolean;
  /** Dotted name of the argument when it is one, resolved through imports. */
  qualified?: string;
  /** Elements' texts when the argument is a list or tuple display. */
  elements?: string[];
}

export interface CallFact {
  id: number;
  /**
   * Qualified name when the callee is a dotted name, resolved through the
   * file's imports (`nn.Conv2d` → `torch.nn.Conv2d`); the callee text
   * otherwise (`loss.item`, `model`).
   */
  name: string;
  /** True when `name` was resolved from an import (so it names library code). */
  imported: boolean;
  /** The last attribute of an attribute call (`item` in `loss.item()`). */
  method?: string;
  /** Source text of the receiver of an attribute call (`loss` in `loss.item()`). */
  receiver?: string;
  /** The call this call's receiver is, for chains such as `torch.randn(3).cuda()`. */
  receiverCallId?: number;
  args: ArgFact[];
  range: Range;
  /** Range of the callee expression, e.g. `tvm.resnet152`. */
  calleeRange: Range;
  /** Range of the last name of the callee (`resnet152`), used by rename fixes. */
  nameRange: Range;
  /** Enclosing loops, innermost last, limited to the enclosing function. */
  loopIds: number[];
  /** Enclosing function, if any. */
  functionId?: number;
  /** Qualified names of enclosing `with` items and decorators (`torch.no_grad`). */
  contexts: string[];
  /** Conditions of enclosing `if` branches inside the innermost loop. */
  guards: string[];
  /** Names assigned from this call when it is the right side of an assignment. */
  assignedTo: string[];
  /** Attribute accessed on the call's result, e.g. `features` in `vgg19().features`. */
  resultAttribute?: string;
  /** Whether the result of the call is called again, as in `model.eval()(x)`. */
  resultCalled?: boolean;
}

export interface LoopFact {
  id: number;
  kind: 'for' | 'while' | 'comprehension';
  range: Range;
  /** Range of the header (`for x in y:`), where loop findings are shown. */
  headerRange: Range;
  parentLoopId?: number;
  functionId?: number;
  /** Loop variable text (`i`, `x, y`). */
  target?: string;
  /** Source text of the iterable. */
  iterText?: string;
  /** Call that produces the iterable (`range(...)`), if any. */
  iterCallId?: number;
  /** Number of iterations when it is a literal `range(n)` or a literal list. */
  literalCount?: number;
  hasBreak: boolean;
  /** Subscripts `obj[index]` written directly in this loop's body. */
  subscripts: SubscriptFact[];
  /** Assignments written directly in this loop's body. */
  assignments: AssignmentFact[];
  /** Filled by the training analysis: this loop's own body (or a same-file function it calls) trains. */
  trains: boolean;
  /** Filled by the training analysis: this loop or a loop nested in it trains. */
  containsTraining: boolean;
}

export interface SubscriptFact {
  object: string;
  index: string;
  /** The subscript sits inside arithmetic (`+ - * / += …`). */
  inArithmetic: boolean;
  /** The subscript is an argument of a call that is not arithmetic. */
  inCall: boolean;
  range: Range;
}

export interface AssignmentFact {
  /** Target text: `x`, `self.model`, `torch.backends.cudnn.benchmark` (resolved). */
  target: string;
  operator: string;
  valueText: string;
  literal?: Literal;
  hasLiteral: boolean;
  /** The right side mentions the target (loop-carried state). */
  selfReferential: boolean;
  /** The right side is, or contains, a call. */
  valueHasCall: boolean;
  range: Range;
  functionId?: number;
  loopIds: number[];
  /** Conditions of enclosing `if` branches inside the innermost loop (as for calls). */
  guards?: string[];
}

export interface FunctionFact {
  id: number;
  name: string;
  /** `Class.method` for methods. */
  qualifiedName: string;
  params: string[];
  decorators: string[];
  range: Range;
  nameRange: Range;
  parentFunctionId?: number;
  /** Filled by the training analysis: the function trains (directly or through same-file calls). */
  trains: boolean;
}

export interface CommentFact {
  text: string;
  range: Range;
  /** Nothing but whitespace precedes the comment on its line. */
  ownLine: boolean;
}

export interface Facts {
  language: 'python' | 'typescript' | 'javascript';
  text: string;
  imports: ImportFact[];
  calls: CallFact[];
  loops: LoopFact[];
  functions: FunctionFact[];
  /** Every assignment in the file, in source order. */
  assignments: AssignmentFact[];
  /** Names assigned exactly once at module level to a literal. */
  constants: Map<string, Literal>;
  comments: CommentFact[];
  /** Lines with syntax errors; facts are still extracted from the rest. */
  syntaxErrors: Range[];
  /** Offset where an inserted top-level statement goes after the imports. */
  afterImportsIndex: number;
  /** Offsets of the start of every line. */
  lineStarts: number[];
  /** The file trains a model somewhere (backward, step, fit, Trainer.train…). */
  trains: boolean;
  /** String literals anywhere in the file (for evidence such as "cuda"). */
  stringLiterals: string[];
}
