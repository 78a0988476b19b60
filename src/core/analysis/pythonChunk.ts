/**
 * Facts of one top-level statement (a child of the module), extracted from
 * the statement's collected nodes (pythonSyntax.ts) in document order.
 *
 * Nesting comes from offsets: a node lies inside an earlier one whose range
 * contains it. Scopes (loop and function bodies, `with` bodies, `if`
 * branches) are ranges owned by such an enclosing node. Statements without
 * syntax errors are read mostly from the text (pythonLexical.ts); the others
 * only through the tree, which is exact whatever the errors.
 *
 * Names are left unresolved here: imports anywhere in the file decide what
 * `nn.Conv2d` means, so the file-level pass (pythonFacts.ts) resolves them.
 */
import type { Node } from 'web-tree-sitter';
import type { AssignmentFact, CallFact, CommentFact, FunctionFact, ImportFact, Literal, LoopFact, SubscriptFact } from './facts';
import { StatementReader, type AssignmentShape, type CallShape } from './pythonLexical';
import {
  argFromNode,
  decoratorNames,
  dottedText,
  importFacts,
  literalCountOf,
  literalOf,
  parameterNames,
  rangeOf,
  stringValue,
  syntaxErrorsIn,
  targetsOf,
  withItemLabel,
  type RawArg,
} from './pythonNodes';
import { CollectedNodes, K, type LineIndex } from './pythonSyntax';
import type { Range } from './types';

/** A call with what the file-level pass needs to resolve its names. */
export interface RawCall {
  /** `name` is still the callee text and `contexts` still empty. */
  fact: CallFact;
  /** Dotted callee, resolved through the imports into `fact.name`. */
  dotted?: string;
  /** One per argument, holding the same ArgFact objects as `fact.args`. */
  args: RawArg[];
  /** Unresolved names of enclosing `with` items and decorators. */
  contextsRaw: string[];
}

/** Everything one top-level statement contributes to the file's Facts. */
export interface ChunkFacts {
  /** Where the statement began when extracted; a cached chunk is moved by the difference. */
  startIndex: number;
  startLine: number;
  /** Ids of the chunk's first call, loop and function when extracted. */
  callBase: number;
  loopBase: number;
  functionBase: number;
  imports: ImportFact[];
  calls: RawCall[];
  loops: LoopFact[];
  /** `decorators` unresolved. */
  functions: FunctionFact[];
  /** `target` unresolved. */
  assignments: AssignmentFact[];
  comments: CommentFact[];
  syntaxErrors: Range[];
  stringLiterals: string[];
  /** Names of functions and classes defined in the chunk (they shadow imports). */
  localDefinitions: string[];
  /** `name = value` at module level, in order: candidates for module constants. */
  moduleAssignments: { name: string; literal?: Literal }[];
  /** End offset of the statement when it is a module-level import. */
  importEnd?: number;
  /** The statement ends the leading imports (a def, class, loop, if, with or try at module level). */
  endsImports: boolean;
}

export interface ChunkInput {
  root: Node;
  /** The root's end offset. */
  end: number;
  text: string;
  lines: LineIndex;
  collected: CollectedNodes;
  /** The root's collected nodes are [from, to). */
  from: number;
  to: number;
  /** The root is a child of the module (false only when the parser gave up on the whole file). */
  atModule: boolean;
  /** The root contains no syntax error, so its text can be read directly. */
  valid: boolean;
  callBase: number;
  loopBase: number;
  functionBase: number;
}

interface Scope {
  kind: 'function' | 'loop' | 'with' | 'guard';
  id?: number;
  /** Qualified context names for `with` and decorators, the condition text for guards. */
  labels?: string[];
}

/** A scope over [start, end), owned by an enclosing node (a loop's body, an `if`'s branch). */
interface Region {
  start: number;
  end: number;
  scope: Scope;
}

/** A collected node whose subtree the walk is inside. */
interface Open {
  start: number;
  end: number;
  kind: number;
  node: Node;
  region?: Region;
  loop?: LoopFact;
  /** Name of a class, read when a method needs it. */
  className?: string | null;
}

const ARITHMETIC = new Set<number>([K.binaryOperator, K.augmentedAssignment, K.unaryOperator]);
/** Statements that end the leading imports when written at module level. */
const ENDS_IMPORTS = new Set<number>([K.functionDefinition, K.classDefinition, K.forStatement, K.whileStatement, K.ifStatement, K.withStatement, K.tryStatement]);

/** Extracts the facts of one top-level statement. */
export function extractChunk(input: ChunkInput): ChunkFacts {
  return new ChunkWalker(input).run();
}

class ChunkWalker {
  private readonly out: ChunkFacts;
  private readonly reader?: StatementReader;
  private readonly stack: Open[] = [];
  /** Decorators of a decorated function, waiting for the function node that follows. */
  private readonly decoratorStack: string[][] = [];
  /** `start:end` of a call on an assignment's right side → the assigned names. */
  private readonly assignTargets = new Map<string, string[]>();
  private readonly callByKey = new Map<string, number>();
  private readonly calledResults = new Set<string>();
  private readonly receiverKeys: (string | undefined)[] = [];
  private readonly iterCalls: { loop: LoopFact; key: string }[] = [];
  private readonly withLabels = new Map<number, string | undefined>();

  constructor(private readonly input: ChunkInput) {
    const { root, lines } = input;
    this.out = {
      startIndex: root.startIndex,
      startLine: lines.lineOf(root.startIndex),
      callBase: input.callBase,
      loopBase: input.loopBase,
      functionBase: input.functionBase,
      imports: [],
      calls: [],
      loops: [],
      functions: [],
      assignments: [],
      comments: [],
      syntaxErrors: [],
      stringLiterals: [],
      localDefinitions: [],
      moduleAssignments: [],
      endsImports: false,
    };
    const { text, collected, from, to, valid, end } = input;
    if (valid) this.reader = new StatementReader(text, lines, collected, from, to, end);
  }

  run(): ChunkFacts {
    const { root, collected, from, to, valid, atModule } = this.input;
    if (!valid) syntaxErrorsIn(root, this.out.syntaxErrors);
    // The root is its own first collected node when it is of a collected type.
    const rootKind = from < to && collected.nodes[from].id === root.id ? collected.kinds[from] : K.other;
    if (atModule && ENDS_IMPORTS.has(rootKind)) this.out.endsImports = true;
    for (let i = from; i < to; i++) this.visit(i);
    this.linkCalls();
    return this.out;
  }

  private visit(i: number): void {
    const { collected } = this.input;
    const start = collected.starts[i];
    const end = collected.ends[i];
    const kind = collected.kinds[i];
    const node = collected.nodes[i];
    const stack = this.stack;
    while (stack.length > 0 && !encloses(stack[stack.length - 1], start, end)) stack.pop();
    const open: Open = { start, end, kind, node };
    switch (kind) {
      case K.call:
        this.call(i, node, start, end);
        break;
      case K.assignment:
      case K.augmentedAssignment:
        this.assignment(i, node, start, end, kind === K.augmentedAssignment);
        break;
      case K.string: {
        const v = this.reader ? this.reader.stringValue(i) : stringValue(node);
        if (v !== undefined && v.length < 200) this.out.stringLiterals.push(v);
        break;
      }
      case K.comment:
        this.comment(i, start, end);
        break;
      case K.subscript:
        this.subscript(i, node);
        break;
      case K.forStatement:
      case K.whileStatement:
      case K.comprehension:
        this.loop(i, node, open);
        break;
      case K.functionDefinition:
        this.function(i, node, open);
        break;
      case K.classDefinition: {
        const name = node.childForFieldName('name')?.text;
        if (name !== undefined) this.out.localDefinitions.push(name);
        open.className = name ?? null;
        break;
      }
      case K.decoratedDefinition:
        // Decorators of a class are not a function's context.
        if (node.childForFieldName('definition')?.type === 'function_definition') this.decoratorStack.push(decoratorNames(node));
        break;
      case K.importStatement:
        this.out.imports.push(...importFacts(node));
        if (this.input.atModule && node.id === this.input.root.id) this.out.importEnd = end;
        break;
      case K.ifStatement:
      case K.elifClause: {
        const consequence = node.childForFieldName('consequence');
        if (consequence) {
          const cond = node.childForFieldName('condition');
          open.region = { start: consequence.startIndex, end: consequence.endIndex, scope: { kind: 'guard', labels: cond ? [cond.text] : [] } };
        }
        break;
      }
      case K.elseClause:
        open.region = { start, end, scope: { kind: 'guard', labels: ['else'] } };
        break;
      case K.withStatement: {
        const body = node.childForFieldName('body');
        if (body) open.region = { start: body.startIndex, end: body.endIndex, scope: { kind: 'with', labels: this.withItemLabels(i, end) } };
        break;
      }
      case K.breakStatement:
        this.breakStatement(start, end);
        break;
    }
    stack.push(open);
  }

  // ── scopes ───────────────────────────────────────────────────────────────

  /** Scopes around [start, end), outermost first: the regions of enclosing nodes that contain it. */
  private scopesAt(start: number, end: number): Scope[] {
    const out: Scope[] = [];
    for (const o of this.stack) {
      const r = o.region;
      if (r && r.start <= start && end <= r.end) out.push(r.scope);
    }
    return out;
  }

  private rangeOf(i: number): Range {
    const { collected, lines } = this.input;
    return lines.range(collected.starts[i], collected.ends[i]);
  }

  // ── node handlers ────────────────────────────────────────────────────────

  private call(i: number, node: Node, start: number, end: number): void {
    const shape = this.reader?.call(start, end) ?? callFromNode(node);
    if (!shape) return;
    if (shape.calleeCallKey) this.calledResults.add(shape.calleeCallKey);
    const scopes = this.scopesAt(start, end);
    const key = `${start}:${end}`;
    const id = this.input.callBase + this.out.calls.length;
    const fact: CallFact = {
      id,
      name: shape.name,
      imported: false,
      method: shape.method,
      receiver: shape.receiver,
      args: shape.args.map((a) => a.fact),
      range: this.rangeOf(i),
      calleeRange: shape.calleeRange,
      nameRange: shape.nameRange,
      loopIds: loopIdsOf(scopes),
      functionId: functionIdOf(scopes),
      contexts: [],
      guards: guardsOf(scopes),
      assignedTo: this.assignTargets.get(key) ?? [],
      resultAttribute: this.resultAttribute(node, end),
    };
    this.callByKey.set(key, id);
    this.receiverKeys.push(shape.receiverKey);
    this.out.calls.push({ fact, dotted: shape.dotted, args: shape.args, contextsRaw: contextsOf(scopes) });
  }

  /** The attribute read on the call's result: `features` in `vgg19().features`. */
  private resultAttribute(node: Node, end: number): string | undefined {
    const read = this.reader?.attributeAfter(end);
    if (read) return read.name;
    const parent = node.parent;
    if (parent?.type !== 'attribute' || !parent.childForFieldName('object')?.equals(node)) return undefined;
    return parent.childForFieldName('attribute')?.text;
  }

  private assignment(i: number, node: Node, start: number, end: number, augmented: boolean): void {
    const shape = this.reader?.assignment(start, end, augmented) ?? assignmentFromNode(node);
    if (!shape) return;
    const scopes = this.scopesAt(start, end);
    const { valueText, targets } = shape;
    if (shape.valueIsCall) this.assignTargets.set(`${shape.valueStart}:${shape.valueEnd}`, targets);
    const fact: AssignmentFact = {
      target: shape.target,
      operator: shape.operator,
      valueText,
      literal: shape.literal,
      hasLiteral: shape.literal !== undefined,
      selfReferential: targets.some((t) => mentions(valueText, t)),
      valueHasCall: shape.valueIsCall || this.containsCall(i, shape.valueStart, shape.valueEnd),
      range: this.rangeOf(i),
      functionId: functionIdOf(scopes),
      loopIds: loopIdsOf(scopes),
      guards: guardsOf(scopes),
    };
    this.out.assignments.push(fact);
    this.innermostLoop(scopes)?.assignments.push(fact);
    if (fact.functionId === undefined && fact.loopIds.length === 0 && shape.plainName && shape.operator === '=') {
      this.out.moduleAssignments.push({ name: shape.target, literal: shape.literal });
    }
  }

  /** Whether a call lies in [start, end), looking at the nodes after node `i` (its descendants come first). */
  private containsCall(i: number, start: number, end: number): boolean {
    const { collected, to } = this.input;
    for (let j = i + 1; j < to && collected.starts[j] < end; j++) {
      if (collected.kinds[j] === K.call && collected.starts[j] >= start && collected.ends[j] <= end) return true;
    }
    return false;
  }

  private comment(i: number, start: number, end: number): void {
    const text = this.input.text;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    this.out.comments.push({ text: text.slice(start, end), range: this.rangeOf(i), ownLine: text.slice(lineStart, start).trim() === '' });
  }

  /** `obj[index]` directly in a loop's body, with whether it sits in arithmetic or in a call's arguments. */
  private subscript(i: number, node: Node): void {
    const loop = this.innermostLoop(this.scopesAt(this.input.collected.starts[i], this.input.collected.ends[i]));
    if (!loop) return;
    const value = node.childForFieldName('value');
    const index = node.childForFieldName('subscript');
    if (!value || !index) return;
    const fact: SubscriptFact = {
      object: value.text,
      index: index.text,
      inArithmetic: this.stack.some((o) => ARITHMETIC.has(o.kind)),
      inCall: this.stack.some((o) => o.kind === K.call),
      range: this.rangeOf(i),
    };
    loop.subscripts.push(fact);
  }

  private loop(i: number, node: Node, open: Open): void {
    const start = open.start;
    const end = open.end;
    const scopes = this.scopesAt(start, end);
    const comprehension = open.kind === K.comprehension;
    let target: string | undefined;
    let iterNode: Node | null = null;
    let headerEnd: { row: number; column: number } | undefined;
    let headerEndIndex = end;
    let body: Node | null = null;
    if (open.kind === K.forStatement) {
      target = node.childForFieldName('left')?.text;
      iterNode = node.childForFieldName('right');
      body = node.childForFieldName('body');
      if (iterNode) {
        headerEnd = iterNode.endPosition;
        headerEndIndex = iterNode.endIndex;
      } else if (body) {
        headerEnd = body.startPosition;
        headerEndIndex = body.startIndex;
      }
    } else if (open.kind === K.whileStatement) {
      const cond = node.childForFieldName('condition');
      body = node.childForFieldName('body');
      if (cond) {
        headerEnd = cond.endPosition;
        headerEndIndex = cond.endIndex;
      }
    } else {
      const clause = node.namedChildren.find((c) => c?.type === 'for_in_clause');
      target = clause?.childForFieldName('left')?.text;
      iterNode = clause?.childForFieldName('right') ?? null;
    }
    const loop: LoopFact = {
      id: this.input.loopBase + this.out.loops.length,
      kind: comprehension ? 'comprehension' : open.kind === K.forStatement ? 'for' : 'while',
      range: this.rangeOf(i),
      headerRange: headerEnd
        ? {
            start: { line: node.startPosition.row, column: node.startPosition.column },
            end: { line: headerEnd.row, column: headerEnd.column },
            startIndex: start,
            endIndex: headerEndIndex,
          }
        : this.rangeOf(i),
      parentLoopId: this.innermostLoop(scopes)?.id,
      functionId: functionIdOf(scopes),
      target,
      iterText: iterNode?.text,
      literalCount: iterNode ? literalCountOf(iterNode) : undefined,
      // Set by the loop's own `break` statements when the walk reaches them.
      hasBreak: false,
      subscripts: [],
      assignments: [],
      trains: false,
      containsTraining: false,
    };
    if (iterNode?.type === 'call') this.iterCalls.push({ loop, key: `${iterNode.startIndex}:${iterNode.endIndex}` });
    this.out.loops.push(loop);
    open.loop = loop;
    // A comprehension's scope is the whole expression; a statement's is its body.
    if (comprehension) open.region = { start, end, scope: { kind: 'loop', id: loop.id } };
    else if (body) open.region = { start: body.startIndex, end: body.endIndex, scope: { kind: 'loop', id: loop.id } };
  }

  /** A `break` belongs to the nearest enclosing `for`/`while`, and counts when it is in that loop's body. */
  private breakStatement(start: number, end: number): void {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const o = this.stack[k];
      if (o.kind !== K.forStatement && o.kind !== K.whileStatement) continue;
      const r = o.region;
      if (o.loop && r && r.start <= start && end <= r.end) o.loop.hasBreak = true;
      return;
    }
  }

  private function(i: number, node: Node, open: Open): void {
    const nameNode = node.childForFieldName('name');
    const name = nameNode?.text ?? '<anonymous>';
    const scopes = this.scopesAt(open.start, open.end);
    const className = this.enclosingClassName();
    const fact: FunctionFact = {
      id: this.input.functionBase + this.out.functions.length,
      name,
      qualifiedName: className ? `${className}.${name}` : name,
      params: parameterNames(node),
      decorators: this.decoratorStack.pop() ?? [],
      range: this.rangeOf(i),
      nameRange: nameNode ? rangeOf(nameNode) : this.rangeOf(i),
      parentFunctionId: functionIdOf(scopes),
      trains: false,
    };
    this.out.functions.push(fact);
    if (nameNode) this.out.localDefinitions.push(nameNode.text);
    const body = node.childForFieldName('body');
    if (body) open.region = { start: body.startIndex, end: body.endIndex, scope: { kind: 'function', id: fact.id, labels: fact.decorators } };
    // `@decorator def f()` at module level ends the imports too (its parent's parent is the module).
    const { atModule, root } = this.input;
    if (atModule && !this.out.endsImports && this.stack.every((o) => o.node.id === root.id) && node.parent?.id === root.id) this.out.endsImports = true;
  }

  /** The class a function is defined in directly (not through another function). */
  private enclosingClassName(): string | undefined {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const o = this.stack[k];
      if (o.kind === K.functionDefinition) return undefined;
      if (o.kind === K.classDefinition) return o.className ?? undefined;
    }
    return undefined;
  }

  /** Labels of every `with` item in the statement, nested `with`s included, in order. */
  private withItemLabels(i: number, end: number): string[] {
    const { collected, to } = this.input;
    const out: string[] = [];
    for (let j = i + 1; j < to && collected.starts[j] < end; j++) {
      if (collected.kinds[j] !== K.withItem) continue;
      if (!this.withLabels.has(j)) this.withLabels.set(j, withItemLabel(collected.nodes[j]));
      const label = this.withLabels.get(j);
      if (label) out.push(label);
    }
    return out;
  }

  private innermostLoop(scopes: Scope[]): LoopFact | undefined {
    for (let k = scopes.length - 1; k >= 0; k--) {
      const s = scopes[k];
      if (s.kind === 'function') return undefined;
      if (s.kind === 'loop') return this.out.loops[s.id! - this.input.loopBase];
    }
    return undefined;
  }

  /** Links found by offsets once every call of the chunk is known. */
  private linkCalls(): void {
    this.out.calls.forEach((raw, k) => {
      const receiverKey = this.receiverKeys[k];
      if (receiverKey !== undefined) raw.fact.receiverCallId = this.callByKey.get(receiverKey);
      raw.fact.resultCalled = this.calledResults.has(`${raw.fact.range.startIndex}:${raw.fact.range.endIndex}`);
    });
    for (const { loop, key } of this.iterCalls) {
      const id = this.callByKey.get(key);
      if (id !== undefined) loop.iterCallId = id;
    }
  }
}

/** Whether the open node contains [start, end). A node with the same range comes later, so it is a child. */
function encloses(o: Open, start: number, end: number): boolean {
  return o.start <= start && end <= o.end && (start < o.end || o.start === o.end);
}

function functionIdOf(scopes: Scope[]): number | undefined {
  for (let k = scopes.length - 1; k >= 0; k--) if (scopes[k].kind === 'function') return scopes[k].id;
  return undefined;
}

/** Loops of the innermost function, outermost first. */
function loopIdsOf(scopes: Scope[]): number[] {
  const ids: number[] = [];
  for (let k = scopes.length - 1; k >= 0; k--) {
    const s = scopes[k];
    if (s.kind === 'function') break;
    if (s.kind === 'loop') ids.unshift(s.id!);
  }
  return ids;
}

/** Conditions between a node and its innermost loop (or function), innermost first. */
function guardsOf(scopes: Scope[]): string[] {
  const out: string[] = [];
  for (let k = scopes.length - 1; k >= 0; k--) {
    const s = scopes[k];
    if (s.kind === 'loop' || s.kind === 'function') break;
    if (s.kind === 'guard') out.push(...(s.labels ?? []));
  }
  return out;
}

function contextsOf(scopes: Scope[]): string[] {
  const out: string[] = [];
  for (const s of scopes) if ((s.kind === 'with' || s.kind === 'function') && s.labels) out.push(...s.labels);
  return out;
}

/**
 * Whether `text` mentions `name` as a whole name (not as part of a longer
 * name or of an attribute `x.name`), like /(^|[^\w.])name(?!\w)/ without
 * building a RegExp per assignment.
 */
export function mentions(text: string, name: string): boolean {
  // `at < text.length` ends the loop for an empty name (a MISSING target), which indexOf finds at every offset.
  for (let at = text.indexOf(name); at >= 0; at = at < text.length ? text.indexOf(name, at + 1) : -1) {
    const before = at > 0 ? text.charCodeAt(at - 1) : -1;
    const after = at + name.length < text.length ? text.charCodeAt(at + name.length) : -1;
    if (!isWordChar(before) && before !== 46 && !isWordChar(after)) return true;
  }
  return false;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** A call read through the tree: exact whatever the syntax errors around it. */
function callFromNode(node: Node): CallShape | undefined {
  const fn = node.childForFieldName('function');
  const argList = node.childForFieldName('arguments');
  if (!fn) return undefined;
  let method: string | undefined;
  let receiver: string | undefined;
  let receiverKey: string | undefined;
  let calleeCallKey: string | undefined;
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
      if (obj.type === 'call') receiverKey = `${obj.startIndex}:${obj.endIndex}`;
    }
  } else if (fn.type === 'call') {
    calleeCallKey = `${fn.startIndex}:${fn.endIndex}`;
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
  return {
    name: fn.text,
    calleeRange: rangeOf(fn),
    nameRange: rangeOf(nameNode),
    method,
    receiver,
    receiverKey,
    calleeCallKey,
    dotted: dottedText(fn),
    args,
  };
}

/** An assignment read through the tree; undefined for an annotation without a value (`x: int`). */
function assignmentFromNode(node: Node): AssignmentShape | undefined {
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
