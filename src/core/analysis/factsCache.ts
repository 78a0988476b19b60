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

  /** Stores facts that nobody else holds (the cache's copy stays as extracted). */
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
 * A deep copy of a chunk, moved by `d`. The copy shares nothing mutable with
 * the original, so the file-level pass may resolve names and mark training in
 * it while the cached original stays as extracted.
 */
export function shiftChunk(c: ChunkFacts, d: Shift): ChunkFacts {
  const range = (r: Range): Range => ({
    start: { line: r.start.line + d.line, column: r.start.column },
    end: { line: r.end.line + d.line, column: r.end.column },
    startIndex: r.startIndex + d.index,
    endIndex: r.endIndex + d.index,
  });
  const loopId = (id: number | undefined) => (id === undefined ? undefined : id + d.loop);
  const functionId = (id: number | undefined) => (id === undefined ? undefined : id + d.function);

  const assignmentCopies = new Map<AssignmentFact, AssignmentFact>();
  const assignments = c.assignments.map((a) => {
    const copy: AssignmentFact = {
      ...a,
      range: range(a.range),
      functionId: functionId(a.functionId),
      loopIds: a.loopIds.map((id) => id + d.loop),
    };
    if (a.guards) copy.guards = [...a.guards];
    assignmentCopies.set(a, copy);
    return copy;
  });

  const loops = c.loops.map((l): LoopFact => {
    const copy: LoopFact = {
      ...l,
      id: l.id + d.loop,
      range: range(l.range),
      headerRange: range(l.headerRange),
      parentLoopId: loopId(l.parentLoopId),
      functionId: functionId(l.functionId),
      subscripts: l.subscripts.map((s) => ({ ...s, range: range(s.range) })),
      // The loop's own assignments are the same objects as the chunk's.
      assignments: l.assignments.map((a) => assignmentCopies.get(a)!),
    };
    if (l.iterCallId !== undefined) copy.iterCallId = l.iterCallId + d.call;
    return copy;
  });

  const functions = c.functions.map(
    (f): FunctionFact => ({
      ...f,
      id: f.id + d.function,
      params: [...f.params],
      decorators: [...f.decorators],
      range: range(f.range),
      nameRange: range(f.nameRange),
      parentFunctionId: functionId(f.parentFunctionId),
    }),
  );

  const calls = c.calls.map((raw): RawCall => {
    const args = raw.args.map((a) => {
      const fact: ArgFact = { ...a.fact, range: range(a.fact.range) };
      if (a.fact.elements) fact.elements = [...a.fact.elements];
      return { ...a, fact };
    });
    const f = raw.fact;
    const fact: CallFact = {
      ...f,
      id: f.id + d.call,
      args: args.map((a) => a.fact),
      range: range(f.range),
      calleeRange: range(f.calleeRange),
      nameRange: range(f.nameRange),
      loopIds: f.loopIds.map((id) => id + d.loop),
      functionId: functionId(f.functionId),
      contexts: [...f.contexts],
      guards: [...f.guards],
      assignedTo: [...f.assignedTo],
    };
    if (f.receiverCallId !== undefined) fact.receiverCallId = f.receiverCallId + d.call;
    return { ...raw, fact, args, contextsRaw: [...raw.contextsRaw] };
  });

  return {
    ...c,
    startIndex: c.startIndex + d.index,
    startLine: c.startLine + d.line,
    callBase: c.callBase + d.call,
    loopBase: c.loopBase + d.loop,
    functionBase: c.functionBase + d.function,
    imports: c.imports.map((i) => ({ ...i, range: range(i.range) })),
    calls,
    loops,
    functions,
    assignments,
    comments: c.comments.map((x) => ({ ...x, range: range(x.range) })),
    syntaxErrors: c.syntaxErrors.map(range),
    stringLiterals: [...c.stringLiterals],
    localDefinitions: [...c.localDefinitions],
    moduleAssignments: c.moduleAssignments.map((m) => ({ ...m })),
    importEnd: c.importEnd === undefined ? undefined : c.importEnd + d.index,
  };
}
