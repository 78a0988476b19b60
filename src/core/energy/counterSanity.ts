/**
 * Whether a step of an energy counter is energy.
 *
 * Counters glitch: a firmware or driver bug, a counter reset, a fake tree in
 * a test, or a reading of the wrong register can make RAPL's energy_uj or
 * NVIDIA's total_energy_consumption jump by 1e15 in one interval, and a
 * small step back is not necessarily a wrap-around: read as one, 100 J back
 * becomes a whole counter range (72.8 Wh on a 262 kJ range). A step is
 * counted only when the power it implies over its interval stays under a
 * ceiling no such device can exceed (chosen per domain or device by its
 * source, see raplCounters.ts and nvidiaSmiSource.ts); otherwise the caller
 * falls back to its model or power reading for that interval and says so.
 * The ceilings are deliberately generous: a false rejection costs a
 * measurement, while a glitch is many orders of magnitude above any of them.
 */
import { counterDelta } from './integrate';

/**
 * Seconds added to every interval before judging it: a counter is updated
 * about every millisecond on its own clock, and the meter reads the time and
 * then the file, so a short interval can hold a few milliseconds more energy
 * than its length (or a scheduling delay more). 50 ms at the ceiling is still
 * far below any glitch.
 */
export const READ_SKEW_S = 0.05;

export type CounterStep =
  /** Energy: the increase, exact, across a wrap-around where `wrapped`. */
  | { counted: true; joules: number; wrapped: boolean }
  /** The step, or the wrap a step back would be (`wrap`), implies more than the ceiling: not energy. */
  | { counted: false; why: 'implausible'; impliedW: number; wrap: boolean }
  /** The counter went back and its range is unknown (or exceeded): no wrap can be known. */
  | { counted: false; why: 'went back' };

export interface CounterStepInput {
  previous: number;
  current: number;
  /** Counter units per joule: 1e6 for µJ (RAPL), 1e3 for mJ (NVIDIA). */
  unitsPerJoule: number;
  /** The value after which the counter restarts at 0; undefined when it never wraps or is unknown. */
  maxRange?: number;
  /** Seconds between the two readings. */
  dtS: number;
  /** The most power (W) the domain or device can plausibly draw. */
  ceilingW: number;
}

/** Judges one counter step (see the module comment). */
export function judgeCounterStep(s: CounterStepInput): CounterStep {
  const delta = counterDelta(s.previous, s.current, s.maxRange);
  if (delta === undefined) return { counted: false, why: 'went back' };
  const joules = delta / s.unitsPerJoule;
  const dtS = Math.max(0, s.dtS);
  const wrapped = s.current < s.previous;
  if (joules > s.ceilingW * (dtS + READ_SKEW_S)) return { counted: false, why: 'implausible', impliedW: joules / Math.max(dtS, 1e-3), wrap: wrapped };
  return { counted: true, joules, wrapped };
}

/** A power in words for warnings: "625 W", "1.4 kW", "1.3 MW", "8.3e+15 W". */
export function formatWatts(w: number): string {
  if (w >= 1e9) return `${w.toExponential(1)} W`;
  if (w >= 1e6) return `${(w / 1e6).toFixed(1)} MW`;
  if (w >= 1e3) return `${(w / 1e3).toFixed(1)} kW`;
  return `${Math.round(w)} W`;
}
