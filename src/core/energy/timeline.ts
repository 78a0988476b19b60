/**
 * A power timeline that stays small however long the run: when it reaches
 * its point limit, neighbouring points are averaged in pairs and each new
 * point then stands for twice as many samples. A 10-hour run sampled every
 * 100 ms keeps at most `maxPoints` points with its energy shape intact.
 */
import type { TimelinePoint } from './types';

export class Timeline {
  private readonly points: TimelinePoint[] = [];
  /** Samples per point. */
  private stride = 1;
  private pending: TimelinePoint[] = [];

  constructor(
    private readonly intervalS: number,
    private readonly maxPoints = 2000,
  ) {}

  add(point: TimelinePoint): void {
    this.pending.push(point);
    if (this.pending.length < this.stride) return;
    this.points.push(average(this.pending));
    this.pending = [];
    if (this.points.length >= this.maxPoints) {
      const merged: TimelinePoint[] = [];
      for (let i = 0; i < this.points.length; i += 2) merged.push(average(this.points.slice(i, i + 2)));
      this.points.splice(0, this.points.length, ...merged);
      this.stride *= 2;
    }
  }

  /** The points so far, including a partial last one. */
  snapshot(): { points: TimelinePoint[]; stepS: number } {
    const points = this.pending.length ? [...this.points, average(this.pending)] : [...this.points];
    return { points, stepS: this.intervalS * this.stride };
  }
}

/** Average watts of consecutive points, stamped with the time of the last one. */
function average(points: TimelinePoint[]): TimelinePoint {
  const n = points.length;
  const sum = (key: 'cpuW' | 'gpuW' | 'ramW' | 'processW') => points.reduce((s, p) => s + p[key], 0) / n;
  return { t: points[n - 1].t, cpuW: sum('cpuW'), gpuW: sum('gpuW'), ramW: sum('ramW'), processW: sum('processW') };
}
