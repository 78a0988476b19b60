/**
 * The sidebar's numbers from the run history: one chart point per run,
 * folder totals with this week against last week, and per-script summaries
 * (last run, best run, and the last run compared with the last completed
 * one before it, by `comparison.ts`, as the report and the CLI compare it).
 *
 * Cheap by design: everything comes from the rows of emissions.csv, which
 * `readHistory` already parses, and no run JSON is opened (a folder with
 * 10,000 runs would otherwise read 10,000 files at start-up). A row does not
 * say which script ran or how the run ended, so:
 * - the script is the row's `experiment_id` when it holds a path (GreenLens
 *   writes the script's path there; CodeCarbon writes a UUID, which is
 *   skipped), else its `project_name`;
 * - the status (and the work done) is `unknown` unless the caller knows
 *   better (`details`: the records it already holds, such as runs finished in
 *   this session); `buildFolderSummaryWithStatuses` reads the records of the
 *   few runs a summary needs: each script's last run, the earlier runs back
 *   to its last completed one, and candidates for its best run.
 *
 * After the first read, `appendRunPoint` folds each new run into the summary
 * without reading the history again; its result equals a full recompute over
 * the same points.
 */
import * as path from 'path';
import { codecarbonTimestamp, type HistoryRun } from '../history/emissionsCsv';
import type { RunRecord } from '../history/runRecord';
import type { History } from '../history/runStore';
import type { Family } from '../analysis/types';
import type { FolderSummary, RunComparison, RunPoint, RunWork, ScriptSummary, Suggestion, Totals } from '../../shared/protocol';
import { comparedRunOf, comparisonAt, runFactsOf, workOfRecord, type RunFacts, type RunFactsLookup, type RunPointStatus } from './comparison';

export type { RunPointStatus } from './comparison';

/** What the caller knows about a run beyond its CSV row (from its record). */
export interface RunDetails {
  script?: string;
  status?: RunPointStatus;
  work?: RunWork;
  /** Its record was looked for (and, with status `unknown`, not found): no need to read it again. */
  checked?: boolean;
}

export interface AggregateOptions {
  /** The moment "this week" is judged from; defaults to the current time. */
  now?: number | Date;
  /** Script and status by run id, for rows whose record the caller has read. */
  details?: ReadonlyMap<string, RunDetails>;
}

export interface FolderSummaryInput extends AggregateOptions {
  /** Workspace folder name and absolute path. */
  name: string;
  path: string;
  history: History;
  findingsByFamily?: Partial<Record<Family, number>>;
  suggestions?: Suggestion[];
  /** Warnings beyond the history's own (unreadable source files…). */
  warnings?: string[];
}

/** What the host sends as `runAppended` after `appendRunPoint`. */
export interface RunAppended {
  run: RunPoint;
  totals: Totals;
  script: ScriptSummary;
}

const FAMILIES: readonly Family[] = ['GL1', 'GL2', 'GL3', 'GL4', 'GL5', 'GL6'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Epoch milliseconds of a history timestamp. CodeCarbon writes local time
 * without a zone (`2025-03-01T10:00:00`, sometimes with microseconds or a
 * space for the `T`); a timestamp that does carry a zone is honoured.
 * NaN when the text is not a timestamp.
 */
export function historyTimestampMs(timestamp: string): number {
  const text = timestamp.trim();
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(text) && /T/.test(text)) return Date.parse(text);
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?/.exec(text);
  if (!m) return Number.NaN;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms).getTime();
}

/**
 * The script of a history row: its `experiment_id` when that reads as a path
 * (GreenLens's convention), else the project name, else `(unknown)`.
 */
export function scriptOfRow(run: HistoryRun): string {
  const id = run.experimentId.trim();
  if (id && !UUID.test(id)) return id;
  return run.projectName.trim() || '(unknown)';
}

/** One chart point from a history row. */
export function runPointOfRow(run: HistoryRun, details?: RunDetails): RunPoint {
  const point: RunPoint = {
    runId: run.runId,
    endedAt: historyTimestampMs(run.timestamp),
    script: details?.script ?? scriptOfRow(run),
    energyKWh: run.energyKWh,
    kgCO2e: run.emissionsKg,
    durationS: run.durationS,
    status: details?.status ?? 'unknown',
  };
  if (details?.work) point.work = details.work;
  return point;
}

/**
 * The script a record ran, relative to the workspace folder (forward
 * slashes), or its command when it ran none. A path outside the folder stays
 * absolute.
 */
export function scriptOfRecord(record: RunRecord, folder: string): string {
  const file = record.command.file;
  if (file) {
    const absolute = path.resolve(record.command.cwd || folder, file);
    const relative = path.relative(folder, absolute);
    const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
    return (inside ? relative : absolute).split(path.sep).join('/');
  }
  return record.command.argv.join(' ') || '(unknown)';
}

/** What a record says about its run beyond the CSV row, for `AggregateOptions.details`. */
export function runDetailsOf(record: RunRecord, folder: string): RunDetails {
  return { script: scriptOfRecord(record, folder), ...runFactsOf(record) };
}

/**
 * The chart point of a freshly recorded run. Its end time is cut to the
 * second, as the CSV row keeps it, so the point does not move when the
 * sidebar later re-reads the history.
 */
export function runPointOfRecord(record: RunRecord, folder: string): RunPoint {
  const point: RunPoint = {
    runId: record.runId,
    endedAt: historyTimestampMs(codecarbonTimestamp(new Date(record.endedAt))),
    script: scriptOfRecord(record, folder),
    energyKWh: record.energy.totalKWh,
    kgCO2e: record.carbon.kgCO2e,
    durationS: record.durationS,
    status: record.status,
  };
  const work = workOfRecord(record);
  if (Object.keys(work).length) point.work = work;
  return point;
}

/** Chart points of a history, in the order the runs ended. */
export function runPointsOf(runs: readonly HistoryRun[], details?: ReadonlyMap<string, RunDetails>): RunPoint[] {
  return runs.map((r) => runPointOfRow(r, details?.get(r.runId)));
}

/** Start of the ISO week (Monday 00:00, local time) holding `ms`. */
export function isoWeekStart(ms: number): number {
  const d = new Date(ms);
  const sinceMonday = (d.getDay() + 6) % 7;
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - sinceMonday).getTime();
}

/** This week and last week as [start, end) in epoch ms, local time (calendar days, so DST changes keep midnight). */
export function weekWindows(now: number): { thisWeek: [number, number]; lastWeek: [number, number] } {
  const start = new Date(isoWeekStart(now));
  const at = (days: number) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + days).getTime();
  return { thisWeek: [at(0), at(7)], lastWeek: [at(-7), at(0)] };
}

function nowMs(now: number | Date | undefined): number {
  return now === undefined ? Date.now() : typeof now === 'number' ? now : now.getTime();
}

/** Folder totals over `points`, with this week and last week judged from `now`. */
export function totalsOf(points: readonly RunPoint[], now?: number | Date): Totals {
  const totals: Totals = { energyKWh: 0, kgCO2e: 0, runs: 0, thisWeekKg: 0, lastWeekKg: 0, thisWeekKWh: 0, lastWeekKWh: 0 };
  for (const p of points) {
    totals.energyKWh += p.energyKWh;
    totals.kgCO2e += p.kgCO2e;
    totals.runs++;
  }
  addWeeks(totals, points, nowMs(now));
  return totals;
}

/**
 * Adds this week's and last week's sums. Always summed over the whole run
 * list (10,000 points take well under a millisecond), so the split stays
 * right when a new week begins while the sidebar is open.
 */
function addWeeks(totals: Totals, points: readonly RunPoint[], now: number): void {
  const { thisWeek, lastWeek } = weekWindows(now);
  totals.thisWeekKg = totals.lastWeekKg = totals.thisWeekKWh = totals.lastWeekKWh = 0;
  for (const p of points) {
    if (p.endedAt >= thisWeek[0] && p.endedAt < thisWeek[1]) {
      totals.thisWeekKg += p.kgCO2e;
      totals.thisWeekKWh += p.energyKWh;
    } else if (p.endedAt >= lastWeek[0] && p.endedAt < lastWeek[1]) {
      totals.lastWeekKg += p.kgCO2e;
      totals.lastWeekKWh += p.energyKWh;
    }
  }
}

/**
 * Runs that may stand as a script's best: completed runs, and runs whose
 * status is unknown (CSV-only rows, CodeCarbon's own rows). A failed or
 * stopped run is cheap because it did less work, so it never counts.
 */
function canBeBest(p: RunPoint): boolean {
  return p.status === 'completed' || p.status === 'unknown';
}

/** Per-script running state, so a summary can be rebuilt and extended the same way. */
interface ScriptState {
  script: string;
  runs: number;
  last: RunPoint;
  /** Index of `last` in the run list. */
  lastAt: number;
  best?: RunPoint;
}

function startState(p: RunPoint, at: number): ScriptState {
  return { script: p.script, runs: 1, last: p, lastAt: at, best: canBeBest(p) ? p : undefined };
}

function extendState(s: ScriptState, p: RunPoint, at: number): void {
  s.runs++;
  s.last = p;
  s.lastAt = at;
  if (canBeBest(p) && (!s.best || p.energyKWh < s.best.energyKWh)) s.best = p;
}

function summaryOf(s: ScriptState, points: readonly RunPoint[], previousOfScript?: ArrayLike<number>): ScriptSummary {
  const comparison: RunComparison = comparisonAt(points, s.lastAt, comparedRunOf(s.last), undefined, previousOfScript);
  const summary: ScriptSummary = { script: s.script, runs: s.runs, last: s.last, comparison };
  if (s.best) summary.best = s.best;
  return summary;
}

/** Script summaries over `points`, the most recently run script first. */
export function scriptSummariesOf(points: readonly RunPoint[]): ScriptSummary[] {
  const states = new Map<string, ScriptState>();
  const previousOfScript = new Int32Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const s = states.get(p.script);
    previousOfScript[i] = s ? s.lastAt : -1;
    if (s) extendState(s, p, i);
    else states.set(p.script, startState(p, i));
  }
  return sortScripts([...states.values()].map((s) => summaryOf(s, points, previousOfScript)));
}

function sortScripts(scripts: ScriptSummary[]): ScriptSummary[] {
  return scripts.sort((a, b) => b.last.endedAt - a.last.endedAt || a.script.localeCompare(b.script));
}

/** Open findings per family, every family present. */
export function findingsByFamilyOf(counts: Partial<Record<Family, number>> = {}): Record<Family, number> {
  const out = {} as Record<Family, number>;
  for (const f of FAMILIES) out[f] = counts[f] ?? 0;
  return out;
}

/** Counts findings per family from their codes (`GL201` → GL2). */
export function countFindingsByFamily(codes: Iterable<string>): Record<Family, number> {
  const out = findingsByFamilyOf();
  for (const code of codes) {
    const family = code.slice(0, 3).toUpperCase() as Family;
    if (family in out) out[family]++;
  }
  return out;
}

/** The whole sidebar summary of a workspace folder, from its history. */
export function buildFolderSummary(input: FolderSummaryInput): FolderSummary {
  return folderSummaryOf(input, runPointsOf(input.history.runs, input.details));
}

/** The summary over `runs`, the chart points of `input.history.runs` (in the same order). */
function folderSummaryOf(input: FolderSummaryInput, runs: RunPoint[]): FolderSummary {
  const warnings = [...input.history.warnings, ...(input.warnings ?? [])];
  const unreadable = runs.filter((r) => Number.isNaN(r.endedAt)).length;
  if (unreadable) warnings.push(`${unreadable} history row(s) have a timestamp that could not be read; they count in the totals but not in the weekly figures`);
  return {
    name: input.name,
    path: input.path,
    totals: totalsOf(runs, input.now),
    runs,
    scripts: scriptSummariesOf(runs),
    findingsByFamily: findingsByFamilyOf(input.findingsByFamily),
    suggestions: input.suggestions ?? [],
    warnings,
  };
}

/** What a record lookup gives: the run's facts, or (from older callers) only its status. */
export type RunDetailsLookup = (runId: string) => RunFacts | RunPointStatus | undefined;

/**
 * `buildFolderSummary`, with what the CSV cannot say (how each run ended,
 * how much work it did) read from the records of the runs the summary needs
 * (`lookup`, see `recordFactsLookup`): each script's last run, its earlier
 * runs back to the last completed one (at most `BASELINE_WINDOW`), so the
 * comparison is the one the report computes for the same run; and the
 * candidates for its best run, cheapest first, until one completed (at most
 * `maxLookups` of these). What is learnt is added to `details` (when it is a
 * Map), so the next refresh reads nothing again.
 */
export function buildFolderSummaryWithStatuses(input: FolderSummaryInput, lookup: RunDetailsLookup, maxLookups = 50): FolderSummary {
  const details = input.details instanceof Map ? (input.details as Map<string, RunDetails>) : new Map(input.details ?? []);
  const learnt = new Set<string>();
  const facts: RunFactsLookup = (runId) => {
    const known = details.get(runId);
    if (known?.status && (known.status !== 'unknown' || known.checked)) return known.status === 'unknown' ? undefined : { status: known.status, work: known.work };
    const raw = lookup(runId);
    const found: RunFacts | undefined = typeof raw === 'string' ? { status: raw } : raw;
    const next: RunDetails = { ...known, status: found?.status ?? 'unknown', checked: true };
    if (found?.work) next.work = found.work;
    details.set(runId, next);
    learnt.add(runId);
    return found;
  };
  const points = runPointsOf(input.history.runs, details);
  const byScript = new Map<string, number[]>();
  const previousOfScript = new Int32Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const at = byScript.get(points[i].script);
    previousOfScript[i] = at ? at[at.length - 1] : -1;
    if (at) at.push(i);
    else byScript.set(points[i].script, [i]);
  }
  let bestLookups = 0;
  for (const indices of byScript.values()) {
    const lastAt = indices[indices.length - 1];
    const last = points[lastAt];
    // Walking the comparison reads the records it needs (the last run's and the earlier runs' back to a completed one).
    comparisonAt(points, lastAt, comparedRunOf(last, last.status === 'unknown' ? facts(last.runId) : undefined), facts, previousOfScript);
    // The best: the cheapest run that may stand as best; a candidate of unknown status is looked up,
    // and when its record says it did not complete the next cheapest is tried.
    for (;;) {
      let best: RunPoint | undefined;
      for (const i of indices) {
        const p = points[i];
        // Points carry what was known when they were built; statuses read since are in `details`.
        const status = learnt.size > 0 && learnt.has(p.runId) ? details.get(p.runId)!.status : p.status;
        if ((status === 'completed' || status === 'unknown') && (!best || p.energyKWh < best.energyKWh)) best = p;
      }
      const known = best && details.get(best.runId);
      // Without a record, or past the limit, nothing says otherwise: it may stand as best.
      if (!best || (known?.status ?? best.status) === 'completed' || known?.checked || bestLookups >= maxLookups) break;
      bestLookups++;
      const found = facts(best.runId);
      if (!found || found.status === 'completed' || found.status === 'unknown') break;
    }
  }
  // The points of the runs whose records were read now carry what was learnt; the others stay as they are.
  const rows = input.history.runs;
  if (learnt.size) for (let i = 0; i < points.length; i++) if (learnt.has(points[i].runId)) points[i] = runPointOfRow(rows[i], details.get(points[i].runId));
  return folderSummaryOf({ ...input, details }, points);
}

/**
 * The comparison of a recorded run with the last completed run of its script
 * before it, as the run report, the end-of-run notification and the CLI show
 * it: the same search over the same history (`rows`, as `readHistory` gives
 * them) as the sidebar's, so every view shows the same figure. A run missing
 * from the history (its row could not be written) is compared as the latest.
 */
export function comparisonForRecord(record: RunRecord, folder: string, rows: readonly HistoryRun[], lookup: RunFactsLookup): RunComparison {
  const points = runPointsOf(rows);
  let at = -1;
  for (let i = points.length - 1; i >= 0 && at < 0; i--) if (points[i].runId === record.runId) at = i;
  const point = at >= 0 ? points[at] : runPointOfRecord(record, folder);
  return comparisonAt(points, at >= 0 ? at : points.length, comparedRunOf(point, runFactsOf(record)), lookup);
}

/**
 * Folds a newly recorded run into `summary` (in place): the point is added
 * to the chart series, the totals grow by it, and its script's summary is
 * updated from the script's earlier runs. Returns what the host sends as the
 * `runAppended` message. The result equals `buildFolderSummary` over the
 * same points (same additions in the same order, so even the rounding agrees).
 */
export function appendRunPoint(summary: FolderSummary, point: RunPoint, now?: number | Date): RunAppended {
  // A run announced twice (a retried notification) is counted once.
  if (!summary.runs.some((p) => p.runId === point.runId)) {
    summary.runs.push(point);
    summary.totals.energyKWh += point.energyKWh;
    summary.totals.kgCO2e += point.kgCO2e;
    summary.totals.runs++;
  }
  const totals = summary.totals;
  addWeeks(totals, summary.runs, nowMs(now));

  // The script's state is rebuilt from its runs, so the result is the one a full recompute gives.
  let state: ScriptState | undefined;
  for (let i = 0; i < summary.runs.length; i++) {
    const p = summary.runs[i];
    if (p.script !== point.script) continue;
    if (state) extendState(state, p, i);
    else state = startState(p, i);
  }
  const script = summaryOf(state!, summary.runs);
  const i = summary.scripts.findIndex((s) => s.script === point.script);
  if (i >= 0) summary.scripts.splice(i, 1);
  summary.scripts.push(script);
  sortScripts(summary.scripts);
  return { run: point, totals: { ...totals }, script };
}
