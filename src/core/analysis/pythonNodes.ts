/**
 * Exact readings of tree-sitter Python nodes.
 *
 * In web-tree-sitter every node property (`type`, `endIndex`, `text`,
 * `childForFieldName`, `namedChildren`…) is a call into WebAssembly that
 * marshals the node through memory, 0.1–1.5 µs each. The extractor therefore
 * reads most statements from the source text (pythonLexical.ts) and uses
 * these helpers only for the rarer shapes, and for statements that contain a
 * syntax error, where the text cannot be trusted.
 */
import type { Node } from 'web-tree-sitter';
import type { ArgFact, ImportFact, Literal } from './facts';
import { CallShape, spanKey, type AssignmentShape, type LoopHeader } from './pythonShapes';
import type { LineIndex } from './pythonSyntax';
import type { Range } from './types';

/** Builds a Range from a node. */
export function rangeOf(node: Node): Range {
  const s = node.startPosition;
  const e = node.endPosition;
  return {
    start: { line: s.row, column: s.column },
    end: { line: e.row, column: e.column },
    startIndex: node.startIndex,
    endIndex: node.endIndex,
  };
}

/**
 * Value of a literal node, or undefined when the node is not a plain literal.
 * Parentheses and unary minus signs are unwrapped in a loop, not by recursion:
 * their nesting is the file's to choose (`((((…1…))))`), and a file with
 * thousands of levels must cost steps, not the stack.
 */
export function literalOf(node: Node): Literal | undefined {
  let negations = 0;
  let current: Node | null = node;
  for (;;) {
    if (current.type === 'parenthesized_expression') {
      current = current.namedChildren[0];
    } else if (current.type === 'unary_operator') {
      // Only `-` keeps a number a literal; `+x` and `~x` do not count as one.
      if (current.child(0)?.text !== '-') return undefined;
      current = current.childForFieldName('argument');
      negations++;
    } else {
      break;
    }
    if (!current) return undefined;
  }
  const value = plainLiteralOf(current);
  if (negations === 0) return value;
  if (typeof value !== 'number') return undefined;
  return negations % 2 === 1 ? -value : value;
}

/** Value of a literal that is no parenthesis or sign: a number, True/False/None or a string. */
function plainLiteralOf(node: Node): Literal | undefined {
  switch (node.type) {
    case 'integer':
    case 'float':
      return numberLiteral(node.text);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'string':
      return stringValue(node);
    case 'concatenated_string': {
      let out = '';
      for (const part of node.namedChildren) {
        const v = part ? stringValue(part) : undefined;
        if (v === undefined) return undefined;
        out += v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** The value of an integer or float token's text (`1_000`, `3e-4`); undefined for `1j`. */
export function numberLiteral(text: string): number | undefined {
  const v = Number(text.includes('_') ? text.replace(/_/g, '') : text);
  return Number.isFinite(v) ? v : undefined;
}

/** The value of a string node; undefined for an f-string with placeholders. */
export function stringValue(node: Node): string | undefined {
  let out = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    // An f-string with placeholders is not a constant.
    if (child.type === 'interpolation') return undefined;
    if (child.type === 'string_content') out += child.text;
    else if (child.type === 'escape_sequence') out += unescape(child.text);
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

function unescape(seq: string): string {
  return ESCAPES[seq.slice(1)] ?? seq;
}

/**
 * `torch.nn.Conv2d` for a chain of identifiers and attributes; undefined for
 * anything else. Read from the outermost attribute inwards in a loop: a chain
 * can be as long as the file.
 */
export function dottedText(node: Node): string | undefined {
  const attributes: string[] = [];
  let current = node;
  while (current.type === 'attribute') {
    const obj = current.childForFieldName('object');
    const attr = current.childForFieldName('attribute');
    if (!obj || !attr) return undefined;
    attributes.push(attr.text);
    current = obj;
  }
  if (current.type !== 'identifier') return undefined;
  let out = current.text;
  for (let k = attributes.length - 1; k >= 0; k--) out += `.${attributes[k]}`;
  return out;
}

/** The names an `import` or `from … import` statement binds. */
export function importFacts(node: Node): ImportFact[] {
  const out: ImportFact[] = [];
  const fromModule = node.type === 'import_from_statement' ? node.childForFieldName('module_name') : null;
  const prefix = fromModule ? fromModule.text.replace(/^\.+/, '') : '';
  for (const child of node.childrenForFieldName('name')) {
    if (!child) continue;
    let nameNode: Node | null = child;
    let alias: Node | null = null;
    if (child.type === 'aliased_import') {
      nameNode = child.childForFieldName('name');
      alias = child.childForFieldName('alias');
    }
    if (!nameNode) continue;
    const dotted = nameNode.text.replace(/\s+/g, '');
    const qualified = prefix ? `${prefix}.${dotted}` : dotted;
    // `import a.b.c` binds `a`; with an alias, the alias stands for the whole path.
    const local = alias ? alias.text : fromModule ? dotted : dotted.split('.')[0];
    const bound = alias || fromModule ? qualified : local;
    out.push({ qualified: bound, local, range: rangeOf(node) });
  }
  return out;
}

/** An argument as the post-pass needs it: the fact plus the names to resolve through imports. */
export interface RawArg {
  fact: ArgFact;
  /** Dotted name of the value, resolved to `fact.qualified` after the walk. */
  dotted?: string;
  /** The value when it is a plain name, which may be a module constant. */
  identifier?: string;
}

/** Reads one argument node (`x`, `lr=3e-4`, `*args`, `**kwargs`). */
export function argFromNode(a: Node): RawArg {
  let valueNode: Node = a;
  let keyword: string | undefined;
  let splat: '*' | '**' | undefined;
  if (a.type === 'keyword_argument') {
    keyword = a.childForFieldName('name')?.text;
    valueNode = a.childForFieldName('value') ?? a;
  } else if (a.type === 'list_splat') {
    splat = '*';
  } else if (a.type === 'dictionary_splat') {
    splat = '**';
  }
  const literal = literalOf(valueNode);
  const fact: ArgFact = {
    keyword,
    splat,
    text: valueNode.text,
    range: rangeOf(valueNode),
    literal,
    hasLiteral: literal !== undefined,
  };
  if (valueNode.type === 'list' || valueNode.type === 'tuple') {
    fact.elements = valueNode.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => c.text);
  }
  return {
    fact,
    dotted: dottedText(valueNode),
    identifier: valueNode.type === 'identifier' ? valueNode.text : undefined,
  };
}

/** The names an assignment's left side binds: `x`, or each of `x, (y, z)`, in order, however deep the nesting. */
export function targetsOf(left: Node): string[] {
  const out: string[] = [];
  const pending: Node[] = [left];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'pattern_list' || node.type === 'tuple_pattern' || node.type === 'list_pattern') {
      const children = node.namedChildren;
      // Pushed last first, so that the names come out in source order.
      for (let k = children.length - 1; k >= 0; k--) {
        const child = children[k];
        if (child) pending.push(child);
      }
    } else {
      out.push(node.text);
    }
  }
  return out;
}

/** Number of iterations when the iterable is a literal list or tuple, or `range()` of literals. */
export function literalCountOf(iter: Node): number | undefined {
  if (iter.type === 'list' || iter.type === 'tuple') return iter.namedChildCount;
  if (iter.type === 'call' && iter.childForFieldName('function')?.text === 'range') {
    const args = iter.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
    const values = args.map(literalOf);
    if (values.some((v) => typeof v !== 'number')) return undefined;
    const [a, b, step] = values as number[];
    if (args.length === 1) return Math.max(0, a);
    if (args.length === 2) return Math.max(0, b - a);
    if (args.length === 3 && step) return Math.max(0, Math.ceil((b - a) / step));
  }
  return undefined;
}

/** Parameter names of a function definition (`self`, `x` of `x: int = 0`, `args` of `*args`). */
export function parameterNames(fn: Node): string[] {
  return (fn.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((c): c is Node => !!c)
    .map((p) => (p.type === 'identifier' ? p.text : (p.childForFieldName('name')?.text ?? p.namedChildren[0]?.text ?? p.text)));
}

/** Qualified names of a decorated definition's decorators (`torch.no_grad`), unresolved. */
export function decoratorNames(node: Node): string[] {
  const labels: string[] = [];
  for (const d of node.namedChildren) {
    if (d?.type !== 'decorator') continue;
    const expr = d.namedChildren[0];
    const callee = expr?.type === 'call' ? expr.childForFieldName('function') : expr;
    const dotted = callee ? dottedText(callee) : undefined;
    if (dotted) labels.push(dotted);
  }
  return labels;
}

/**
 * The context name of a `with` item: `torch.no_grad` for `torch.no_grad()`;
 * a single argument is kept, so `torch.set_grad_enabled(False)` can be told
 * from `(True)`.
 */
export function withItemLabel(item: Node): string | undefined {
  const value = item.childForFieldName('value');
  if (!value) return undefined;
  const expr = value.type === 'as_pattern' ? value.namedChildren[0] : value;
  if (!expr) return undefined;
  const callee = expr.type === 'call' ? expr.childForFieldName('function') : expr;
  const dotted = callee ? dottedText(callee) : undefined;
  if (!dotted) return undefined;
  if (expr.type !== 'call') return dotted;
  const args = expr.childForFieldName('arguments');
  return dotted + (args && args.namedChildCount === 1 ? `(${args.namedChildren[0]?.text})` : '');
}

/**
 * Syntax errors in pre-order: ERROR nodes and the tokens the parser invented
 * (MISSING). Only subtrees that contain an error are entered; an ERROR leaf
 * for an invalid character reports no error itself, hence `isError` too.
 * The walk keeps its own stack: unclosed brackets nest as deep as the file goes.
 */
export function syntaxErrorsIn(root: Node, out: Range[]): void {
  const pending: Node[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.isError || node.isMissing) out.push(rangeOf(node));
    const children = node.children;
    // Pushed last first, so that errors come out in document order.
    for (let k = children.length - 1; k >= 0; k--) {
      const child = children[k];
      if (child && (child.hasError || child.isError)) pending.push(child);
    }
  }
}

/** A `for` or `while` header read through the tree. */
export function loopHeaderFromNode(node: Node, lines: LineIndex): LoopHeader {
  let headerRange = rangeOf(node);
  let iterNode: Node | null = null;
  let target: string | undefined;
  const body = node.childForFieldName('body');
  if (node.type === 'for_statement') {
    target = node.childForFieldName('left')?.text;
    iterNode = node.childForFieldName('right');
    if (iterNode) headerRange = lines.range(node.startIndex, iterNode.endIndex);
    else if (body) headerRange = lines.range(node.startIndex, body.startIndex);
  } else {
    const cond = node.childForFieldName('condition');
    if (cond) headerRange = lines.range(node.startIndex, cond.endIndex);
  }
  return {
    headerRange,
    target,
    iterText: iterNode?.text,
    literalCount: iterNode ? literalCountOf(iterNode) : undefined,
    body: body ? { start: body.startIndex, end: body.endIndex } : undefined,
    iterCallKey: iterNode?.type === 'call' ? spanKey(iterNode.startIndex, iterNode.endIndex) : undefined,
  };
}

/** A function definition's name, parameters and body read through the tree. */
export function functionFromNode(node: Node): { name?: string; nameRange?: Range; params: string[]; body?: { start: number; end: number } } {
  const nameNode = node.childForFieldName('name');
  const body = node.childForFieldName('body');
  return {
    name: nameNode?.text,
    nameRange: nameNode ? rangeOf(nameNode) : undefined,
    params: parameterNames(node),
    body: body ? { start: body.startIndex, end: body.endIndex } : undefined,
  };
}

/** `object[index]` read through the tree. */
export function subscriptFromNode(node: Node): { object: string; index: string } | undefined {
  const value = node.childForFieldName('value');
  const index = node.childForFieldName('subscript');
  return value && index ? { object: value.text, index: index.text } : undefined;
}

/** A call read through the tree: exact whatever the syntax errors around it. */
export function callFromNode(node: Node): CallShape | undefined {
  const fn = node.childForFieldName('function');
  const argList = node.childForFieldName('arguments');
  if (!fn) return undefined;
  let method: string | undefined;
  let receiver: string | undefined;
  let receiverKey: number | undefined;
  let calleeCallKey: number | undefined;
  let nameNode: Node = fn;
  if (fn.type === 'attribute') {
    const obj = fn.childForFieldName('object');
    const attr = fn.childForFieldName('attribute');
    if (attr) {
      method = attr.text;
      nameNode = attr;
    }
    if (obj) {
      receiver = obj.text;
      if (obj.type === 'call') receiverKey = spanKey(obj.startIndex, obj.endIndex);
    }
  } else if (fn.type === 'call') {
    calleeCallKey = spanKey(fn.startIndex, fn.endIndex);
  }
  const args: RawArg[] = [];
  if (argList && argList.type === 'argument_list') {
    for (const a of argList.namedChildren) {
      if (!a || a.type === 'comment') continue;
      args.push(argFromNode(a));
    }
  } else if (argList) {
    // `f(x for x in y)`: a single generator argument.
    args.push(argFromNode(argList));
  }
  const shape = new CallShape(fn.text, rangeOf(fn), rangeOf(nameNode), method, receiver, receiverKey, calleeCallKey, dottedText(fn));
  shape.args = args;
  return shape;
}

/** An assignment read through the tree; undefined for an annotation without a value (`x: int`). */
export function assignmentFromNode(node: Node): AssignmentShape | undefined {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right) return undefined;
  const operator = node.type === 'augmented_assignment' ? (node.childForFieldName('operator')?.text ?? '') : '=';
  const target = left.text;
  return {
    target,
    plainName: left.type === 'identifier',
    targets: targetsOf(left),
    operator,
    valueStart: right.startIndex,
    valueEnd: right.endIndex,
    valueText: right.text,
    literal: literalOf(right),
    valueIsCall: right.type === 'call',
  };
}
