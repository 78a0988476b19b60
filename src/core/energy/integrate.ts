/**
 * The arithmetic of metering: counters are differenced exactly (with their
 * wrap-around), instantaneous power readings are integrated with the
 * trapezoid rule, and interval averages are multiplied by the interval.
 */
import type { Energy } from './types';

export const JOULES_PER_KWH = 3_600_000;

/**
 * Increase of a counter that counts up to `maxRange` and then restarts at 0
 * (RAPL's energy_uj wraps at max_energy_range_uj, every few minutes on a busy
 * server). Returns undefined when the counter went back and the range is
 * unknown, or when the "increase" would exceed the range: the step cannot be
 * known and the caller skips it rather than guess.
 */
export function counterDelta(previous: number, current: number, maxRange?: number): number | undefined {
  if (current >= previous) return current - previous;
  if (!maxRange || maxRange <= 0 || previous > maxRange) return undefined;
  return maxRange - previous + current;
}

/** Energy (J) between two power readings (W) `dtS` seconds apart, by the trapezoid rule. */
export function trapezoidJ(p0: number, p1: number, dtS: number): number {
  return dtS > 0 ? ((p0 + p1) / 2) * dtS : 0;
}

export function joulesToKWh(joules: number): number {
  return joules / JOULES_PER_KWH;
}

/** An `Energy` record for `joules` spent over `durationS`. */
export function energyOf(joules: number, durationS: number): Energy {
  return { energyJ: joules, energyKWh: joulesToKWh(joules), powerW: durationS > 0 ? joules / durationS : 0 };
}

/** Sums `Energy` records over one duration. */
export function sumEnergy(parts: Energy[], durationS: number): Energy {
  return energyOf(
    parts.reduce((s, p) => s + p.energyJ, 0),
    durationS,
  );
}
