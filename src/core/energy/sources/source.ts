/**
 * What every energy source of the meter is: a RAPL counter, a power model,
 * nvidia-smi; tomorrow an AMD or Apple GPU, or a cluster's accounting. The
 * meter (meter.ts) probes each kind once, then drives the sources it got:
 *
 *  - probe: a `probe…` function in the source's file returns the sources to
 *    use (possibly none) and a status line for each kind it looked for;
 *  - sample: at each sample the meter first `read()`s every source (all or
 *    nothing: a read that throws skips the whole sample, and counters are
 *    then differenced over the longer interval), then `advance()`s each over
 *    the interval with what the /proc readings said about it;
 *  - stop: `stop()` ends what the source runs (a child process), within a
 *    bound, and `result()` gives its figures for the report.
 *
 * A source that keeps its own schedule (nvidia-smi prints a line per
 * interval on its own clock) skips read/advance and reports through live()
 * and result() alone.
 *
 * Adding a source (an AMD or Apple GPU, a cluster's accounting) is one file
 * here: a class implementing EnergySource and a `probe…` function returning
 * Probed, called from startMeter (meter.ts) where its component is probed.
 */
import { energyOf } from '../integrate';
import type { CpuInfo } from '../procStat';
import type { Component, ComponentEnergy, GpuEnergy, MeterLog, Provenance, SourceStatus } from '../types';

/** What sources may use while probing and running. */
export interface SourceContext {
  cpuInfo: CpuInfo;
  intervalMs: number;
  /** The meter's monotonic clock (ms). */
  now: () => number;
  log: MeterLog;
  /** Adds a warning to the report (once per text) and logs it. */
  warn: (message: string) => void;
  /** Adds a warning the source has already logged. */
  recordWarning: (message: string) => void;
}

/** One sampling interval, as the meter measured the machine and the run over it. */
export interface Interval {
  dtS: number;
  /** Busy fraction of the machine's CPU time, steal excluded (0..1). */
  utilisation: number;
  /** The run's share of the busy CPU time: its process tree's ticks over all busy ticks (0..1). */
  cpuShare: number;
  memTotalBytes: number;
  /** Resident memory of the run's process tree at the start and the end of the interval (bytes). */
  rssStartBytes: number;
  rssEndBytes: number;
}

/** Power at the last interval (W) and energy so far (J), for the machine and for the run. */
export interface SourceLive {
  machineW: number;
  processW: number;
  machineJ: number;
  processJ: number;
}

/** The meter's span, for the final figures. */
export interface Span {
  startMs: number;
  stopMs: number;
  durationS: number;
}

/** A source's figures for the report. */
export interface SourceResult {
  /** Absent when the source ended with nothing to report (a GPU that never answered). */
  component?: ComponentEnergy;
  /** Per device, for GPUs. */
  gpus?: GpuEnergy[];
  /** Average utilisation over the run (%), where the source reads one (GPUs). */
  utilizationPercent?: number;
}

export interface EnergySource {
  readonly component: Component;
  readonly provenance: Provenance;
  /** Reads the source's counters at a sample; throws when it cannot (the meter skips the sample). */
  read?(): unknown;
  /** Accounts one interval; `previous` and `current` are what read() gave at its ends. */
  advance?(interval: Interval, previous: unknown, current: unknown): void;
  live(): SourceLive;
  /** Ends whatever the source runs, within a bound, keeping Node alive while it waits. */
  stop?(): Promise<void>;
  result(span: Span): SourceResult;
}

/** What probing found: the sources to use, and a status line for each kind looked for. */
export interface Probed {
  sources: EnergySource[];
  statuses: SourceStatus[];
}

/** How the CPU and RAPL DRAM energy is shared out to the run. */
export const CPU_SHARE_ATTRIBUTION = "the run's share of busy CPU time (its process tree's ticks over all busy ticks in /proc/stat), per interval";

/** Running machine and run totals of a source that works per interval. */
export class IntervalTally {
  machineJ = 0;
  processJ = 0;
  private last = { machineW: 0, processW: 0 };

  add(interval: Interval, machineJ: number, processJ: number): void {
    this.machineJ += machineJ;
    this.processJ += processJ;
    this.last = { machineW: machineJ / interval.dtS, processW: processJ / interval.dtS };
  }

  live(): SourceLive {
    return { ...this.last, machineJ: this.machineJ, processJ: this.processJ };
  }

  /** The component's report entry from these totals. */
  component(c: { component: Component; provenance: Provenance; source: string; attribution: string }, durationS: number): ComponentEnergy {
    return {
      component: c.component,
      ...energyOf(this.machineJ, durationS),
      provenance: c.provenance,
      source: c.source,
      process: energyOf(this.processJ, durationS),
      attribution: c.attribution,
    };
  }
}
