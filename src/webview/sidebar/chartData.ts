/**
 * The points the sidebar's run chart draws, kept free of Chart.js and the DOM
 * so unit tests in Node can check them.
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

