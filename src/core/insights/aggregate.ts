/**
 * The sidebar's numbers from the run history: one chart point per run,
 * folder totals with this week against last week, and per-script summaries
 * (last run, best run, trend).
 *
 * Cheap by design: everything comes from the rows of emissions.csv, which
 * `readHistory` already parses, and no run JSON is opened (a folder with
 * 10,000 runs would otherwise read 10,000 files at start-up). A row does not
 * say which script ran or how the run ended, so:
 * - the script is the row's `experiment_id` when it holds a path (GreenLens
 *   writes the script's path there; CodeCarbon writes a UUID, which is
 *   skipped), else its `project_name`;
 * - the status is `unknown` unless the caller knows better (`details`: the
 *   records it already holds, such as runs finished in this session);
 *   `buildFolderSummaryWithStatuses` reads the records of the few runs a
 *   summary shows as a script's last or best run.
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
import type { FolderSummary, RunPoint, ScriptSummary, Suggestion, Totals } from '../../shared/protocol';

export type RunPointStatus = RunPoint['status'];

/** What the caller knows about a run beyond its CSV row (from its record). */
export interface RunDetails {
  script?: string;
  status?: RunPointStatus;
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

/**
 * A last run within ±5% of the earlier runs' mean is `flat`: run-to-run
 * noise in metered energy (other processes, thermal state) is of that order.
 */
export const TREND_FLAT_BAND = 0.05;

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
  return {
    runId: run.runId,
    endedAt: historyTimestampMs(run.timestamp),
    script: details?.script ?? scriptOfRow(run),
    energyKWh: run.energyKWh,
    kgCO2e: run.emissionsKg,
    durationS: run.durationS,
    status: details?.status ?? 'unknown',
  };
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
  return { script: scriptOfRecord(record, folder), status: record.status };
}

/**
 * The chart point of a freshly recorded run. Its end time is cut to the
 * second, as the CSV row keeps it, so the point does not move when the
 * sidebar later re-reads the history.
 */
export function runPointOfRecord(record: RunRecord, folder: string): RunPoint {
  return {
    runId: record.runId,
    endedAt: historyTimestampMs(codecarbonTimestamp(new Date(record.endedAt))),
    script: scriptOfRecord(record, folder),
    energyKWh: record.energy.totalKWh,
    kgCO2e: record.carbon.kgCO2e,
    durationS: record.durationS,
    status: record.status,
  };
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
  /** Sum of the energy of all runs before `last`, in the order they were added. */
  earlierKWh: number;
  last: RunPoint;
  best?: RunPoint;
}

function startState(p: RunPoint): ScriptState {
  return { script: p.script, runs: 1, earlierKWh: 0, last: p, best: canBeBest(p) ? p : undefined };
}

function extendState(s: ScriptState, p: RunPoint): void {
  s.earlierKWh += s.last.energyKWh;
  s.runs++;
  s.last = p;
  if (canBeBest(p) && (!s.best || p.energyKWh < s.best.energyKWh)) s.best = p;
}

function summaryOf(s: ScriptState): ScriptSummary {
  // With no completed run yet, the last run stands in so the field is never empty.
  const summary: ScriptSummary = { script: s.script, runs: s.runs, last: s.last, best: s.best ?? s.last, trend: 'new' };
  if (s.runs < 2) return summary;
  const mean = s.earlierKWh / (s.runs - 1);
  if (mean > 0) {
    const ratio = s.last.energyKWh / mean - 1;
    summary.trendRatio = ratio;
    summary.trend = ratio > TREND_FLAT_BAND ? 'up' : ratio < -TREND_FLAT_BAND ? 'down' : 'flat';
  } else {
    summary.trend = s.last.energyKWh > 0 ? 'up' : 'flat';
  }
  return summary;
}

/** Script summaries over `points`, the most recently run script first. */
export function scriptSummariesOf(points: readonly RunPoint[]): ScriptSummary[] {
  const states = new Map<string, ScriptState>();
  for (const p of points) {
    const s = states.get(p.script);
    if (s) extendState(s, p);
    else states.set(p.script, startState(p));
  }
  return sortScripts([...states.values()].map(summaryOf));
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
  const runs = runPointsOf(input.history.runs, input.details);
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

/**
 * `buildFolderSummary`, with the status of the runs it names as a script's
 * last or best run looked up (`statusOf`, reading their records) when the CSV
 * could not say. A run that crashed after two seconds used little energy and
 * must not stand as the best: when a looked-up best did not complete, the
 * summary is rebuilt and the next candidate checked. At most `maxLookups`
 * records are read; what is learnt is added to `details` (when it is a Map)
 * so the next refresh reads nothing again.
 */
export function buildFolderSummaryWithStatuses(
  input: FolderSummaryInput,
  statusOf: (runId: string) => RunPointStatus | undefined,
  maxLookups = 50,
): FolderSummary {
  const details = input.details instanceof Map ? (input.details as Map<string, RunDetails>) : new Map(input.details ?? []);
  const looked = new Set<string>();
  for (;;) {
    const summary = buildFolderSummary({ ...input, details });
    let bestChanged = false;
    for (const s of summary.scripts) {
      for (const p of [s.last, s.best]) {
        if (p.status !== 'unknown' || looked.has(p.runId) || looked.size >= maxLookups) continue;
        looked.add(p.runId);
        const status = statusOf(p.runId);
        if (status === undefined) continue;
        details.set(p.runId, { ...details.get(p.runId), status });
        if (p === s.best && !canBeBest({ ...p, status })) bestChanged = true;
      }
    }
    if (!bestChanged) return looked.size > 0 ? buildFolderSummary({ ...input, details }) : summary;
  }
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

  // The earlier runs' sum is rebuilt in run order rather than derived from the
  // previous trend ratio, which would drift by rounding.
  let state: ScriptState | undefined;
  for (const p of summary.runs) {
    if (p.script !== point.script) continue;
    if (state) extendState(state, p);
    else state = startState(p);
  }
  const script = summaryOf(state!);
  const i = summary.scripts.findIndex((s) => s.script === point.script);
  if (i >= 0) summary.scripts.splice(i, 1);
  summary.scripts.push(script);
  sortScripts(summary.scripts);
  return { run: point, totals: { ...totals }, script };
}
