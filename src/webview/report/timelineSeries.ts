/**
 * The series the report's power timeline plots, built from a record's
 * timeline with no DOM or Chart.js, so unit tests in Node check them against
 * the record's own figures.
 *
 * A timeline point holds the mean power over the interval that ends at its
 * time (the meter samples at the end of each interval). Drawn as steps that
 * hold each point's value back to the previous point (Chart.js
 * `stepped: 'after'`, starting from a point at 0 s), the area under the run's
 * series is exactly the energy the headline shows; a straight line between
 * the points would not be.
 */

/** One point of a record's timeline; `processW` is absent in records of versions before it existed. */
export interface PowerPoint {
  tS: number;
  cpuW?: number;
  gpuW?: number;
  ramW?: number;
  processW?: number;
}

export interface XY {
  x: number;
  y: number;
}

/** How Chart.js joins the points so that each value spans the interval it was measured over (see the file comment). */
export const STEPPED = 'after' as const;

export interface PowerSeries {
  key: 'run' | 'machine';
  /** The legend's words: whose power this is. */
  label: string;
  /** Points in time order, the first at 0 s; each `y` holds from the previous point's `x` to its own. */
  data: XY[];
  /** Time-weighted mean power over the plotted span, W. */
  meanW: number;
  peakW: number;
  /** The area under the series, J. */
  energyJ: number;
}

export interface PowerTimeline {
  /** The run's own processes, all components: what the headline energy adds up. Undefined for records without it. */
  run?: PowerSeries;
  /** The whole machine (CPU + GPU + RAM, every process), as the meter's sources saw it. */
  machine?: PowerSeries;
  /** The record has no per-run power over time (an earlier GreenLens version), so only the machine is plotted. */
  machineOnly: boolean;
}

export const RUN_LABEL = "This run's processes";
export const MACHINE_LABEL = 'Whole machine (all processes)';

/** The area under a series drawn as `STEPPED` steps: each value times the time since the previous point, J for W and s. */
export function stepEnergyJ(data: readonly XY[]): number {
  let sum = 0;
  for (let i = 1; i < data.length; i++) sum += data[i].y * (data[i].x - data[i - 1].x);
  return sum;
}

function finite(x: number | undefined | null): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A series from the points `watts` gives a value for, anchored at 0 s so the first interval counts too. */
function series(key: PowerSeries['key'], label: string, points: readonly PowerPoint[], watts: (p: PowerPoint) => number | undefined): PowerSeries | undefined {
  const data: XY[] = [];
  let peak = 0;
  for (const p of points) {
    const w = watts(p);
    if (!finite(w) || !finite(p.tS)) continue;
    // Points out of time order would count negative time; a timeline never has them, a hand-edited file might.
    if (data.length > 0 && p.tS < data[data.length - 1].x) continue;
    if (data.length === 0 && p.tS > 0) data.push({ x: 0, y: w });
    data.push({ x: p.tS, y: w });
    if (w > peak) peak = w;
  }
  if (data.length === 0) return undefined;
  const energyJ = stepEnergyJ(data);
  const span = data[data.length - 1].x - data[0].x;
  return { key, label, data, meanW: span > 0 ? energyJ / span : data[0].y, peakW: peak, energyJ };
}

function machineWatts(p: PowerPoint): number | undefined {
  const parts = [p.cpuW, p.gpuW, p.ramW].filter(finite);
  return parts.length > 0 ? parts.reduce((a, b) => a + b, 0) : undefined;
}

/** The run's series and the whole machine's, from a record's timeline. */
export function powerTimeline(points: readonly PowerPoint[]): PowerTimeline {
  const run = series('run', RUN_LABEL, points, (p) => p.processW);
  const machine = series('machine', MACHINE_LABEL, points, machineWatts);
  const out: PowerTimeline = { machineOnly: !run && machine !== undefined };
  if (run) out.run = run;
  if (machine) out.machine = machine;
  return out;
}
