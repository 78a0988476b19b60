/**
 * Calibration by measured runs: a completed run of the same script on the
 * same hardware says what an epoch really costs here. A run's energy is a
 * fixed part (interpreter and library start-up, data loading) plus a part per
 * epoch; scaling the whole of it by the epochs would multiply the start-up
 * too, which dominates short runs.
 *
 * - Two or more runs with different epoch counts: the fixed and per-epoch
 *   parts are fitted to them (least squares).
 * - One run: the time per epoch is the static estimate's on this hardware,
 *   capped at what the run measured; the rest of its duration is start-up,
 *   and energy follows time at the run's average power (the static power
 *   model counts the whole machine, the run's record only its processes).
 */
import type { RunRecord } from '../history/runRecord';
import { workOfRecord } from '../insights/comparison';

export interface CalibrationInput {
  runs: readonly RunRecord[];
  /** Static machine energy (kWh, before PUE) and duration (s) of one epoch on the estimate's hardware. */
  staticPerEpoch: { kWh: number; s: number };
  /** Whether a run's hardware is the estimate's. */
  sameHardware(record: RunRecord): boolean;
}

export interface Calibration {
  runId: string;
  /** Machine energy (kWh, before PUE) and duration for `epochs`. */
  kWh(epochs: number): number;
  seconds(epochs: number): number;
  /** How the figure was made, for the assumption list. */
  description: string;
}

interface Point {
  id: string;
  epochs: number;
  kWh: number;
  s: number;
  source: string;
}

function line(points: Point[], y: (p: Point) => number): { fixed: number; per: number } {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.epochs, 0) / n;
  const my = points.reduce((a, p) => a + y(p), 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.epochs - mx) * (y(p) - my);
    sxx += (p.epochs - mx) ** 2;
  }
  const per = Math.max(0, sxy / sxx);
  return { fixed: Math.max(0, my - per * mx), per };
}

/** The calibration the runs allow, or undefined when none is a completed run of known epochs on this hardware. */
export function calibrate(input: CalibrationInput): Calibration | undefined {
  const points: Point[] = [];
  for (const r of input.runs) {
    if (r.status !== 'completed' || !(r.energy.totalKWh > 0) || !input.sameHardware(r)) continue;
    const epoch = workOfRecord(r).epoch;
    if (!epoch || !(epoch.count > 0)) continue;
    points.push({ id: r.runId, epochs: epoch.count, kWh: r.energy.totalKWh, s: r.durationS, source: epoch.source });
  }
  if (points.length === 0) return undefined;
  const newest = points[0];
  const distinct = new Set(points.map((p) => p.epochs));
  if (distinct.size >= 2) {
    const e = line(points, (p) => p.kWh);
    const t = line(points, (p) => p.s);
    return {
      runId: newest.id,
      kWh: (epochs) => e.fixed + e.per * epochs,
      seconds: (epochs) => t.fixed + t.per * epochs,
      description: `fitted to ${points.length} runs (${[...distinct].join(', ')} epochs): ${sci(e.fixed)} kWh fixed + ${sci(e.per)} kWh per epoch`,
    };
  }
  // The run's duration splits into start-up and epochs by the static time per
  // epoch (capped at what the run measured); its energy follows the time at the run's average power.
  const perS = Math.min(input.staticPerEpoch.s, newest.s / newest.epochs);
  const fixedS = newest.s - perS * newest.epochs;
  const averageKWhPerS = newest.kWh / newest.s;
  return {
    runId: newest.id,
    kWh: (epochs) => (fixedS + perS * epochs) * averageKWhPerS,
    seconds: (epochs) => fixedS + perS * epochs,
    description: `run ${newest.id.slice(0, 8)} measured ${sci(newest.kWh)} kWh in ${newest.s.toFixed(1)} s for ${newest.epochs} epochs (${newest.source}); ${perS.toPrecision(3)} s per epoch from the static estimate, the other ${fixedS.toFixed(1)} s start-up; energy at the run's average power`,
  };
}

function sci(x: number): string {
  return x.toPrecision(3);
}
