/**
 * The estimated RAM power model, for machines without a RAPL dram counter:
 * a constant 0.375 W per GB of installed memory, the "3 W per 8 GB" figure
 * CodeCarbon used before version 3 (Green Algorithms uses a very close
 * 0.3725 W/GB). CodeCarbon 3 counts about 5 W per DIMM instead, but the DIMM
 * count needs root (dmidecode), so the per-GB model is the one that works
 * for every user. Memory draws its refresh power whether used or not, so
 * the machine figure uses the installed total; the run's share is the same
 * rate applied to the resident memory of its processes.
 *
 * As a meter source it is the RAM's figure where no RAPL dram counter can be
 * read, and the stand-in for an interval whose dram counter step cannot be
 * energy (see raplCounters.ts).
 */
import { trapezoidJ } from '../integrate';
import { IntervalTally, type EnergySource, type Interval, type Probed, type SourceLive, type SourceResult, type Span } from './source';

/** Watts per GB (2^30 bytes) of memory. */
export const RAM_WATTS_PER_GB = 0.375;

export const RAM_MODEL_SOURCE = `RAM model: ${RAM_WATTS_PER_GB} W per GB of installed memory (CodeCarbon's per-GB model before v3)`;

export const RAM_PROCESS_ATTRIBUTION = `${RAM_WATTS_PER_GB} W per GB applied to the resident memory of the run's process tree`;

export const BYTES_PER_GB = 1024 ** 3;

/** Estimated power (W) of `bytes` of memory. */
export function ramPowerW(bytes: number): number {
  return (bytes / BYTES_PER_GB) * RAM_WATTS_PER_GB;
}

/** The per-GB model as the meter's RAM source. */
export class RamModelSource implements EnergySource {
  readonly component = 'ram';
  readonly provenance = 'estimated';
  private readonly tally = new IntervalTally();

  /** The machine's RAM energy (J) the model gives an interval. */
  estimateJ(interval: Interval): number {
    return ramPowerW(interval.memTotalBytes) * interval.dtS;
  }

  advance(interval: Interval): void {
    const machineJ = this.estimateJ(interval);
    const processJ = Math.min(machineJ, trapezoidJ(ramPowerW(interval.rssStartBytes), ramPowerW(interval.rssEndBytes), interval.dtS));
    this.tally.add(interval, machineJ, processJ);
  }

  live(): SourceLive {
    return this.tally.live();
  }

  result(span: Span): SourceResult {
    return { component: this.tally.component({ component: 'ram', provenance: 'estimated', source: RAM_MODEL_SOURCE, attribution: RAM_PROCESS_ATTRIBUTION }, span.durationS) };
  }
}

/** The RAM model, always available. */
export function probeRamModel(): Probed & { sources: [RamModelSource] } {
  return { sources: [new RamModelSource()], statuses: [{ component: 'ram', name: 'RAM model', status: 'used', detail: RAM_MODEL_SOURCE }] };
}
