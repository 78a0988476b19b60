/**
 * How a run compares with an earlier one: the one function behind every
 * comparison GreenLens shows (the sidebar's script list, the run report, the
 * end-of-run notification and `greenlens run`'s summary), so the same run
 * reads the same figure everywhere.
 *
 * The rules:
 * - a run is compared only with a *completed* run of the same script (its
 *   baseline): a failed, cancelled or killed run did less work, and a run
 *   whose status was never recorded (a CSV-only row) may have too;
 * - when the two did different amounts of work (epochs, steps or samples,
 *   read from the run's output by the progress parser or from its arguments
 *   such as `--epochs 6`), energy per unit of work is compared, and the text
 *   says so; when the work may differ but cannot be counted on both sides,
 *   the runs are "not comparable" and the reason is given;
 * - a run that did not complete is never shown as a saving (never green).
 */
import type { RunRecord } from '../history/runRecord';
import { readRun } from '../history/runStore';
import { formatEnergy, sig } from '../report/units';
import type { RunComparison, RunPoint, RunWork, WorkCount, WorkUnit } from '../../shared/protocol';

export type RunPointStatus = RunPoint['status'];

/**
 * A change within ±5% is `flat`: run-to-run noise in metered energy (other
 * processes, thermal state) is of that order.
 */
export const COMPARISON_FLAT_BAND = 0.05;

/**
 * How many earlier runs of the script are searched for a completed one. A
 * bound keeps the search cheap in a long history (each run of unknown status
 * costs a record read), and it is a count of runs, not of reads, so every
 * view that searches the same history finds the same baseline.
 */
export const BASELINE_WINDOW = 20;

/** What a comparison needs to know about a run beyond its history row. */
export interface RunFacts {
  status: RunPointStatus;
  work?: RunWork;
}

/** Reads the facts of a run by id (from its record); undefined when there is no readable record. */
export type RunFactsLookup = (runId: string) => RunFacts | undefined;

/** A run as compared: its history figures and, when known, its status and work. */
export interface ComparedRun {
  runId: string;
  script: string;
  status: RunPointStatus;
  energyKWh: number;
  durationS: number;
  endedAt: number;
  work?: RunWork;
}

const UNITS: readonly WorkUnit[] = ['epoch', 'step', 'sample'];
const PLURAL: Record<WorkUnit, string> = { epoch: 'epochs', step: 'steps', sample: 'samples' };

// ---------------------------------------------------------------- work

/**
 * Argument names that set an amount of work, after normalising (`--num-epochs`
 * → `num_epochs`, Hydra's `trainer.max_epochs=5` → `max_epochs`).
 */
const WORK_ARGUMENTS: readonly [WorkUnit, RegExp][] = [
  ['epoch', /^(?:num_(?:train_)?|n_|max_|total_|train_)?epochs?$/],
  ['step', /^(?:num_(?:train_)?|n_|max_|total_|train_)?(?:steps|iters|iterations)$/],
  ['sample', /^(?:num_(?:train_)?|n_|max_(?:train_)?|train_)?samples$/],
];

function workUnitOfArgument(name: string): WorkUnit | undefined {
  const key = name.replace(/^[-+]+/, '').split('.').pop()!.toLowerCase().replace(/-/g, '_').replace(/^num(?=[a-z])/, 'num_');
  for (const [unit, pattern] of WORK_ARGUMENTS) if (pattern.test(key)) return unit;
  return undefined;
}

function positiveCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(?:\.\d+)?(?:e\d+)?$/i.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * The work a command line asks for: `--epochs 6`, `--epochs=6`,
 * `--num_train_epochs 3`, `--max-steps 1000`, `--num-samples 500`, and
 * Hydra-style `trainer.max_epochs=10`. The last one given wins, as in
 * argparse. Single-dash flags (`-e 5`) are too ambiguous to read.
 */
export function workOfArgv(argv: readonly string[]): RunWork {
  const work: RunWork = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const dashed = name.startsWith('--');
    if (!dashed && eq < 0) continue;
    const unit = workUnitOfArgument(name);
    if (!unit) continue;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1];
    const count = positiveCount(value);
    if (count === undefined) continue;
    work[unit] = { count, source: eq > 0 ? arg : `${arg} ${value}` };
  }
  return work;
}

/**
 * The work a recorded run did. A completed run did what its output counted
 * (the epoch it reached, so an early-stopped run counts the epochs it ran)
 * and, beyond the output, what its arguments asked for. A run that did not
 * complete did only what its output shows it finished; its arguments say
 * what it meant to do, which does not count.
 */
export function workOfRecord(record: Pick<RunRecord, 'status' | 'progress' | 'command'>): RunWork {
  const p = record.progress;
  if (record.status !== 'completed') {
    if (!p) return {};
    let done: number | undefined;
    if (p.totalEpochs && p.completedFraction !== undefined) done = p.completedFraction * p.totalEpochs;
    else if (p.epoch !== undefined) done = p.epoch - 1;
    if (done === undefined || !(done > 0)) return {};
    const where = p.epoch !== undefined ? `in epoch ${p.epoch}${p.totalEpochs ? ` of ${p.totalEpochs}` : ''}` : 'partway';
    return { epoch: { count: done, source: `the output, stopped ${where}` } };
  }
  const work = workOfArgv(record.command.argv);
  const epochs = p?.epoch ?? (p?.totalEpochs && p.completedFraction !== undefined && p.completedFraction >= 0.999 ? p.totalEpochs : undefined);
  if (epochs !== undefined && epochs > 0) {
    work.epoch = { count: epochs, source: p?.totalEpochs ? `the output, epoch ${epochs} of ${p.totalEpochs}` : `the output, ${epochs} epochs` };
  }
  return work;
}

/** What a comparison needs from a record: its status and work. */
export function runFactsOf(record: RunRecord): RunFacts {
  const work = workOfRecord(record);
  return Object.keys(work).length ? { status: record.status, work } : { status: record.status };
}

/**
 * Reads run facts from the records in a history folder. A record that is
 * missing or unreadable gives undefined: its run stays of unknown status (its
 * report names the problem when opened).
 */
export function recordFactsLookup(historyDir: string): RunFactsLookup {
  return (runId) => {
    try {
      const record = readRun(historyDir, runId);
      return record ? runFactsOf(record) : undefined;
    } catch {
      return undefined;
    }
  };
}

// ---------------------------------------------------------------- wording

const ARROW = { up: '\u2191', down: '\u2193', flat: '\u2248' } as const;
const MINUS = '\u2212';

/** "12%", "4.3%", "1218%": whole percents from 10% up, one decimal below. */
function percent(ratio: number): string {
  const pct = Math.abs(ratio) * 100;
  return `${pct >= 10 ? Math.round(pct) : Number(pct.toFixed(1))}%`;
}

function signedPercent(ratio: number): string {
  return `${ratio < 0 ? MINUS : '+'}${percent(ratio)}`;
}

function countText(n: number): string {
  return Number.isInteger(n) ? String(n) : sig(n, 2);
}

function statusWords(status: RunPointStatus): string {
  switch (status) {
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'was cancelled';
    case 'killed':
      return 'was killed';
    case 'unknown':
      return 'has no recorded status';
    default:
      return 'completed';
  }
}

/** "2 failed, 1 cancelled" over the statuses of the earlier runs passed over. */
function tally(statuses: readonly RunPointStatus[]): string {
  const counts = new Map<RunPointStatus, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  const name = (s: RunPointStatus) => (s === 'unknown' ? 'of unknown status' : s);
  return [...counts].map(([s, n]) => `${n} ${name(s)}`).join(', ');
}

// ---------------------------------------------------------------- comparing

function notComparable(run: ComparedRun, reason: string, baseline?: ComparedRun): RunComparison {
  const out: RunComparison = {
    runId: run.runId,
    script: run.script,
    status: run.status,
    outcome: 'not-comparable',
    direction: 'none',
    tone: 'neutral',
    badge: '\u2013',
    text: `not comparable: ${reason}`,
    reason,
  };
  if (baseline) out.baseline = baselineOf(baseline);
  return out;
}

function baselineOf(b: ComparedRun): NonNullable<RunComparison['baseline']> {
  return { runId: b.runId, endedAt: b.endedAt, energyKWh: b.energyKWh, durationS: b.durationS };
}

/** Why a run that did not complete (or whose end is not recorded) cannot be compared without a count of its work. */
function unfinishedReason(status: RunPointStatus): string {
  if (status === 'unknown') return "this run's status is not recorded (it has no run file), so how much of its work was done is not known";
  return `this run ${statusWords(status)} before it finished, and how much of its work was done is not known`;
}

type Basis = { unit: 'run' } | { unit: WorkUnit; run: WorkCount; baseline: WorkCount } | { reason: string };

/**
 * On what basis two runs of the same script compare: whole runs when no work
 * count differs (or none is known on either side), per unit when exactly one
 * kind of count differs, otherwise not at all.
 */
function basisOf(run: ComparedRun, baseline: ComparedRun): Basis {
  const a = run.work ?? {};
  const b = baseline.work ?? {};
  const differing: WorkUnit[] = [];
  for (const unit of UNITS) {
    const x = a[unit];
    const y = b[unit];
    if (!x && !y) continue;
    if (!x || !y) {
      if (!x && run.status !== 'completed') {
        return { reason: unfinishedReason(run.status) };
      }
      const known = (x ?? y)!;
      const side = x ? 'this run' : 'the last completed run';
      const other = x ? "the last completed run's" : "this run's";
      return { reason: `${side} did ${countText(known.count)} ${PLURAL[unit]} (${known.source}), but ${other} number of ${PLURAL[unit]} is not known` };
    }
    if (x.count !== y.count) differing.push(unit);
  }
  if (differing.length > 1) {
    const list = differing.map((u) => `${PLURAL[u]} (${countText(a[u]!.count)} against ${countText(b[u]!.count)})`).join(' and ');
    return { reason: `the runs differ in ${list}, so no single unit of work compares them` };
  }
  if (differing.length === 1) {
    const unit = differing[0];
    return { unit, run: a[unit]!, baseline: b[unit]! };
  }
  if (run.status !== 'completed' && !Object.keys(a).length) {
    return { reason: unfinishedReason(run.status) };
  }
  return { unit: 'run' };
}

/**
 * Compares `run` with `baseline`, the last completed run of the same script
 * before it (see `comparisonInSeries`). The baseline must be completed; a run
 * given as baseline that is not gives a "not comparable".
 */
export function compareRuns(run: ComparedRun, baseline: ComparedRun): RunComparison {
  if (baseline.status !== 'completed') return notComparable(run, `the earlier run ${statusWords(baseline.status)}; only a completed run is a baseline`);
  const against = `the last completed run of ${run.script}`;
  const basis = basisOf(run, baseline);
  if ('reason' in basis) return notComparable(run, basis.reason, baseline);
  const perUnit = basis.unit !== 'run';
  const runCount = perUnit ? basis.run.count : 1;
  const baseCount = perUnit ? basis.baseline.count : 1;
  const energy = run.energyKWh / runCount;
  const baseEnergy = baseline.energyKWh / baseCount;
  if (!(baseEnergy > 0)) return notComparable(run, `${against} has no metered energy to compare with`, baseline);
  const ratio = energy / baseEnergy - 1;
  const duration = run.durationS / runCount;
  const baseDuration = baseline.durationS / baseCount;
  const direction = ratio > COMPARISON_FLAT_BAND ? 'up' : ratio < -COMPARISON_FLAT_BAND ? 'down' : 'flat';
  const completed = run.status === 'completed';
  const tone = !completed || direction === 'flat' ? 'neutral' : direction === 'down' ? 'good' : 'bad';
  const per = perUnit ? ` per ${basis.unit}` : '';
  const change = direction === 'flat' ? `${ARROW.flat} the same energy${per} (${signedPercent(ratio)})` : `${ARROW[direction]} ${percent(ratio)} energy${per}`;
  const work = perUnit ? ` (this run ${countText(basis.run.count)} ${PLURAL[basis.unit]}, that run ${countText(basis.baseline.count)})` : '';
  const stopped = completed ? '' : `; this run ${statusWords(run.status)}`;
  const out: RunComparison = {
    runId: run.runId,
    script: run.script,
    status: run.status,
    outcome: 'compared',
    baseline: baselineOf(baseline),
    basis: basis.unit,
    energyKWh: energy,
    baselineEnergyKWh: baseEnergy,
    ratio,
    direction,
    tone,
    badge: direction === 'flat' ? ARROW.flat : `${ARROW[direction]} ${percent(ratio)}${perUnit ? `/${basis.unit}` : ''}`,
    text: `vs ${against}: ${change}${work}${stopped}`,
    detail: perUnit
      ? `per ${basis.unit}: ${formatEnergy(baseEnergy)} → ${formatEnergy(energy)}; this run's ${PLURAL[basis.unit]} from ${basis.run.source}; that run's from ${basis.baseline.source}`
      : `${formatEnergy(baseEnergy)} → ${formatEnergy(energy)}`,
  };
  if (baseDuration > 0) out.durationRatio = duration / baseDuration - 1;
  if (perUnit) out.work = { unit: basis.unit, run: { ...basis.run }, baseline: { ...basis.baseline } };
  return out;
}

/**
 * The comparison of `run` with the last completed run of its script before
 * it in `points` (the history, in the order runs ended). The search goes back
 * over at most `BASELINE_WINDOW` runs of the script; a run whose status the
 * point does not carry is looked up with `lookup` (reading its record), and
 * stays unknown, so never a baseline, without one. `run` need not be in
 * `points` (a run whose history row could not be written): it is then taken
 * as the latest.
 */
export function comparisonInSeries(points: readonly RunPoint[], run: ComparedRun, lookup?: RunFactsLookup): RunComparison {
  let at = points.length;
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i].runId === run.runId) {
      at = i;
      break;
    }
  }
  return comparisonAt(points, at, run, lookup);
}

/**
 * `comparisonInSeries` for a run known to stand at index `at` of `points` (or
 * after them, at `points.length`). `previousOfScript[i]`, when given, is the
 * index of the run of the same script before run `i` (−1 for none), so a
 * summary of many scripts does not walk past every other script's runs.
 */
export function comparisonAt(points: readonly RunPoint[], at: number, run: ComparedRun, lookup?: RunFactsLookup, previousOfScript?: ArrayLike<number>): RunComparison {
  const passed: RunPointStatus[] = [];
  let baseline: ComparedRun | undefined;
  const chained = previousOfScript !== undefined && at < points.length && points[at].script === run.script;
  for (let i = chained ? previousOfScript[at] : at - 1; i >= 0 && passed.length < BASELINE_WINDOW; i = chained ? previousOfScript[i] : i - 1) {
    const p = points[i];
    if (p.script !== run.script || p.runId === run.runId) continue;
    const facts: RunFacts = p.status !== 'unknown' ? p : (lookup?.(p.runId) ?? p);
    if (facts.status === 'completed') {
      baseline = { runId: p.runId, script: p.script, status: 'completed', energyKWh: p.energyKWh, durationS: p.durationS, endedAt: p.endedAt, work: facts.work };
      break;
    }
    passed.push(facts.status);
  }
  if (baseline) return compareRuns(run, baseline);
  if (passed.length === 0) {
    if (run.status !== 'completed') return notComparable(run, `this is the first run of ${run.script}, and it ${statusWords(run.status)}`);
    return {
      runId: run.runId,
      script: run.script,
      status: run.status,
      outcome: 'first',
      direction: 'none',
      tone: 'neutral',
      badge: 'new',
      text: `first run of ${run.script}: nothing to compare with yet`,
    };
  }
  const searched =
    passed.length >= BASELINE_WINDOW ? `none of the last ${BASELINE_WINDOW} runs of ${run.script} before this one completed` : `no earlier completed run of ${run.script}`;
  return notComparable(run, `${searched} (${tally(passed)})`);
}

/** A run as compared, from its history point with what is known of its status and work. */
export function comparedRunOf(point: RunPoint, facts?: RunFacts): ComparedRun {
  const out: ComparedRun = {
    runId: point.runId,
    script: point.script,
    status: facts?.status ?? point.status,
    energyKWh: point.energyKWh,
    durationS: point.durationS,
    endedAt: point.endedAt,
  };
  const work = facts ? facts.work : point.work;
  if (work) out.work = work;
  return out;
}
