/**
 * Turns a tree-sitter Python syntax tree into Facts.
 *
 * The file is extracted one top-level statement at a time (pythonChunk.ts),
 * from nodes collected in a single pass (pythonSyntax.ts). With a
 * FactsCache, statements whose text did not change since the last analysis
 * are reused instead of extracted. A short file-level pass then resolves
 * names through the imports, finds module constants and works out which
 * loops and functions train a model; it always runs on the whole file,
 * because an import or a training function anywhere changes its answers.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { AssignmentFact, CommentFact, Facts, FunctionFact, ImportFact, Literal, LoopFact } from './facts';
import { shiftChunk, type FactsCache } from './factsCache';
import { extractChunk, type ChunkFacts, type RawCall } from './pythonChunk';
import { CollectedNodes, LineIndex } from './pythonSyntax';
import type { Range } from './types';
import { computeTrainingFacts } from './training';

export { literalOf, rangeOf } from './pythonNodes';

/** With more changed statements than this, one collection over the whole tree beats one per statement. */
const PER_STATEMENT_COLLECTION_LIMIT = 8;
const NO_SHIFT = { index: 0, line: 0, call: 0, loop: 0, function: 0 };

/** A top-level statement (or comment) of the module. */
interface Statement {
  node: Node;
  start: number;
  end: number;
  /** Free of syntax errors, so it can be read from its text and cached. */
  valid: boolean;
}

/** Extracts Facts from a parsed Python file, reusing unchanged statements from `cache` when given. */
export function extractPythonFacts(tree: Tree, text: string, cache?: FactsCache): Facts {
  const lines = LineIndex.of(text);
  const root = tree.rootNode;
  const atModule = root.type === 'module';
  // Without a module (the parser gave up on the whole file) the root is the only statement.
  const statements = atModule ? statementsOf(root) : [{ node: root, start: root.startIndex, end: root.endIndex, valid: false }];
  const chunks = cache ? chunksWithCache(root, statements, text, lines, atModule, cache) : chunksOf(root, statements, text, lines, atModule);
  cache?.endRun();
  return assembleFacts(text, lines, chunks);
}

function statementsOf(root: Node): Statement[] {
  return root.children.filter((n): n is Node => !!n).map((node) => ({ node, start: node.startIndex, end: node.endIndex, valid: !node.hasError }));
}

/** Running ids: a statement's first call, loop and function ids are the counts before it. */
class Bases {
  call = 0;
  loop = 0;
  function = 0;

  advance(c: ChunkFacts): void {
    this.call += c.calls.length;
    this.loop += c.loops.length;
    this.function += c.functions.length;
  }
}

/** Extracts every statement, from one collection over the whole tree. */
function chunksOf(root: Node, statements: Statement[], text: string, lines: LineIndex, atModule: boolean): ChunkFacts[] {
  const collected = CollectedNodes.of(root);
  const bases = new Bases();
  const chunks: ChunkFacts[] = [];
  let from = 0;
  for (const st of statements) {
    const to = collected.firstAtOrAfter(from, collected.length, st.end);
    const chunk = extract(st, text, lines, atModule, collected, from, Math.max(from, to), bases);
    chunks.push(chunk);
    bases.advance(chunk);
    from = Math.max(from, to);
  }
  return chunks;
}

/** Reuses cached statements; extracts (and caches) the others. */
function chunksWithCache(root: Node, statements: Statement[], text: string, lines: LineIndex, atModule: boolean, cache: FactsCache): ChunkFacts[] {
  const keys = statements.map((st) => (st.valid && atModule ? statementKey(text, lines, st) : undefined));
  const hits = keys.map((key) => (key === undefined ? undefined : cache.lookup(key)));
  // The file-level pass changes the chunks it is given: the cache keeps its own copies.
  const keep = (key: string | undefined, chunk: ChunkFacts) => key !== undefined && cache.store(key, shiftChunk(chunk, NO_SHIFT));
  if (hits.filter((h) => !h).length > PER_STATEMENT_COLLECTION_LIMIT) {
    // Mostly new (a first analysis, a paste): extracting everything from one collection is cheaper.
    const chunks = chunksOf(root, statements, text, lines, atModule);
    chunks.forEach((chunk, k) => keep(keys[k], chunk));
    return chunks;
  }
  const bases = new Bases();
  return statements.map((st, k) => {
    const hit = hits[k];
    let chunk: ChunkFacts;
    if (hit) {
      chunk = shiftChunk(hit, {
        index: st.start - hit.startIndex,
        line: lines.lineOf(st.start) - hit.startLine,
        call: bases.call - hit.callBase,
        loop: bases.loop - hit.loopBase,
        function: bases.function - hit.functionBase,
      });
    } else {
      chunk = extract(st, text, lines, atModule, CollectedNodes.of(st.node), 0, undefined, bases);
      keep(keys[k], chunk);
    }
    bases.advance(chunk);
    return chunk;
  });
}

/**
 * What a statement's facts depend on: its text, and the text before it on its
 * first line (columns there), with the column where it starts — two
 * statements may share the same line text and start at different columns.
 */
function statementKey(text: string, lines: LineIndex, st: Statement): string {
  const lineStart = lines.starts[lines.lineOf(st.start)];
  return `${st.start - lineStart}:${text.slice(lineStart, st.end)}`;
}

function extract(st: Statement, text: string, lines: LineIndex, atModule: boolean, collected: CollectedNodes, from: number, to: number | undefined, bases: Bases): ChunkFacts {
  return extractChunk({
    root: st.node,
    end: st.end,
    text,
    lines,
    collected,
    from,
    to: to ?? collected.length,
    atModule,
    valid: st.valid,
    callBase: bases.call,
    loopBase: bases.loop,
    functionBase: bases.function,
  });
}

/** Joins the statements' facts and runs the file-level pass. */
function assembleFacts(text: string, lines: LineIndex, chunks: ChunkFacts[]): Facts {
  const imports: ImportFact[] = [];
  const raws: RawCall[] = [];
  const loops: LoopFact[] = [];
  const functions: FunctionFact[] = [];
  const assignments: AssignmentFact[] = [];
  const comments: CommentFact[] = [];
  const syntaxErrors: Range[] = [];
  const stringLiterals: string[] = [];
  const localDefinitions = new Set<string>();
  const moduleAssignments = new Map<string, { literal?: Literal; count: number }>();
  let afterImportsIndex = 0;
  let importsDone = false;
  for (const c of chunks) {
    append(imports, c.imports);
    append(raws, c.calls);
    append(loops, c.loops);
    append(functions, c.functions);
    append(assignments, c.assignments);
    append(comments, c.comments);
    append(syntaxErrors, c.syntaxErrors);
    append(stringLiterals, c.stringLiterals);
    for (const name of c.localDefinitions) localDefinitions.add(name);
    for (const { name, literal } of c.moduleAssignments) {
      const prev = moduleAssignments.get(name);
      moduleAssignments.set(name, { literal, count: (prev?.count ?? 0) + 1 });
    }
    if (c.importEnd !== undefined && !importsDone) afterImportsIndex = c.importEnd;
    if (c.endsImports) importsDone = true;
  }

  // Resolve names through imports. A same-file def or class shadows an import of that name.
  const aliases = new Map<string, string>();
  for (const imp of imports) if (!localDefinitions.has(imp.local)) aliases.set(imp.local, imp.qualified);
  // Long scripts repeat the same few dotted names (`F.relu`, `nn.Conv2d`): resolve each once.
  const resolved = new Map<string, { name: string; imported: boolean }>();
  const resolve = (dotted: string): { name: string; imported: boolean } => {
    let r = resolved.get(dotted);
    if (!r) {
      const dot = dotted.indexOf('.');
      const head = dot < 0 ? dotted : dotted.slice(0, dot);
      const target = aliases.get(head);
      r = target === undefined ? { name: dotted, imported: false } : { name: dot < 0 ? target : target + dotted.slice(dot), imported: true };
      resolved.set(dotted, r);
    }
    return r;
  };
  const constants = new Map<string, Literal>();
  for (const [name, info] of moduleAssignments) if (info.count === 1 && info.literal !== undefined) constants.set(name, info.literal);

  for (const raw of raws) {
    const fact = raw.fact;
    if (raw.dotted) {
      const r = resolve(raw.dotted);
      fact.name = r.name;
      fact.imported = r.imported;
    }
    if (raw.contextsRaw.length > 0) {
      fact.contexts = raw.contextsRaw.map((c) => {
        const paren = c.indexOf('(');
        return paren < 0 ? resolve(c).name : resolve(c.slice(0, paren)).name + c.slice(paren);
      });
    }
    for (const a of raw.args) {
      if (a.dotted) a.fact.qualified = resolve(a.dotted).name;
      if (!a.fact.hasLiteral && a.identifier && constants.has(a.identifier)) {
        a.fact.literal = constants.get(a.identifier);
        a.fact.hasLiteral = true;
      }
    }
  }
  for (const f of functions) if (f.decorators.length > 0) f.decorators = f.decorators.map((d) => resolve(d).name);
  for (const a of assignments) {
    if (a.target.includes('.') && /^[A-Za-z_][\w.]*$/.test(a.target)) a.target = resolve(a.target).name;
  }

  const facts: Facts = {
    language: 'python',
    text,
    imports,
    calls: raws.map((r) => r.fact),
    loops,
    functions,
    assignments,
    constants,
    comments,
    syntaxErrors,
    afterImportsIndex: lineEndAfter(text, afterImportsIndex),
    lineStarts: lines.starts,
    trains: false,
    stringLiterals,
  };
  computeTrainingFacts(facts);
  return facts;
}

function append<T>(to: T[], items: T[]): void {
  for (const x of items) to.push(x);
}

/** The offset just after the newline that ends the line containing `index`. */
function lineEndAfter(text: string, index: number): number {
  if (index === 0) return 0;
  const nl = text.indexOf('\n', index);
  return nl < 0 ? text.length : nl + 1;
}
