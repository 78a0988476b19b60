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
import { StatementReader } from './pythonLexical';
import {
  assignmentFromNode,
  callFromNode,
  decoratorNames,
  functionFromNode,
  literalCountOf,
  importFacts,
  loopHeaderFromNode,
  stringValue,
  subscriptFromNode,
  syntaxErrorsIn,
  withItemLabel,
  type RawArg,
} from './pythonNodes';
import { fStringTemplate } from './pythonScan';
import { ScopeList, type Region } from './pythonScopes';
import { spanKey, type LoopHeader } from './pythonShapes';
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

/** A collected node whose subtree the walk is inside. All fields are set up front so V8 keeps one shape. */
class Open {
  region: Region | undefined = undefined;
  loop: LoopFact | undefined = undefined;
  /** Name of a class, read when a method needs it. */
  className: string | null | undefined = undefined;

  constructor(
    readonly start: number,
    readonly end: number,
    readonly kind: number,
    readonly node: Node,
  ) {}
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
  /** Calls on an assignment's right side (by span key) → the assigned names. */
  private readonly assignTargets = new Map<number, string[]>();
  private readonly callByKey = new Map<number, number>();
  private readonly calledResults = new Set<number>();
  private readonly receiverKeys: (number | undefined)[] = [];
  private readonly iterCalls: { loop: LoopFact; key: number }[] = [];
  private readonly withLabels = new Map<number, string | undefined>();
  /** `for i in range(…)` loops whose count depends on the call's arguments. */
  private readonly rangeCounts: { loop: LoopFact; start: number; end: number }[] = [];
  /** Refilled by scopesAt for each node: every caller reads it before asking again. */
  private readonly scopes = new ScopeList();

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
    const open = new Open(start, end, kind, node);
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
        else if (v === undefined) {
          // An f-string with placeholders: its shape (`cuda:{}`) still tells what it is.
          const template = fStringTemplate(this.input.text.slice(start, end));
          if (template !== undefined) this.out.stringLiterals.push(template);
        }
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
        const name = this.reader?.className(start, end) ?? node.childForFieldName('name')?.text;
        if (name !== undefined) this.out.localDefinitions.push(name);
        open.className = name ?? null;
        break;
      }
      case K.decoratedDefinition:
        // Decorators of a class are not a function's context.
        if (this.definitionKind(i, node) === K.functionDefinition) this.decoratorStack.push(decoratorNames(node));
        break;
      case K.importStatement:
        this.out.imports.push(...importFacts(node));
        if (this.input.atModule && node.id === this.input.root.id) this.out.importEnd = end;
        break;
      case K.ifStatement:
      case K.elifClause:
        if (kind === K.elifClause) this.endBodyAt(start, kind);
        open.region = this.branch(node, start, end, kind === K.ifStatement ? 'if' : 'elif');
        break;
      case K.elseClause:
        this.endBodyAt(start, kind);
        open.region = { start, end, scope: { kind: 'guard', labels: ['else'] } };
        break;
      case K.withStatement: {
        const body = node.childForFieldName('body');
        if (body) open.region = { start: body.startIndex, end: body.endIndex, scope: { kind: 'with', labels: this.withItemLabels(i, body.startIndex) } };
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
  private scopesAt(start: number, end: number): ScopeList {
    const out = this.scopes;
    out.clear();
    for (const o of this.stack) {
      const r = o.region;
      if (r && r.start <= start && end <= r.end) out.add(r.scope);
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
    if (shape.calleeCallKey !== undefined) this.calledResults.add(shape.calleeCallKey);
    const scopes = this.scopesAt(start, end);
    const key = spanKey(start, end);
    const id = this.input.callBase + this.out.calls.length;
    const args = shape.args;
    const fact: CallFact = {
      id,
      name: shape.name,
      imported: false,
      method: shape.method,
      receiver: shape.receiver,
      args: args.map((a) => a.fact),
      range: this.rangeOf(i),
      calleeRange: shape.calleeRange,
      nameRange: shape.nameRange,
      loopIds: scopes.loopIds(),
      functionId: scopes.functionId(),
      contexts: [],
      guards: scopes.guards(),
      assignedTo: this.assignTargets.get(key) ?? [],
      resultAttribute: this.resultAttribute(node, end),
    };
    this.callByKey.set(key, id);
    this.receiverKeys.push(shape.receiverKey);
    this.out.calls.push({ fact, dotted: shape.dotted, args, contextsRaw: scopes.contexts() });
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
    if (shape.valueIsCall) this.assignTargets.set(spanKey(shape.valueStart, shape.valueEnd), targets);
    const fact: AssignmentFact = {
      target: shape.target,
      operator: shape.operator,
      valueText,
      literal: shape.literal,
      hasLiteral: shape.literal !== undefined,
      selfReferential: targets.some((t) => mentions(valueText, t)),
      valueHasCall: shape.valueIsCall || this.containsCall(i, shape.valueStart, shape.valueEnd),
      range: this.rangeOf(i),
      functionId: scopes.functionId(),
      loopIds: scopes.loopIds(),
      guards: scopes.guards(),
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
    const { starts, ends } = this.input.collected;
    const loop = this.innermostLoop(this.scopesAt(starts[i], ends[i]));
    if (!loop) return;
    const parts = this.reader?.subscript(starts[i], ends[i]) ?? subscriptFromNode(node);
    if (!parts) return;
    const fact: SubscriptFact = {
      object: parts.object,
      index: parts.index,
      inArithmetic: this.stack.some((o) => ARITHMETIC.has(o.kind)),
      inCall: this.stack.some((o) => o.kind === K.call),
      range: this.rangeOf(i),
    };
    loop.subscripts.push(fact);
  }

  private loop(i: number, node: Node, open: Open): void {
    const { start, end, kind } = open;
    const scopes = this.scopesAt(start, end);
    const comprehension = kind === K.comprehension;
    const header = comprehension ? undefined : this.loopHeader(node, start, end, kind);
    const loop: LoopFact = {
      id: this.input.loopBase + this.out.loops.length,
      kind: comprehension ? 'comprehension' : kind === K.forStatement ? 'for' : 'while',
      range: this.rangeOf(i),
      headerRange: this.rangeOf(i),
      parentLoopId: scopes.innermostLoopId(),
      functionId: scopes.functionId(),
      target: undefined,
      iterText: undefined,
      literalCount: undefined,
      // Set by the loop's own `break` statements when the walk reaches them.
      hasBreak: false,
      subscripts: [],
      assignments: [],
      trains: false,
      containsTraining: false,
    };
    if (header) {
      loop.headerRange = header.headerRange;
      loop.target = header.target;
      loop.iterText = header.iterText;
      if (header.countFromCall) this.rangeCounts.push({ loop, ...header.countFromCall });
      else loop.literalCount = header.literalCount;
      if (header.iterCallKey !== undefined) this.iterCalls.push({ loop, key: header.iterCallKey });
    } else {
      this.comprehensionHeader(node, loop);
    }
    this.out.loops.push(loop);
    open.loop = loop;
    // A comprehension's scope is the whole expression; a statement's is its body.
    if (comprehension) open.region = { start, end, scope: { kind: 'loop', id: loop.id } };
    else if (header?.body) open.region = { start: header.body.start, end: header.body.end, scope: { kind: 'loop', id: loop.id } };
  }

  /** A `for` or `while` header, from the text when it is plain, else from the tree. */
  private loopHeader(node: Node, start: number, end: number, kind: number): LoopHeader {
    const header = this.reader?.header(start, end, kind === K.forStatement ? 'for' : 'while');
    if (!header) return loopHeaderFromNode(node, this.input.lines);
    const { text, lines, collected } = this.input;
    const expression = header.expression;
    const out: LoopHeader = {
      headerRange: lines.range(start, expression.end),
      target: header.target && text.slice(header.target.start, header.target.end),
      iterText: undefined,
      literalCount: undefined,
      body: { start: header.bodyStart, end },
    };
    if (kind !== K.forStatement) return out;
    out.iterText = text.slice(expression.start, expression.end);
    const iter = collected.spanning(this.input.from, this.input.to, expression.start, expression.end);
    if (iter >= 0 && collected.kinds[iter] === K.call) {
      out.iterCallKey = spanKey(expression.start, expression.end);
      // `range(…)` with literal bounds: known once the call's arguments have been read.
      out.countFromCall = expression;
    } else if (iter < 0) {
      const count = this.reader!.displayLength(expression.start, expression.end);
      if (count === null) return loopHeaderFromNode(node, lines);
      out.literalCount = count;
    }
    return out;
  }

  /** Target and iterable of a comprehension's first `for … in …`. */
  private comprehensionHeader(node: Node, loop: LoopFact): void {
    const clause = node.namedChildren.find((c) => c?.type === 'for_in_clause');
    const iterNode = clause?.childForFieldName('right') ?? null;
    loop.target = clause?.childForFieldName('left')?.text;
    loop.iterText = iterNode?.text;
    loop.literalCount = iterNode ? literalCountOf(iterNode) : undefined;
    if (iterNode?.type === 'call') this.iterCalls.push({ loop, key: spanKey(iterNode.startIndex, iterNode.endIndex) });
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
    const { start, end } = open;
    const scopes = this.scopesAt(start, end);
    const className = this.enclosingClassName();
    const header = this.reader?.functionHeader(start, end);
    const parts = header
      ? { name: header.name, nameRange: this.input.lines.range(header.nameStart, header.nameStart + header.name.length), params: header.params, body: { start: header.bodyStart, end } }
      : functionFromNode(node);
    const name = parts.name ?? '<anonymous>';
    const fact: FunctionFact = {
      id: this.input.functionBase + this.out.functions.length,
      name,
      qualifiedName: className ? `${className}.${name}` : name,
      params: parts.params,
      decorators: this.decoratorStack.pop() ?? [],
      range: this.rangeOf(i),
      nameRange: parts.nameRange ?? this.rangeOf(i),
      parentFunctionId: scopes.functionId(),
      trains: false,
    };
    this.out.functions.push(fact);
    if (parts.name !== undefined) this.out.localDefinitions.push(parts.name);
    if (parts.body) open.region = { start: parts.body.start, end: parts.body.end, scope: { kind: 'function', id: fact.id, labels: fact.decorators } };
    // `@decorator def f()` at module level ends the imports too (its parent's parent is the module).
    const { atModule, root } = this.input;
    if (atModule && !this.out.endsImports && this.stack.every((o) => o.node.id === root.id) && node.parent?.id === root.id) this.out.endsImports = true;
  }

  /** The guard scope of an `if` or `elif` body, with its condition as the label. */
  private branch(node: Node, start: number, end: number, keyword: 'if' | 'elif'): Region | undefined {
    const header = this.reader?.header(start, end, keyword);
    if (header) {
      const cond = this.input.text.slice(header.expression.start, header.expression.end);
      return { start: header.bodyStart, end, scope: { kind: 'guard', labels: [cond] } };
    }
    const consequence = node.childForFieldName('consequence');
    if (!consequence) return undefined;
    const cond = node.childForFieldName('condition');
    return { start: consequence.startIndex, end: consequence.endIndex, scope: { kind: 'guard', labels: cond ? [cond.text] : [] } };
  }

  /**
   * An `elif` or `else` clause ends the body of the statement it belongs to
   * (its enclosing `if`, `for` or `while`): a body read from the text was
   * assumed to run to the statement's end until now.
   */
  private endBodyAt(clauseStart: number, clauseKind: number): void {
    const owner = this.stack[this.stack.length - 1];
    if (!owner?.region) return;
    const owns = owner.kind === K.ifStatement || (clauseKind === K.elseClause && (owner.kind === K.forStatement || owner.kind === K.whileStatement));
    if (owns && owner.region.end > clauseStart) owner.region.end = clauseStart;
  }

  /** What a decorated definition defines: its last collected child, a function or a class. */
  private definitionKind(i: number, node: Node): number {
    const { collected, to } = this.input;
    const end = collected.ends[i];
    for (let j = i + 1; j < to && collected.starts[j] < end; j++) {
      const kind = collected.kinds[j];
      if ((kind === K.functionDefinition || kind === K.classDefinition) && collected.ends[j] === end) return kind;
    }
    return node.childForFieldName('definition')?.type === 'function_definition' ? K.functionDefinition : K.other;
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

  /**
   * Labels of the statement's own `with` items, in order: those before `bodyStart`.
   * Items of a `with` nested in the body belong to that inner statement only.
   */
  private withItemLabels(i: number, bodyStart: number): string[] {
    const { collected, to } = this.input;
    const out: string[] = [];
    for (let j = i + 1; j < to && collected.starts[j] < bodyStart; j++) {
      if (collected.kinds[j] !== K.withItem) continue;
      if (!this.withLabels.has(j)) this.withLabels.set(j, withItemLabel(collected.nodes[j]));
      const label = this.withLabels.get(j);
      if (label) out.push(label);
    }
    return out;
  }

  private innermostLoop(scopes: ScopeList): LoopFact | undefined {
    const id = scopes.innermostLoopId();
    return id === undefined ? undefined : this.out.loops[id - this.input.loopBase];
  }

  /** Whether a comment lies in [start, end). */
  private commentIn(start: number, end: number): boolean {
    const { collected, from, to } = this.input;
    for (let j = collected.firstAtOrAfter(from, to, start); j < to && collected.starts[j] < end; j++) if (collected.kinds[j] === K.comment) return true;
    return false;
  }

  /** Links found by offsets once every call of the chunk is known. */
  private linkCalls(): void {
    this.out.calls.forEach((raw, k) => {
      const receiverKey = this.receiverKeys[k];
      if (receiverKey !== undefined) raw.fact.receiverCallId = this.callByKey.get(receiverKey);
      raw.fact.resultCalled = this.calledResults.has(spanKey(raw.fact.range.startIndex, raw.fact.range.endIndex));
    });
    for (const { loop, key } of this.iterCalls) {
      const id = this.callByKey.get(key);
      if (id !== undefined) loop.iterCallId = id;
    }
    for (const { loop, start, end } of this.rangeCounts) {
      const id = this.callByKey.get(spanKey(start, end));
      loop.literalCount = id === undefined ? undefined : rangeCount(this.out.calls[id - this.input.callBase], this.commentIn(start, end));
    }
  }
}

/**
 * Iterations of `range(…)` with literal bounds, as literalCountOf reads the
 * call node: every argument a positional number, and no comment among them
 * (a comment is one of the tree's named children too).
 */
function rangeCount(raw: RawCall | undefined, hasComment: boolean): number | undefined {
  if (!raw || raw.fact.name !== 'range' || hasComment) return undefined;
  const values = raw.args.map((a) => (a.fact.keyword === undefined && a.fact.splat === undefined ? a.fact.literal : undefined));
  if (values.some((v) => typeof v !== 'number')) return undefined;
  const [a, b, step] = values as number[];
  if (values.length === 1) return Math.max(0, a);
  if (values.length === 2) return Math.max(0, b - a);
  if (values.length === 3 && step) return Math.max(0, Math.ceil((b - a) / step));
  return undefined;
}

/** Whether the open node contains [start, end). A node with the same range comes later, so it is a child. */
function encloses(o: Open, start: number, end: number): boolean {
  return o.start <= start && end <= o.end && (start < o.end || o.start === o.end);
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

