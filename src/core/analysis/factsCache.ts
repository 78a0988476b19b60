/**
 * Reuses the facts of unchanged top-level statements between analyses of the
 * same document, so that after a keystroke only the edited statement is
 * extracted again.
 *
 * A statement's facts depend only on its own text and on the columns of its
 * first line; the key is therefore the statement's column and the text from
 * the start of its first line to its end. Top-level statements usually begin
 * a line; one that follows a `;` (or a syntax error) on the same line keeps
 * that prefix in its key. A cached statement that moved then only shifts:
 * offsets by the change in its start offset, lines by the change in its
 * first line, ids by the change in the number of calls, loops and functions
 * before it.
 *
 * Only statements without syntax errors are cached: an error can make the
 * parser read the same text differently depending on what surrounds it.
 */
import type { ArgFact, AssignmentFact, CallFact, FunctionFact, LoopFact } from './facts';
import type { ChunkFacts, RawCall } from './pythonChunk';
import type { Range } from './types';

/** Cached statements of one document. Create one per open document and drop it when the document closes. */
export class FactsCache {
  private readonly entries = new Map<string, { chunk: ChunkFacts; run: number }>();
  private run = 0;

  /** `maxEntries` bounds memory whatever the documents look like; each entry is one top-level statement. */
  constructor(readonly maxEntries = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  /** The facts cached for a statement key, as stored (callers must shift a copy, never change them). */
  lookup(key: string): ChunkFacts | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.run = this.run;
    return entry.chunk;
  }

  /**
   * Stores a statement's facts as extracted. The caller hands the file-level
   * pass a different copy (see shiftChunk). Past `maxEntries`, the oldest
   * stored statements go first.
   */
  store(key: string, chunk: ChunkFacts): void {
    this.entries.delete(key);
    this.entries.set(key, { chunk, run: this.run });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /**
   * Ends an analysis: statements used neither by it nor by the one before are
   * dropped, so the cache holds about two versions of the document (undoing a
   * change finds the previous version still there).
   */
  endRun(): void {
    for (const [key, entry] of this.entries) if (entry.run < this.run - 1) this.entries.delete(key);
    this.run++;
  }
}

/** How far a cached statement moved: offsets, lines, and the ids before it. */
export interface Shift {
  index: number;
  line: number;
  call: number;
  loop: number;
  function: number;
}

/**
 * A copy of a chunk, moved by `d`, for one analysis. The facts the file-level
 * pass changes (calls and their arguments, loops, functions, assignments) are
 * always new objects, so the cached original stays as extracted. What no one
 * changes after extraction — ranges, lists of names, comments, imports — is
 * shared with the original when it did not move (Facts are read-only to
 * rules), which keeps re-analysis after a keystroke cheap. Objects are rebuilt
 * field by field, in the order (and with the optional fields) the extractor
 * creates them: the copy is indistinguishable from a fresh extraction, and V8
 * keeps one shape per kind of fact.
 */
export function shiftChunk(c: ChunkFacts, d: Shift): ChunkFacts {
  const s = new Shifter(d);
  const assignments = c.assignments.map((a) => s.assignment(a));
  const copies = new Map<AssignmentFact, AssignmentFact>();
  c.assignments.forEach((a, k) => copies.set(a, assignments[k]));
  return {
    startIndex: c.startIndex + d.index,
    startLine: c.startLine + d.line,
    callBase: c.callBase + d.call,
    loopBase: c.loopBase + d.loop,
    functionBase: c.functionBase + d.function,
    imports: s.moved ? c.imports.map((i) => ({ qualified: i.qualified, local: i.local, range: s.range(i.range) })) : c.imports,
    calls: c.calls.map((raw) => s.call(raw)),
    loops: c.loops.map((l) => s.loop(l, copies)),
    functions: c.functions.map((f) => s.function(f)),
    assignments,
    comments: s.moved ? c.comments.map((x) => ({ text: x.text, range: s.range(x.range), ownLine: x.ownLine })) : c.comments,
    syntaxErrors: s.moved ? c.syntaxErrors.map((r) => s.range(r)) : c.syntaxErrors,
    stringLiterals: c.stringLiterals,
    localDefinitions: c.localDefinitions,
    moduleAssignments: c.moduleAssignments,
    importEnd: c.importEnd === undefined ? undefined : c.importEnd + d.index,
    endsImports: c.endsImports,
  };
}

/** Copies facts moved by a Shift. */
class Shifter {
  /** Offsets or lines changed: ranges need new objects. */
  readonly moved: boolean;

  constructor(private readonly d: Shift) {
    this.moved = d.index !== 0 || d.line !== 0;
  }

  range(r: Range): Range {
    const { index, line } = this.d;
    if (line === 0) return index === 0 ? r : { start: r.start, end: r.end, startIndex: r.startIndex + index, endIndex: r.endIndex + index };
    return {
      start: { line: r.start.line + line, column: r.start.column },
      end: { line: r.end.line + line, column: r.end.column },
      startIndex: r.startIndex + index,
      endIndex: r.endIndex + index,
    };
  }

  private loopIds(ids: number[]): number[] {
    return this.d.loop === 0 ? ids : ids.map((id) => id + this.d.loop);
  }

  private functionId(id: number | undefined): number | undefined {
    return id === undefined ? undefined : id + this.d.function;
  }

  call(raw: RawCall): RawCall {
    const f = raw.fact;
    const args = raw.args.map((a) => ({ fact: this.arg(a.fact), dotted: a.dotted, identifier: a.identifier }));
    const fact: CallFact = {
      id: f.id + this.d.call,
      name: f.name,
      imported: f.imported,
      method: f.method,
      receiver: f.receiver,
      args: args.map((a) => a.fact),
      range: this.range(f.range),
      calleeRange: this.range(f.calleeRange),
      nameRange: this.range(f.nameRange),
      loopIds: this.loopIds(f.loopIds),
      functionId: this.functionId(f.functionId),
      contexts: f.contexts,
      guards: f.guards,
      assignedTo: f.assignedTo,
      resultAttribute: f.resultAttribute,
    };
    if ('receiverCallId' in f) fact.receiverCallId = f.receiverCallId === undefined ? undefined : f.receiverCallId + this.d.call;
    if ('resultCalled' in f) fact.resultCalled = f.resultCalled;
    return { fact, dotted: raw.dotted, args, contextsRaw: raw.contextsRaw };
  }

  private arg(a: ArgFact): ArgFact {
    const copy: ArgFact = { keyword: a.keyword, splat: a.splat, text: a.text, range: this.range(a.range), literal: a.literal, hasLiteral: a.hasLiteral };
    if (a.elements) copy.elements = a.elements;
    return copy;
  }

  assignment(a: AssignmentFact): AssignmentFact {
    const copy: AssignmentFact = {
      target: a.target,
      operator: a.operator,
      valueText: a.valueText,
      literal: a.literal,
      hasLiteral: a.hasLiteral,
      selfReferential: a.selfReferential,
      valueHasCall: a.valueHasCall,
      range: this.range(a.range),
      functionId: this.functionId(a.functionId),
      loopIds: this.loopIds(a.loopIds),
      guards: a.guards,
    };
    return copy;
  }

  loop(l: LoopFact, assignments: Map<AssignmentFact, AssignmentFact>): LoopFact {
    const copy: LoopFact = {
      id: l.id + this.d.loop,
      kind: l.kind,
      range: this.range(l.range),
      headerRange: this.range(l.headerRange),
      parentLoopId: l.parentLoopId === undefined ? undefined : l.parentLoopId + this.d.loop,
      functionId: this.functionId(l.functionId),
      target: l.target,
      iterText: l.iterText,
      literalCount: l.literalCount,
      hasBreak: l.hasBreak,
      subscripts: this.moved ? l.subscripts.map((x) => ({ object: x.object, index: x.index, inArithmetic: x.inArithmetic, inCall: x.inCall, range: this.range(x.range) })) : l.subscripts,
      // The loop's own assignments are the same objects as the chunk's.
      assignments: l.assignments.map((a) => assignments.get(a)!),
      trains: l.trains,
      containsTraining: l.containsTraining,
    };
    if ('iterCallId' in l) copy.iterCallId = l.iterCallId === undefined ? undefined : l.iterCallId + this.d.call;
    return copy;
  }

  function(f: FunctionFact): FunctionFact {
    return {
      id: f.id + this.d.function,
      name: f.name,
      qualifiedName: f.qualifiedName,
      params: f.params,
      decorators: f.decorators,
      range: this.range(f.range),
      nameRange: this.range(f.nameRange),
      parentFunctionId: this.functionId(f.parentFunctionId),
      trains: f.trains,
    };
  }
}
