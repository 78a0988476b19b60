/**
 * The points the sidebar's run chart draws, and the run its budget bar
 * measures, kept free of Chart.js and the DOM so unit tests in Node can check
 * them.
 */
import type { RunPoint } from '../../shared/protocol';

/** A point as Chart.js reads it (`x`, `y`), with what it stands for. */
export interface Datum {
  x: number;
  /** kg CO2e: of the run, or of the day. */
  y: number;
  kWh: number;
  runs: number;
  /** The run itself, or the day's largest run (what a click opens). */
  run: RunPoint;
  /** For a day: its local midnight, and the next one. */
  start?: number;
  end?: number;
}

/** Above this many runs the chart shows daily totals. */
export const DAILY_ABOVE = 400;

/** Runs in the order they ended, summed per local calendar day. */
export function dailyTotals(runs: readonly RunPoint[]): Datum[] {
  const days: Datum[] = [];
  let current: Datum | undefined;
  let start = Infinity;
  for (const run of runs) {
    if (!current || run.endedAt >= current.end! || run.endedAt < start) {
      const d = new Date(run.endedAt);
      d.setHours(0, 0, 0, 0);
      start = +d;
      d.setDate(d.getDate() + 1);
      current = { x: (start + +d) / 2, y: 0, kWh: 0, runs: 0, run, start, end: +d };
      days.push(current);
    }
    addToDay(current, run);
  }
  return days;
}

export function addToDay(day: Datum, run: RunPoint): void {
  day.y += run.kgCO2e;
  day.kWh += run.energyKWh;
  day.runs += 1;
  if (run.kgCO2e > day.run.kgCO2e) day.run = run;
}

export function perRun(runs: readonly RunPoint[]): Datum[] {
  const points = new Array<Datum>(runs.length);
  for (let i = 0; i < runs.length; i++) points[i] = { x: runs[i].endedAt, y: runs[i].kgCO2e, kWh: runs[i].energyKWh, runs: 1, run: runs[i] };
  return points;
}


/** The run a folder's budget bar sets against the per-run budget, and how to label it. */
export interface BudgetFigure {
  /** "Last run", "Last completed run", "Last run (cancelled)". */
  what: string;
  run: RunPoint;
  /**
   * True when the run stopped before it finished: its energy is part of a
   * run, so it is shown without a share of the per-run budget (a cancelled run
   * at 38% of the budget says nothing about what the whole run would use).
   */
  partial: boolean;
  /** What the figure leaves out, in a sentence. */
  note?: string;
}

function unfinished(run: RunPoint): boolean {
  return run.status === 'failed' || run.status === 'cancelled' || run.status === 'killed';
}

/**
 * The run the budget bar measures: the last run when it completed (or its
 * status was never recorded, as in CodeCarbon's rows), else the last run that
 * did, with a note naming the unfinished one; with no such run, the last run,
 * as a part of a run. Only finished runs are set against the budget: no
 * prediction stands in for a run that stopped (a running run's bar, in the
 * live block, uses its prediction).
 */
export function budgetFigureOf(runs: readonly RunPoint[]): BudgetFigure | undefined {
  const last = runs[runs.length - 1];
  if (!last) return undefined;
  if (!unfinished(last)) return { what: 'Last run', run: last, partial: false };
  const note = `The latest run (${last.script}, ${last.status}) stopped before it finished, so it is not set against the per-run budget.`;
  for (let i = runs.length - 2; i >= 0; i--) {
    if (!unfinished(runs[i])) return { what: `${runs[i].status === 'completed' ? 'Last completed run' : 'Last run before it'} (${runs[i].script})`, run: runs[i], partial: false, note };
  }
  return { what: `Last run (${last.status})`, run: last, partial: true, note };
}
