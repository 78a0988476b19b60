/**
 * Turns a tree-sitter Python syntax tree into Facts.
 *
 * One depth-first walk with a tree cursor (cheap: no node objects for the
 * thousands of nodes nobody asks about) collects imports, calls, loops,
 * functions, assignments and comments with their enclosing context; a short
 * post-pass resolves names through the imports and works out which loops and
 * functions train a model.
 */
import type { Node, Tree, TreeCursor } from 'web-tree-sitter';
import type {
  ArgFact,
  AssignmentFact,
  CallFact,
  CommentFact,
  Facts,
  FunctionFact,
  ImportFact,
  Literal,
  LoopFact,
  SubscriptFact,
} from './facts';
import type { Range } from './types';
import { computeTrainingFacts } from './training';

const LOOP_TYPES = new Set(['for_statement', 'while_statement']);
const COMPREHENSION_TYPES = new Set([
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);
const ARITHMETIC_TYPES = new Set(['binary_operator', 'augmented_assignment', 'unary_operator']);

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

/** Value of a literal node, or undefined when the node is not a plain literal. */
export function literalOf(node: Node): Literal | undefined {
  switch (node.type) {
    case 'integer': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(v) ? v : undefined;
    }
    case 'float': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(v) ? v : undefined;
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'unary_operator': {
      const operand = node.childForFieldName('argument');
      const op = node.child(0)?.text;
      const v = operand ? literalOf(operand) : undefined;
      return op === '-' && typeof v === 'number' ? -v : undefined;
    }
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
    case 'parenthesized_expression': {
      const inner = node.namedChildren[0];
      return inner ? literalOf(inner) : undefined;
    }
    default:
      return undefined;
  }
}

function stringValue(node: Node): string | undefined {
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

function unescape(seq: string): string {
  const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
  return map[seq.slice(1)] ?? seq;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

interface Scope {
  kind: 'function' | 'loop' | 'with' | 'guard';
  id?: number;
  /** Qualified context names for `with`, the condition text for guards. */
  labels?: string[];
}

interface PendingCall {
  fact: CallFact;
  /** Raw dotted callee text, resolved after the walk. */
  dotted?: string;
  receiverKey?: string;
  argNodes: { fact: ArgFact; dotted?: string; identifier?: string }[];
  contextsRaw: string[];
}

/** Extracts Facts from a parsed Python file. */
export function extractPythonFacts(tree: Tree, text: string): Facts {
  const imports: ImportFact[] = [];
  const calls: CallFact[] = [];
  const pending: PendingCall[] = [];
  const loops: LoopFact[] = [];
  const functions: FunctionFact[] = [];
  const assignments: AssignmentFact[] = [];
  const comments: CommentFact[] = [];
  const syntaxErrors: Range[] = [];
  const stringLiterals: string[] = [];
  const localDefinitions = new Set<string>();
  const moduleAssignments = new Map<string, { literal?: Literal; count: number }>();
  const functionDecorators: string[][] = [];
  /** Targets to attach to the call that is the right side of an assignment. */
  const assignTargets = new Map<string, string[]>();
  const resultAttributes = new Map<string, string>();
  const calledResults = new Set<string>();
  const callByKey = new Map<string, number>();

  const scopes: Scope[] = [];
  let arithmeticDepth = 0;
  let callDepth = 0;
  let afterImportsIndex = 0;
  let importsDone = false;

  const key = (n: Node) => `${n.startIndex}:${n.endIndex}`;
  const currentFunction = () => {
    for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].kind === 'function') return scopes[i].id;
    return undefined;
  };
  /** Loops of the innermost function, outermost first. */
  const currentLoops = () => {
    const ids: number[] = [];
    for (let i = scopes.length - 1; i >= 0; i--) {
      const s = scopes[i];
      if (s.kind === 'function') break;
      if (s.kind === 'loop') ids.unshift(s.id!);
    }
    return ids;
  };
  const currentContexts = () => scopes.filter((s) => s.kind === 'with' || s.kind === 'function').flatMap((s) => s.labels ?? []);
  /** Guards between the call and its innermost loop (or function when no loop). */
  const currentGuards = () => {
    const out: string[] = [];
    for (let i = scopes.length - 1; i >= 0; i--) {
      const s = scopes[i];
      if (s.kind === 'loop' || s.kind === 'function') break;
      if (s.kind === 'guard') out.push(...(s.labels ?? []));
    }
    return out;
  };
  const innermostLoop = (): LoopFact | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const s = scopes[i];
      if (s.kind === 'function') return undefined;
      if (s.kind === 'loop') return loops[s.id!];
    }
    return undefined;
  };

  function dottedText(node: Node): string | undefined {
    if (node.type === 'identifier') return node.text;
    if (node.type === 'attribute') {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      if (!obj || !attr) return undefined;
      const base = dottedText(obj);
      return base === undefined ? undefined : `${base}.${attr.text}`;
    }
    return undefined;
  }

  function handleImport(node: Node) {
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
      imports.push({ qualified: bound, local, range: rangeOf(node) });
    }
  }

  function handleCall(node: Node) {
    const fn = node.childForFieldName('function');
    const argList = node.childForFieldName('arguments');
    if (!fn) return;
    const id = calls.length;
    let method: string | undefined;
    let receiver: string | undefined;
    let receiverKey: string | undefined;
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
        if (obj.type === 'call') receiverKey = key(obj);
      }
    } else if (fn.type === 'call') {
      calledResults.add(key(fn));
    }
    const args: PendingCall['argNodes'] = [];
    if (argList && argList.type === 'argument_list') {
      for (const a of argList.namedChildren) {
        if (!a || a.type === 'comment') continue;
        args.push(argFact(a));
      }
    } else if (argList) {
      // `f(x for x in y)`: a single generator argument.
      args.push(argFact(argList));
    }
    const fact: CallFact = {
      id,
      name: fn.text,
      imported: false,
      method,
      receiver,
      args: args.map((a) => a.fact),
      range: rangeOf(node),
      calleeRange: rangeOf(fn),
      nameRange: rangeOf(nameNode),
      loopIds: currentLoops(),
      functionId: currentFunction(),
      contexts: [],
      guards: currentGuards(),
      assignedTo: assignTargets.get(key(node)) ?? [],
      resultAttribute: resultAttributes.get(key(node)),
    };
    callByKey.set(key(node), id);
    calls.push(fact);
    pending.push({ fact, dotted: dottedText(fn), receiverKey, argNodes: args, contextsRaw: currentContexts() });
  }

  function argFact(a: Node): PendingCall['argNodes'][number] {
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

  function targetsOf(left: Node): string[] {
    if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
      return left.namedChildren.filter((c): c is Node => !!c).flatMap(targetsOf);
    }
    return [left.text];
  }

  function handleAssignment(node: Node) {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return;
    const operator = node.type === 'augmented_assignment' ? (node.childForFieldName('operator')?.text ?? '') : '=';
    const targets = targetsOf(left);
    if (right.type === 'call') assignTargets.set(key(right), targets);
    const rightText = right.text;
    const literal = literalOf(right);
    const selfReferential = targets.some((t) => new RegExp(`(^|[^\\w.])${escapeRegExp(t)}(?![\\w])`).test(rightText));
    const fact: AssignmentFact = {
      target: left.text,
      operator,
      valueText: rightText,
      literal,
      hasLiteral: literal !== undefined,
      selfReferential,
      valueHasCall: right.type === 'call' || right.descendantsOfType('call').length > 0,
      range: rangeOf(node),
      functionId: currentFunction(),
      loopIds: currentLoops(),
      guards: currentGuards(),
    };
    assignments.push(fact);
    innermostLoop()?.assignments.push(fact);
    if (fact.functionId === undefined && fact.loopIds.length === 0 && left.type === 'identifier' && operator === '=') {
      const prev = moduleAssignments.get(left.text);
      moduleAssignments.set(left.text, { literal, count: (prev?.count ?? 0) + 1 });
    }
  }

  function handleLoop(node: Node): LoopFact {
    const parentLoop = innermostLoop();
    const isComprehension = COMPREHENSION_TYPES.has(node.type);
    let target: string | undefined;
    let iterNode: Node | null = null;
    let headerEnd = node.endPosition;
    let headerEndIndex = node.endIndex;
    if (node.type === 'for_statement') {
      target = node.childForFieldName('left')?.text;
      iterNode = node.childForFieldName('right');
      const body = node.childForFieldName('body');
      if (iterNode) {
        headerEnd = iterNode.endPosition;
        headerEndIndex = iterNode.endIndex;
      } else if (body) {
        headerEnd = body.startPosition;
        headerEndIndex = body.startIndex;
      }
    } else if (node.type === 'while_statement') {
      const cond = node.childForFieldName('condition');
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
      id: loops.length,
      kind: isComprehension ? 'comprehension' : node.type === 'for_statement' ? 'for' : 'while',
      range: rangeOf(node),
      headerRange: {
        start: { line: node.startPosition.row, column: node.startPosition.column },
        end: { line: headerEnd.row, column: headerEnd.column },
        startIndex: node.startIndex,
        endIndex: headerEndIndex,
      },
      parentLoopId: parentLoop?.id,
      functionId: currentFunction(),
      target,
      iterText: iterNode?.text,
      literalCount: iterNode ? literalCountOf(iterNode) : undefined,
      hasBreak: !isComprehension && hasOwnBreak(node),
      subscripts: [],
      assignments: [],
      trains: false,
      containsTraining: false,
    };
    if (iterNode?.type === 'call') assignTargets.set(`iter:${key(iterNode)}`, [String(loop.id)]);
    loops.push(loop);
    return loop;
  }

  function literalCountOf(iter: Node): number | undefined {
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

  function hasOwnBreak(loop: Node): boolean {
    const body = loop.childForFieldName('body');
    if (!body) return false;
    for (const b of body.descendantsOfType('break_statement')) {
      // The break must belong to this loop, not to a nested one.
      let p = b?.parent;
      while (p && p.id !== loop.id && !LOOP_TYPES.has(p.type)) p = p.parent;
      if (p && p.id === loop.id) return true;
    }
    return false;
  }

  function handleFunction(node: Node): FunctionFact {
    const nameNode = node.childForFieldName('name');
    const name = nameNode?.text ?? '<anonymous>';
    const params = (node.childForFieldName('parameters')?.namedChildren ?? [])
      .filter((c): c is Node => !!c)
      .map((p) => (p.type === 'identifier' ? p.text : (p.childForFieldName('name')?.text ?? p.namedChildren[0]?.text ?? p.text)));
    const classNode = enclosingClass(node);
    const fact: FunctionFact = {
      id: functions.length,
      name,
      qualifiedName: classNode ? `${classNode}.${name}` : name,
      params,
      decorators: functionDecorators.pop() ?? [],
      range: rangeOf(node),
      nameRange: nameNode ? rangeOf(nameNode) : rangeOf(node),
      parentFunctionId: currentFunction(),
      trains: false,
    };
    functions.push(fact);
    return fact;
  }

  function enclosingClass(node: Node): string | undefined {
    let p = node.parent;
    while (p) {
      if (p.type === 'class_definition') return p.childForFieldName('name')?.text;
      if (p.type === 'function_definition') return undefined;
      p = p.parent;
    }
    return undefined;
  }

  function withLabels(node: Node): string[] {
    const out: string[] = [];
    for (const item of node.descendantsOfType('with_item')) {
      const value = item?.childForFieldName('value');
      if (!value) continue;
      const expr = value.type === 'as_pattern' ? value.namedChildren[0] : value;
      if (!expr) continue;
      const callee = expr.type === 'call' ? expr.childForFieldName('function') : expr;
      const dotted = callee ? dottedText(callee) : undefined;
      if (dotted) out.push(dotted + argSuffix(expr));
    }
    return out;
  }

  /** `torch.set_grad_enabled(False)` keeps its argument so rules can tell it from `(True)`. */
  function argSuffix(expr: Node): string {
    if (expr.type !== 'call') return '';
    const args = expr.childForFieldName('arguments');
    return args && args.namedChildCount === 1 ? `(${args.namedChildren[0]?.text})` : '';
  }

  const cursor: TreeCursor = tree.walk();
  const visit = (fieldName: string | null, parentType: string | null) => {
    const type = cursor.nodeType;
    let pushed = 0;
    let arith = false;
    let isCall = false;
    const enter = (s: Scope) => {
      scopes.push(s);
      pushed++;
    };

    // Children that open a scope: bodies of loops, functions and withs, branches of ifs.
    if (fieldName === 'body' && parentType) {
      const parent = cursor.currentNode.parent;
      if (parent) {
        if (LOOP_TYPES.has(parentType)) enter({ kind: 'loop', id: loopIdByKey.get(key(parent)) });
        else if (parentType === 'function_definition') enter({ kind: 'function', id: functionIdByKey.get(key(parent)), labels: functions[functionIdByKey.get(key(parent))!]?.decorators });
        else if (parentType === 'with_statement') enter({ kind: 'with', labels: withLabels(parent) });
      }
    } else if (fieldName === 'consequence' && (parentType === 'if_statement' || parentType === 'elif_clause')) {
      const cond = cursor.currentNode.parent?.childForFieldName('condition');
      enter({ kind: 'guard', labels: cond ? [cond.text] : [] });
    } else if (type === 'else_clause') {
      enter({ kind: 'guard', labels: ['else'] });
    }

    switch (type) {
      case 'import_statement':
      case 'import_from_statement': {
        const node = cursor.currentNode;
        handleImport(node);
        if (!importsDone && node.parent?.type === 'module') afterImportsIndex = node.endIndex;
        break;
      }
      case 'function_definition': {
        const node = cursor.currentNode;
        functionIdByKey.set(key(node), handleFunction(node).id);
        if (node.parent?.type === 'module' || node.parent?.parent?.type === 'module') importsDone = true;
        const n = node.childForFieldName('name');
        if (n) localDefinitions.add(n.text);
        break;
      }
      case 'class_definition': {
        const node = cursor.currentNode;
        const n = node.childForFieldName('name');
        if (n) localDefinitions.add(n.text);
        if (node.parent?.type === 'module') importsDone = true;
        break;
      }
      case 'decorated_definition': {
        const node = cursor.currentNode;
        const labels: string[] = [];
        for (const d of node.namedChildren) {
          if (d?.type !== 'decorator') continue;
          const expr = d.namedChildren[0];
          const callee = expr?.type === 'call' ? expr.childForFieldName('function') : expr;
          const dotted = callee ? dottedText(callee) : undefined;
          if (dotted) labels.push(dotted);
        }
        // Decorators of a class are not a function's context.
        if (node.childForFieldName('definition')?.type === 'function_definition') functionDecorators.push(labels);
        break;
      }
      case 'for_statement':
      case 'while_statement': {
        const node = cursor.currentNode;
        loopIdByKey.set(key(node), handleLoop(node).id);
        if (node.parent?.type === 'module') importsDone = true;
        break;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression': {
        const loop = handleLoop(cursor.currentNode);
        enter({ kind: 'loop', id: loop.id });
        break;
      }
      case 'if_statement':
      case 'with_statement':
      case 'try_statement':
        if (cursor.currentNode.parent?.type === 'module') importsDone = true;
        break;
      case 'assignment':
      case 'augmented_assignment':
        handleAssignment(cursor.currentNode);
        break;
      case 'attribute': {
        const node = cursor.currentNode;
        const obj = node.childForFieldName('object');
        const attr = node.childForFieldName('attribute');
        if (obj?.type === 'call' && attr) resultAttributes.set(key(obj), attr.text);
        break;
      }
      case 'call':
        handleCall(cursor.currentNode);
        isCall = true;
        break;
      case 'subscript': {
        const loop = innermostLoop();
        if (loop) {
          const node = cursor.currentNode;
          const value = node.childForFieldName('value');
          const index = node.childForFieldName('subscript');
          if (value && index) {
            const fact: SubscriptFact = {
              object: value.text,
              index: index.text,
              inArithmetic: arithmeticDepth > 0,
              inCall: callDepth > 0,
              range: rangeOf(node),
            };
            loop.subscripts.push(fact);
          }
        }
        break;
      }
      case 'comment': {
        const node = cursor.currentNode;
        const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
        comments.push({ text: node.text, range: rangeOf(node), ownLine: text.slice(lineStart, node.startIndex).trim() === '' });
        break;
      }
      case 'string': {
        const v = stringValue(cursor.currentNode);
        if (v !== undefined && v.length < 200) stringLiterals.push(v);
        break;
      }
      case 'ERROR':
        syntaxErrors.push(rangeOf(cursor.currentNode));
        break;
      default:
        if (cursor.currentNode.isMissing) syntaxErrors.push(rangeOf(cursor.currentNode));
    }
    if (ARITHMETIC_TYPES.has(type)) {
      arith = true;
      arithmeticDepth++;
    }
    if (isCall && !arith) callDepth++;

    if (cursor.gotoFirstChild()) {
      do visit(cursor.currentFieldName, type);
      while (cursor.gotoNextSibling());
      cursor.gotoParent();
    }

    if (arith) arithmeticDepth--;
    if (isCall) callDepth--;
    while (pushed-- > 0) scopes.pop();
  };
  const loopIdByKey = new Map<string, number>();
  const functionIdByKey = new Map<string, number>();
  // Simple statements are shallow; nesting depth is bounded by the source's own nesting.
  visit(null, null);

  // Resolve names through imports. A same-file def or class shadows an import of that name.
  const aliases = new Map<string, string>();
  for (const imp of imports) if (!localDefinitions.has(imp.local)) aliases.set(imp.local, imp.qualified);
  const resolve = (dotted: string): { name: string; imported: boolean } => {
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const target = aliases.get(head);
    if (target === undefined) return { name: dotted, imported: false };
    return { name: dot < 0 ? target : target + dotted.slice(dot), imported: true };
  };
  const constants = new Map<string, Literal>();
  for (const [name, info] of moduleAssignments) if (info.count === 1 && info.literal !== undefined) constants.set(name, info.literal);

  for (const p of pending) {
    if (p.dotted) Object.assign(p.fact, resolve(p.dotted));
    if (p.receiverKey) p.fact.receiverCallId = callByKey.get(p.receiverKey);
    p.fact.resultCalled = calledResults.has(`${p.fact.range.startIndex}:${p.fact.range.endIndex}`);
    p.fact.contexts = p.contextsRaw.map((c) => {
      const paren = c.indexOf('(');
      return paren < 0 ? resolve(c).name : resolve(c.slice(0, paren)).name + c.slice(paren);
    });
    for (const a of p.argNodes) {
      if (a.dotted) a.fact.qualified = resolve(a.dotted).name;
      if (!a.fact.hasLiteral && a.identifier && constants.has(a.identifier)) {
        a.fact.literal = constants.get(a.identifier);
        a.fact.hasLiteral = true;
      }
    }
  }
  for (const f of functions) f.decorators = f.decorators.map((d) => resolve(d).name);
  for (const a of assignments) {
    if (/^[A-Za-z_][\w.]*$/.test(a.target) && a.target.includes('.')) a.target = resolve(a.target).name;
  }
  for (const [k, ids] of assignTargets) {
    if (!k.startsWith('iter:')) continue;
    const callId = callByKey.get(k.slice(5));
    if (callId !== undefined) loops[Number(ids[0])].iterCallId = callId;
  }

  const facts: Facts = {
    language: 'python',
    text,
    imports,
    calls,
    loops,
    functions,
    assignments,
    constants,
    comments,
    syntaxErrors,
    afterImportsIndex: lineEndAfter(text, afterImportsIndex),
    lineStarts: lineStartsOf(text),
    trains: false,
    stringLiterals,
  };
  computeTrainingFacts(facts);
  return facts;
}

/** The offset just after the newline that ends the line containing `index`. */
function lineEndAfter(text: string, index: number): number {
  if (index === 0) return 0;
  const nl = text.indexOf('\n', index);
  return nl < 0 ? text.length : nl + 1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
