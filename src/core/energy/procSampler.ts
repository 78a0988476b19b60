/**
 * What the meter reads from /proc at each sample, the machine's CPU time
 * and memory and the run's process tree, turned into the Interval every
 * energy source is given, and the machine and run averages of the report.
 */
import { ProcessTreeTracker, pageSize, readCpuTimes, readMemInfo, type CpuInfo, type CpuTimes, type MemInfo, type TreeSample } from './procStat';
import { BYTES_PER_GB } from './sources/ramModel';
import type { Interval } from './sources/source';

export interface ProcReading {
  t: number;
  cpu: CpuTimes;
  mem: MemInfo;
  tree: TreeSample;
}

/** The report's figures that come from /proc alone. */
export interface ProcSummary {
  ramTotalGb: number;
  cpuUtilizationPercent: number;
  ramUtilizationPercent: number;
  ramUsedGb: number;
  processCpuCores: number;
  processRamPeakGb: number;
}

export class ProcSampler {
  /** Every pid the run's tree has had: a GPU's compute-apps answer may arrive after its processes exited. */
  readonly runPids = new Set<number>();
  private readonly tracker: ProcessTreeTracker;
  private busyTicks = 0;
  private totalTicks = 0;
  private activeTicks = 0;
  private procTicks = 0;
  private ramUsedSum = 0;
  private ramTotalBytes = 0;
  private ramSamples = 0;
  private rssPeak = 0;

  constructor(
    private readonly procRoot: string,
    rootPid: number,
    private readonly cpuInfo: CpuInfo,
  ) {
    this.tracker = new ProcessTreeTracker(procRoot, rootPid, pageSize(procRoot));
  }

  /** Reads /proc; throws when the machine's files cannot be read (the meter then skips the sample). */
  read(t: number): ProcReading {
    const cpu = readCpuTimes(this.procRoot);
    const mem = readMemInfo(this.procRoot);
    return { t, cpu, mem, tree: this.tracker.sample(t) };
  }

  /** Counts a sample the meter kept (every source read too). */
  accept(r: ProcReading): void {
    for (const pid of r.tree.pids) this.runPids.add(pid);
    this.ramTotalBytes = r.mem.totalBytes;
    this.ramUsedSum += r.mem.totalBytes - r.mem.availableBytes;
    this.ramSamples++;
    this.rssPeak = Math.max(this.rssPeak, r.tree.rssBytes);
  }

  /** The interval between two kept samples, counted into the averages; undefined when no time passed. */
  interval(prev: ProcReading, cur: ProcReading): Interval | undefined {
    const dtS = (cur.t - prev.t) / 1000;
    if (dtS <= 0) return undefined;
    const dTotal = cur.cpu.total - prev.cpu.total;
    const dActive = dTotal - (cur.cpu.steal - prev.cpu.steal);
    const dBusy = Math.max(0, dActive - (cur.cpu.idle - prev.cpu.idle));
    const dProc = Math.max(0, cur.tree.ticks - prev.tree.ticks);
    this.totalTicks += dTotal;
    this.activeTicks += dActive;
    this.busyTicks += dBusy;
    this.procTicks += dProc;
    return {
      dtS,
      utilisation: dActive > 0 ? dBusy / dActive : 0,
      cpuShare: dBusy > 0 ? Math.min(1, dProc / dBusy) : 0,
      memTotalBytes: cur.mem.totalBytes,
      rssStartBytes: prev.tree.rssBytes,
      rssEndBytes: cur.tree.rssBytes,
    };
  }

  summary(): ProcSummary {
    return {
      ramTotalGb: this.ramTotalBytes / BYTES_PER_GB,
      cpuUtilizationPercent: this.activeTicks > 0 ? (100 * this.busyTicks) / this.activeTicks : 0,
      ramUtilizationPercent: this.ramSamples && this.ramTotalBytes ? (100 * this.ramUsedSum) / this.ramSamples / this.ramTotalBytes : 0,
      ramUsedGb: this.ramSamples ? this.ramUsedSum / this.ramSamples / BYTES_PER_GB : 0,
      processCpuCores: this.totalTicks > 0 ? (this.procTicks * this.cpuInfo.threads) / this.totalTicks : 0,
      processRamPeakGb: this.rssPeak / BYTES_PER_GB,
    };
  }
}
