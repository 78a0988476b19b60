/**
 * The energy meter: probes the sources once, samples them on a timer, and
 * attributes the machine's energy to the run's process tree.
 *
 * Sources, best first, each labelled in the report:
 * - CPU: RAPL package counters (measured), else the TDP model (estimated).
 * - RAM: RAPL dram counters (measured), else 0.375 W/GB (estimated).
 * - GPU: nvidia-smi energy counter or power (measured), read by one
 *   long-lived nvidia-smi on its own schedule.
 *
 * Attribution: per interval, the run's share of the busy CPU time (its
 * process tree's ticks over all busy ticks in /proc/stat) times the CPU (and
 * DRAM counter) energy of that interval; the RAM model's rate times the
 * tree's resident memory; per GPU, the run's part of the GPU memory its
 * compute processes hold. Machine and run figures are both kept.
 *
 * A sample reads a handful of small files (no process is spawned per sample),
 * and a sample that fails is logged and skipped: counters are then
 * differenced over the longer interval, so no counted energy is lost.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cpuPowerModel, estimatedCpuPowerW, type CpuPowerModel } from './cpuTdpSource';
import { counterDelta, energyOf, joulesToKWh, sumEnergy, trapezoidJ } from './integrate';
import { DEFAULT_NVIDIA_SMI, NvidiaSmiStream, probeNvidiaSmi, type GpuTotals, type NvidiaProbe } from './nvidiaSmiSource';
import { pageSize, ProcessTreeTracker, readCpuInfo, readCpuTimes, readMemInfo, type CpuInfo, type CpuTimes } from './procStat';
import { DEFAULT_POWERCAP_ROOT, probeRapl, RaplReader, raplSourceName, type RaplDomain } from './raplSource';
import { BYTES_PER_GB, RAM_MODEL_SOURCE, RAM_PROCESS_ATTRIBUTION, ramPowerW } from './ramModel';
import { Timeline } from './timeline';
import type { ComponentEnergy, GpuEnergy, LiveReading, MeterLog, MeterReport, Provenance, SourceStatus } from './types';

export const DEFAULT_INTERVAL_MS = 1000;
export const MIN_INTERVAL_MS = 100;

export interface MeterOptions {
  /** Root of the run's process tree (the runner's child). */
  pid: number;
  /** Sampling interval (ms); default 1000, at least 100. */
  intervalMs?: number;
  /** Where the powercap zones are; default /sys/class/powercap (the CLI's --powercap-root). */
  powercapRoot?: string;
  /** The nvidia-smi to run; default `nvidia-smi` on PATH (the CLI's --nvidia-smi). */
  nvidiaSmiPath?: string;
  /** false: do not look for GPUs at all. Default true. */
  gpu?: boolean;
  /** Where /proc is; default /proc. */
  procRoot?: string;
  /** Replaces the CPU TDP from the table (W per machine), for the estimated model. */
  cpuTdpW?: number;
  log?: MeterLog;
  /** Limit for the nvidia-smi probe and compute-apps queries (ms); default 5000. */
  probeTimeoutMs?: number;
  /** How long stop() waits for nvidia-smi after SIGTERM before SIGKILL (ms); default 1000. */
  killGraceMs?: number;
  /** How often the GPUs' compute processes are listed (ms); default max(5000, intervalMs). */
  gpuAppsEveryMs?: number;
  /** Monotonic clock in ms; default performance.now. Tests inject their own. */
  now?: () => number;
  /** false: no timer, the caller drives sampling with sampleNow(). Default true. */
  autoSample?: boolean;
  /** Timeline size before it is downsampled; default 2000. */
  maxTimelinePoints?: number;
}

export interface Meter {
  /** Probe results, known from the start. */
  readonly sources: readonly SourceStatus[];
  /** Power and energy so far. */
  current(): LiveReading;
  /** Takes a sample now (the timer does this every interval). */
  sampleNow(): void;
  /** Takes a final sample, stops every timer and child process, and reports. Idempotent. */
  stop(): Promise<MeterReport>;
}

interface Previous {
  t: number;
  cpu: CpuTimes;
  treeTicks: number;
  rssBytes: number;
  rapl?: number[];
}

const LOGGED_FAILURES = 3;

/**
 * Probes the sources and starts sampling. The first sample is taken before
 * the (possibly slow) nvidia-smi probe, so CPU and RAM figures cover the run
 * from the moment this is called.
 */
export async function startMeter(options: MeterOptions): Promise<Meter> {
  const intervalMs = Math.max(MIN_INTERVAL_MS, Math.round(options.intervalMs ?? DEFAULT_INTERVAL_MS));
  const procRoot = options.procRoot ?? '/proc';
  const powercapRoot = options.powercapRoot ?? DEFAULT_POWERCAP_ROOT;
  const smiPath = options.nvidiaSmiPath ?? DEFAULT_NVIDIA_SMI;
  const log: MeterLog = options.log ?? (() => undefined);
  const now = options.now ?? (() => performance.now());
  const probeTimeoutMs = options.probeTimeoutMs ?? 5000;

  const warnings: string[] = [];
  const warn = (message: string) => {
    if (!warnings.includes(message)) warnings.push(message);
    log('warn', message);
  };
  const sources: SourceStatus[] = [];

  // CPU and RAM sources.
  const cpuInfo: CpuInfo = readCpuInfo(procRoot);
  const rapl = probeRapl(powercapRoot);
  let packages: RaplDomain[] = [];
  let drams: RaplDomain[] = [];
  if (rapl.status === 'ok') {
    packages = rapl.domains.filter((d) => d.kind !== 'dram');
    drams = rapl.domains.filter((d) => d.kind === 'dram');
  }
  const raplReader = packages.length || drams.length ? new RaplReader([...packages, ...drams]) : undefined;
  const cpuModel: CpuPowerModel | undefined = packages.length ? undefined : cpuPowerModel(cpuInfo, options.cpuTdpW);
  if (rapl.status === 'ok') sources.push({ component: 'cpu', name: 'RAPL via powercap', status: 'used', detail: rapl.detail });
  else if (rapl.status === 'absent') sources.push({ component: 'cpu', name: 'RAPL via powercap', status: 'absent', detail: rapl.detail });
  else {
    sources.push({ component: 'cpu', name: 'RAPL via powercap', status: 'unreadable', detail: rapl.errors.join('; ') });
    warn(rapl.warning);
  }
  if (cpuModel) sources.push({ component: 'cpu', name: 'TDP model', status: 'used', detail: cpuModel.source });
  if (!drams.length) sources.push({ component: 'ram', name: 'RAM model', status: 'used', detail: RAM_MODEL_SOURCE });
  else sources.push({ component: 'ram', name: 'RAPL dram via powercap', status: 'used', detail: raplSourceName(drams) });

  const tracker = new ProcessTreeTracker(procRoot, options.pid, pageSize(procRoot));
  const timeline = new Timeline(intervalMs / 1000, options.maxTimelinePoints ?? 2000);
  const runPids = new Set<number>();

  // Running totals (J) and averages.
  let cpuJ = 0;
  let cpuProcJ = 0;
  let ramJ = 0;
  let ramProcJ = 0;
  let busyTicks = 0;
  let totalTicks = 0;
  let activeTicks = 0;
  let procTicks = 0;
  let ramUsedSum = 0;
  let ramTotalBytes = 0;
  let ramSamples = 0;
  let rssPeak = 0;
  let samples = 0;
  let failedSamples = 0;
  let firstFailure = '';
  let skippedCounterSteps = 0;
  let last = { cpuW: 0, ramW: 0, cpuProcW: 0, ramProcW: 0 };
  let prev: Previous | undefined;
  let gpu: NvidiaSmiStream | undefined;
  let ended = false;
  const t0 = now();

  const sample = (t: number) => {
    if (ended) return;
    let cpu: CpuTimes;
    let tree: ReturnType<ProcessTreeTracker['sample']>;
    let counters: number[] | undefined;
    let mem: ReturnType<typeof readMemInfo>;
    try {
      cpu = readCpuTimes(procRoot);
      mem = readMemInfo(procRoot);
      counters = raplReader?.read();
      tree = tracker.sample(t);
    } catch (e) {
      failedSamples++;
      const message = `energy sample failed and was skipped: ${(e as Error).message}`;
      if (!firstFailure) firstFailure = (e as Error).message;
      log(failedSamples <= LOGGED_FAILURES ? 'warn' : 'debug', message);
      return;
    }
    samples++;
    runPids.clear();
    for (const pid of tree.pids) runPids.add(pid);
    ramTotalBytes = mem.totalBytes;
    ramUsedSum += mem.totalBytes - mem.availableBytes;
    ramSamples++;
    rssPeak = Math.max(rssPeak, tree.rssBytes);
    if (!prev) {
      prev = { t, cpu, treeTicks: tree.ticks, rssBytes: tree.rssBytes, rapl: counters };
      return;
    }
    const dtS = (t - prev.t) / 1000;
    if (dtS <= 0) return;

    const dTotal = cpu.total - prev.cpu.total;
    const dActive = dTotal - (cpu.steal - prev.cpu.steal);
    const dBusy = Math.max(0, dActive - (cpu.idle - prev.cpu.idle));
    const utilisation = dActive > 0 ? dBusy / dActive : 0;
    const dProc = Math.max(0, tree.ticks - prev.treeTicks);
    const share = dBusy > 0 ? Math.min(1, dProc / dBusy) : 0;
    totalTicks += dTotal;
    activeTicks += dActive;
    busyTicks += dBusy;
    procTicks += dProc;

    // Counter domains sum their exact increases; an unknowable step (wrap without a range) is skipped.
    const counterJ = (domains: RaplDomain[], offset: number) => {
      let j = 0;
      domains.forEach((d, i) => {
        const delta = counterDelta(prev!.rapl![offset + i], counters![offset + i], d.maxRangeUj);
        if (delta === undefined) {
          if (++skippedCounterSteps === 1) warn(`RAPL ${d.name}: the counter went back and max_energy_range_uj is unknown, so that step was not counted.`);
        } else j += delta / 1e6;
      });
      return j;
    };

    const cpuStepJ = cpuModel ? estimatedCpuPowerW(cpuModel, utilisation) * dtS : counterJ(packages, 0);
    const cpuProcStepJ = cpuStepJ * share;
    let ramStepJ: number;
    let ramProcStepJ: number;
    if (drams.length) {
      ramStepJ = counterJ(drams, packages.length);
      ramProcStepJ = ramStepJ * share;
    } else {
      ramStepJ = ramPowerW(mem.totalBytes) * dtS;
      ramProcStepJ = Math.min(ramStepJ, trapezoidJ(ramPowerW(prev.rssBytes), ramPowerW(tree.rssBytes), dtS));
    }
    cpuJ += cpuStepJ;
    cpuProcJ += cpuProcStepJ;
    ramJ += ramStepJ;
    ramProcJ += ramProcStepJ;
    last = { cpuW: cpuStepJ / dtS, ramW: ramStepJ / dtS, cpuProcW: cpuProcStepJ / dtS, ramProcW: ramProcStepJ / dtS };
    const gpuW = gpu?.currentPowerW() ?? { machine: 0, process: 0 };
    timeline.add({ t: (t - t0) / 1000, cpuW: last.cpuW, gpuW: gpuW.machine, ramW: last.ramW, processW: last.cpuProcW + last.ramProcW + gpuW.process });
    prev = { t, cpu, treeTicks: tree.ticks, rssBytes: tree.rssBytes, rapl: counters };
  };

  sample(t0);
  if (!prev) warn('The first energy sample failed; figures start at the first sample that worked.');
  else if (!runPids.has(options.pid)) warn(`Process ${options.pid} was not found in ${procRoot}; only the machine-wide figures mean anything.`);

  // GPUs: probe with a time limit, then one long-lived nvidia-smi.
  const probe: NvidiaProbe =
    options.gpu === false ? { status: 'absent', detail: 'GPU metering turned off' } : await probeNvidiaSmi(smiPath, probeTimeoutMs, options.nvidiaSmiPath !== undefined);
  if (probe.status === 'ok') {
    sources.push({ component: 'gpu', name: 'nvidia-smi', status: 'used', detail: probe.detail });
    gpu = new NvidiaSmiStream({
      smiPath,
      gpus: probe.gpus,
      intervalMs,
      appsEveryMs: options.gpuAppsEveryMs ?? Math.max(5000, intervalMs),
      queryTimeoutMs: probeTimeoutMs,
      killGraceMs: options.killGraceMs ?? 1000,
      now,
      log,
      runPids: () => runPids,
      pidVisible: (pid) => fs.existsSync(path.join(procRoot, String(pid))),
    });
    gpu.start();
  } else {
    sources.push({ component: 'gpu', name: 'nvidia-smi', status: probe.status, detail: probe.detail });
    if (probe.status === 'failed') warn(probe.warning);
  }

  let timer: NodeJS.Timeout | undefined;
  if (options.autoSample !== false) {
    timer = setInterval(() => sample(now()), intervalMs);
    timer.unref();
  }

  const provenanceOf = (components: { provenance: Provenance }[]): Provenance | 'mixed' => {
    const kinds = new Set(components.map((c) => c.provenance));
    return kinds.size === 1 ? [...kinds][0] : kinds.size === 0 ? 'estimated' : 'mixed';
  };
  const cpuProvenance: Provenance = cpuModel ? 'estimated' : 'measured';
  const ramProvenance: Provenance = drams.length ? 'measured' : 'estimated';

  const current = (): LiveReading => {
    const g = gpu?.currentPowerW() ?? { machine: 0, process: 0 };
    const gJ = gpu?.energySoFarJ() ?? { machine: 0, process: 0 };
    const kinds: { provenance: Provenance }[] = [{ provenance: cpuProvenance }, { provenance: ramProvenance }];
    if (gpu) kinds.push({ provenance: 'measured' });
    return {
      durationS: (now() - t0) / 1000,
      watts: { cpu: last.cpuW, gpu: g.machine, ram: last.ramW, total: last.cpuW + g.machine + last.ramW },
      processWatts: last.cpuProcW + last.ramProcW + g.process,
      energyKWh: joulesToKWh(cpuJ + ramJ + gJ.machine),
      processEnergyKWh: joulesToKWh(cpuProcJ + ramProcJ + gJ.process),
      provenance: provenanceOf(kinds),
    };
  };

  let stopped: Promise<MeterReport> | undefined;
  const stop = (): Promise<MeterReport> => {
    stopped ??= (async () => {
      if (timer) clearInterval(timer);
      const tStop = now();
      sample(tStop);
      ended = true;
      await gpu?.stop();
      const durationS = (tStop - t0) / 1000;
      const gpuTotals: GpuTotals[] = gpu?.totals(t0, tStop) ?? [];
      for (const w of gpu?.warnings ?? []) if (!warnings.includes(w)) warnings.push(w);
      if (failedSamples) warn(`${failedSamples} energy sample(s) failed and were skipped (first: ${firstFailure}); counters covered the gaps, estimates did not.`);
      return buildReport(durationS, gpuTotals);
    })();
    return stopped;
  };

  const buildReport = (durationS: number, gpuTotals: GpuTotals[]): MeterReport => {
    const cpuShare = 'the run\'s share of busy CPU time (its process tree\'s ticks over all busy ticks in /proc/stat), per interval';
    const components: ComponentEnergy[] = [
      {
        component: 'cpu',
        ...energyOf(cpuJ, durationS),
        provenance: cpuProvenance,
        source: cpuModel ? cpuModel.source : raplSourceName(packages),
        process: energyOf(cpuProcJ, durationS),
        attribution: cpuShare,
      },
      {
        component: 'ram',
        ...energyOf(ramJ, durationS),
        provenance: ramProvenance,
        source: drams.length ? raplSourceName(drams) : RAM_MODEL_SOURCE,
        process: energyOf(ramProcJ, durationS),
        attribution: drams.length ? cpuShare : RAM_PROCESS_ATTRIBUTION,
      },
    ];
    const gpus: GpuEnergy[] = gpuTotals.map((g) => ({
      index: g.info.index,
      uuid: g.info.uuid,
      name: g.info.name,
      ...energyOf(g.energyJ, durationS),
      provenance: g.provenance,
      source: g.source,
      process: energyOf(g.processEnergyJ, durationS),
      utilizationPercent: g.utilizationPercent,
    }));
    if (gpus.length) {
      components.push({
        component: 'gpu',
        ...sumEnergy(gpus, durationS),
        provenance: 'measured',
        source: [...new Set(gpus.map((g) => g.source))].join('; '),
        process: sumEnergy(
          gpus.map((g) => g.process),
          durationS,
        ),
        attribution: "per GPU, the run's part of the memory its compute processes hold (nvidia-smi --query-compute-apps)",
      });
    }
    const { points, stepS } = timeline.snapshot();
    return {
      durationS,
      intervalMs,
      samples,
      failedSamples,
      components,
      machineEnergy: sumEnergy(components, durationS),
      processEnergy: sumEnergy(
        components.map((c) => c.process),
        durationS,
      ),
      provenance: provenanceOf(components),
      gpus,
      timeline: points,
      timelineStepS: stepS,
      sources,
      warnings,
      cpuModel: cpuInfo.modelName,
      cpuCount: cpuInfo.threads,
      gpuModels: gpus.map((g) => g.name),
      ramTotalGb: ramTotalBytes / BYTES_PER_GB,
      cpuUtilizationPercent: activeTicks > 0 ? (100 * busyTicks) / activeTicks : 0,
      gpuUtilizationPercent: gpu?.utilizationPercent(),
      ramUtilizationPercent: ramSamples && ramTotalBytes ? (100 * ramUsedSum) / ramSamples / ramTotalBytes : 0,
      ramUsedGb: ramSamples ? ramUsedSum / ramSamples / BYTES_PER_GB : 0,
      processCpuCores: totalTicks > 0 ? (procTicks * cpuInfo.threads) / totalTicks : 0,
      processRamPeakGb: rssPeak / BYTES_PER_GB,
    };
  };

  return { sources, current, sampleNow: () => sample(now()), stop };
}
