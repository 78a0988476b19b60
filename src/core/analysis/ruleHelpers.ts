/**
 * Small questions rules ask of Facts, written once so every rule answers them
 * the same way.
 */
import type { ArgFact, AssignmentFact, CallFact, Facts } from './facts';
import type { Range, TextEdit } from './types';

/** The argument passed by keyword, or at `position` when passed positionally. */
export function argument(call: CallFact, keyword: string, position?: number): ArgFact | undefined {
  const byKeyword = call.args.find((a) => a.keyword === keyword);
  if (byKeyword) return byKeyword;
  if (position === undefined) return undefined;
  const positional = call.args.filter((a) => a.keyword === undefined && a.splat === undefined);
  // A `*args` before the position makes positions unknowable.
  const splatIndex = call.args.findIndex((a) => a.splat === '*');
  if (splatIndex >= 0 && splatIndex <= position) return undefined;
  return positional[position];
}

/** True when `**kwargs` (or `*args`) may supply arguments we cannot see. */
export function hasUnpackedArguments(call: CallFact): boolean {
  return call.args.some((a) => a.splat !== undefined);
}

/** Calls whose qualified name is one of `names`. */
export function callsNamed(facts: Facts, ...names: string[]): CallFact[] {
  const set = new Set(names);
  return facts.calls.filter((c) => set.has(c.name));
}

/** Calls and assignments inside each loop (directly or in a nested loop), by loop id, in source order. */
export interface LoopMembers {
  calls: CallFact[][];
  assignments: AssignmentFact[][];
}

const loopMembersCache = new WeakMap<Facts, LoopMembers>();

/**
 * What `x.loopIds.includes(loop.id)` would select, indexed once per file:
 * scanning every call for every loop is quadratic on long scripts.
 */
export function loopMembers(facts: Facts): LoopMembers {
  let members = loopMembersCache.get(facts);
  if (!members) {
    const calls: CallFact[][] = facts.loops.map(() => []);
    const assignments: AssignmentFact[][] = facts.loops.map(() => []);
    for (const c of facts.calls) for (const id of c.loopIds) calls[id].push(c);
    for (const a of facts.assignments) for (const id of a.loopIds) assignments[id].push(a);
    members = { calls, assignments };
    loopMembersCache.set(facts, members);
  }
  return members;
}

/** Calls sharing a qualified name (and whether it came from an import). */
export interface CallGroup {
  name: string;
  imported: boolean;
  /** In source order. */
  calls: CallFact[];
}

const callGroupsCache = new WeakMap<Facts, CallGroup[]>();

/**
 * The file's calls grouped by name, built once per file. A long script
 * repeats a few hundred names over thousands of calls, so a test on the name
 * (often a regular expression) runs once per group instead of once per call.
 */
export function callGroups(facts: Facts): CallGroup[] {
  let groups = callGroupsCache.get(facts);
  if (!groups) {
    const imported = new Map<string, CallGroup>();
    const local = new Map<string, CallGroup>();
    groups = [];
    for (const c of facts.calls) {
      const byName = c.imported ? imported : local;
      const group = byName.get(c.name);
      if (group) group.calls.push(c);
      else {
        const created = { name: c.name, imported: c.imported, calls: [c] };
        byName.set(c.name, created);
        groups.push(created);
      }
    }
    callGroupsCache.set(facts, groups);
  }
  return groups;
}

/** Whether any call's qualified name matches `pattern`. */
export function anyCallNamed(facts: Facts, pattern: RegExp): boolean {
  return callGroups(facts).some((g) => pattern.test(g.name));
}

/** The innermost loop of a call, if any. */
export function innermostLoop(facts: Facts, call: CallFact) {
  const id = call.loopIds[call.loopIds.length - 1];
  return id === undefined ? undefined : facts.loops[id];
}

/** Whether the file imports anything from a top-level package (`torch`, `pandas`). */
export function importsPackage(facts: Facts, pkg: string): boolean {
  return facts.imports.some((i) => i.qualified === pkg || i.qualified.startsWith(pkg + '.'));
}

/**
 * A CUDA device string: `"cuda"`, `"cuda:0"`, and the formatted spellings of
 * multi-GPU scripts — `'cuda:%s' % rank`, `"cuda:{}".format(i)`, and
 * `f"cuda:{rank}"` (whose shape the facts record as `cuda:{}`).
 */
const CUDA_DEVICE_STRING = /^cuda(:(\d+|\{\w*\}|%(\(\w+\))?[sdi]))?$/;

/**
 * Evidence that the file runs on an NVIDIA GPU: `.cuda()`, a `"cuda…"` device
 * string (formatted or not), `device="cuda"`. `torch.device(args.device)`
 * alone is only a maybe, and maybes do not count (precision first).
 */
export function usesCuda(facts: Facts): boolean {
  if (facts.calls.some((c) => c.method === 'cuda')) return true;
  return facts.stringLiterals.some((s) => CUDA_DEVICE_STRING.test(s));
}

/** Whether a name is assigned `value` anywhere, e.g. `torch.backends.cudnn.benchmark = True`. */
export function assignsLiteral(facts: Facts, targetSuffix: string, value: unknown): boolean {
  return facts.assignments.some((a) => (a.target === targetSuffix || a.target.endsWith('.' + targetSuffix)) && a.literal === value);
}

/** A zero-width range at an offset, for insertions. */
export function pointRange(facts: Facts, index: number): Range {
  let line = 0;
  let lo = 0;
  let hi = facts.lineStarts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (facts.lineStarts[mid] <= index) {
      line = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const pos = { line, column: index - facts.lineStarts[line] };
  return { start: pos, end: pos, startIndex: index, endIndex: index };
}

/** An edit that inserts `text` at `index`. */
export function insertAt(facts: Facts, index: number, text: string): TextEdit {
  return { range: pointRange(facts, index), newText: text };
}

/** An edit that adds a keyword argument at the end of a call's argument list. */
export function addKeywordArgument(facts: Facts, call: CallFact, text: string): TextEdit {
  // The closing parenthesis is the call's last character.
  const close = call.range.endIndex - 1;
  // A comment after the last argument (`batch_size=4,  # small`) would swallow text inserted after it.
  const last = call.args[call.args.length - 1];
  if (last && facts.text.slice(last.range.endIndex, close).includes('#')) return insertAt(facts, last.range.endIndex, ', ' + text);
  const before = facts.text.slice(call.calleeRange.endIndex, close);
  const inner = before.replace(/^\s*\(/, '');
  const trimmed = inner.trimEnd();
  const needsComma = trimmed.length > 0 && !trimmed.endsWith(',');
  const sep = trimmed.length === 0 ? '' : needsComma ? ', ' : ' ';
  // Insert right after the last argument, before any trailing whitespace or newline.
  const insertIndex = call.calleeRange.endIndex + (before.length - inner.length) + trimmed.length;
  return insertAt(facts, insertIndex, sep + text);
}

/** Formats a relative change as a signed percentage: −64%. */
export function percent(ratio: number): string {
  const v = Math.round(ratio * 100);
  return `${v < 0 ? '−' : '+'}${Math.abs(v)}%`;
}
