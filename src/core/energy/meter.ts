/**
 * The energy meter: probes the sources once, samples them on a timer, and
 * attributes the machine's energy to the run's process tree.
 *
 * Sources (sources/, each behind the EnergySource interface of
 * sources/source.ts), best first, each labelled in the report:
 * - CPU: RAPL package counters (measured), else the TDP model (estimated).
 * - RAM: RAPL dram counters (measured), else 0.375 W/GB (estimated).
 * - GPU: nvidia-smi energy counter or power (measured), read by one
 *   long-lived nvidia-smi on its own schedule.
 * A counter step that cannot be energy falls back, for its interval, to the
 * model (CPU, RAM) or to power.draw (GPU), with a warning (counterSanity.ts).
 *
 * Each sample the meter reads /proc (the machine's CPU time and memory, the
 * run's process tree) into an Interval that every source is given: the
 * machine's utilisation for the models, the run's share of busy CPU time and
 * its resident memory for attribution. Machine and run figures are both kept.
 *
 * A sample reads a handful of small files (no process is spawned per sample),
 * and a sample that fails is logged and skipped: counters are then
 * differenced over the longer interval, so no counted energy is lost.
 */
import * as fs from 'fs';
import * as path from 'path';
import { joulesToKWh, sumEnergy } from './integrate';
import { ProcSampler, type ProcReading } from './procSampler';
import { readCpuInfo } from './procStat';
import { DEFAULT_POWERCAP_ROOT } from './raplSource';
import { probeCpuModel } from './sources/cpuModel';
import { probeNvidiaGpus } from './sources/nvidiaGpu';
import { probeRamModel } from './sources/ramModel';
import { probeRaplCounters } from './sources/raplCounters';
import type { EnergySource, Probed, SourceContext, SourceResult } from './sources/source';
import { Timeline } from './timeline';
import type { Component, LiveReading, MeterLog, MeterReport, Provenance, SourceStatus } from './types';

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
  /** Aborted when the run is stopped during the start-up probe, which then ends at once. */
  signal?: AbortSignal;
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

/** What one sample read, kept until the next to make an interval. */
interface Sample {
  proc: ProcReading;
  /** What each source with counters read. */
  readings: Map<EnergySource, unknown>;
}

const LOGGED_FAILURES = 3;
const COMPONENT_ORDER: Component[] = ['cpu', 'ram', 'gpu'];

/**
 * Probes the sources and starts sampling. The first sample is taken before
 * the (possibly slow) nvidia-smi probe, so CPU and RAM figures cover the run
 * from the moment this is called.
 */
export async function startMeter(options: MeterOptions): Promise<Meter> {
  const intervalMs = Math.max(MIN_INTERVAL_MS, Math.round(options.intervalMs ?? DEFAULT_INTERVAL_MS));
  const procRoot = options.procRoot ?? '/proc';
  const log: MeterLog = options.log ?? (() => undefined);
  const now = options.now ?? (() => performance.now());
  const probeTimeoutMs = options.probeTimeoutMs ?? 5000;

  const warnings: string[] = [];
  const recordWarning = (message: string) => {
    if (!warnings.includes(message)) warnings.push(message);
  };
  const warn = (message: string) => {
    recordWarning(message);
    log('warn', message);
  };
  const cpuInfo = readCpuInfo(procRoot);
  const ctx: SourceContext = { cpuInfo, intervalMs, now, log, warn, recordWarning };

  // What the probes found, and the sources the meter drives.
  const statuses: SourceStatus[] = [];
  const sources: EnergySource[] = [];
  const use = (probed: Probed) => {
    sources.push(...probed.sources);
    statuses.push(...probed.statuses);
  };

  // CPU and RAM: RAPL counters where readable; the models where not, and for the intervals a counter step is rejected.
  const cpuModel = probeCpuModel(cpuInfo, options.cpuTdpW);
  const ramModel = probeRamModel();
  const rapl = probeRaplCounters(options.powercapRoot ?? DEFAULT_POWERCAP_ROOT, ctx, { cpu: cpuModel.sources[0], ram: ramModel.sources[0] });
  statuses.push(...rapl.statuses);
  use(rapl.cpu ? { sources: [rapl.cpu], statuses: [] } : cpuModel);
  use(rapl.ram ? { sources: [rapl.ram], statuses: [] } : ramModel);

  const proc = new ProcSampler(procRoot, options.pid, cpuInfo);
  const timeline = new Timeline(intervalMs / 1000, options.maxTimelinePoints ?? 2000);
  let samples = 0;
  let failedSamples = 0;
  let firstFailure = '';
  let prev: Sample | undefined;
  let ended = false;
  const t0 = now();

  /** Power at the last interval and energy so far, summed per component and over the run's part. */
  const live = () => {
    const watts = { cpu: 0, gpu: 0, ram: 0 };
    let processW = 0;
    let machineJ = 0;
    let processJ = 0;
    for (const s of sources) {
      const l = s.live();
      watts[s.component] += l.machineW;
      processW += l.processW;
      machineJ += l.machineJ;
      processJ += l.processJ;
    }
    return { watts, processW, machineJ, processJ };
  };

  let lastSampleT = t0;
  const sample = (t: number) => {
    if (ended) return;
    let current: Sample;
    try {
      const procReading = proc.read(t);
      const readings = new Map<EnergySource, unknown>();
      for (const s of sources) if (s.read) readings.set(s, s.read());
      current = { proc: procReading, readings };
    } catch (e) {
      failedSamples++;
      const message = `energy sample failed and was skipped: ${(e as Error).message}`;
      if (!firstFailure) firstFailure = (e as Error).message;
      log(failedSamples <= LOGGED_FAILURES ? 'warn' : 'debug', message);
      return;
    }
    samples++;
    proc.accept(current.proc);
    const interval = prev && proc.interval(prev.proc, current.proc);
    if (!prev) prev = current;
    if (!interval) return;
    for (const s of sources) {
      // A source with counters needs a reading at both ends of the interval.
      if (!s.advance || (s.read && !prev.readings.has(s))) continue;
      s.advance(interval, prev.readings.get(s), current.readings.get(s));
    }
    lastSampleT = t;
    const { watts, processW } = live();
    timeline.add({ t: (t - t0) / 1000, cpuW: watts.cpu, gpuW: watts.gpu, ramW: watts.ram, processW });
    prev = current;
  };

  sample(t0);
  if (!prev) warn('The first energy sample failed; figures start at the first sample that worked.');
  else if (!proc.runPids.has(options.pid)) warn(`Process ${options.pid} was not found in ${procRoot}; only the machine-wide figures mean anything.`);

  // GPUs: probed with a time limit, after the first sample.
  use(
    await probeNvidiaGpus(ctx, {
      enabled: options.gpu !== false,
      signal: options.signal,
      smiPath: options.nvidiaSmiPath,
      probeTimeoutMs,
      killGraceMs: options.killGraceMs ?? 1000,
      appsEveryMs: options.gpuAppsEveryMs ?? Math.max(5000, intervalMs),
      runPids: () => proc.runPids,
      pidVisible: (pid) => fs.existsSync(path.join(procRoot, String(pid))),
    }),
  );
  // Stable: within a component, the order the probes found them in.
  statuses.sort((a, b) => COMPONENT_ORDER.indexOf(a.component) - COMPONENT_ORDER.indexOf(b.component));

  let timer: NodeJS.Timeout | undefined;
  if (options.autoSample !== false) {
    timer = setInterval(() => sample(now()), intervalMs);
    timer.unref();
  }

  const provenanceOf = (components: { provenance: Provenance }[]): Provenance | 'mixed' => {
    const kinds = new Set(components.map((c) => c.provenance));
    return kinds.size === 1 ? [...kinds][0] : kinds.size === 0 ? 'estimated' : 'mixed';
  };

  const current = (): LiveReading => {
    const { watts, processW, machineJ, processJ } = live();
    return {
      durationS: (now() - t0) / 1000,
      sampledS: (lastSampleT - t0) / 1000,
      watts: { ...watts, total: watts.cpu + watts.gpu + watts.ram },
      processWatts: processW,
      energyKWh: joulesToKWh(machineJ),
      processEnergyKWh: joulesToKWh(processJ),
      provenance: provenanceOf(sources),
    };
  };

  let stopped: Promise<MeterReport> | undefined;
  const stop = (): Promise<MeterReport> => {
    stopped ??= (async () => {
      if (timer) clearInterval(timer);
      const tStop = now();
      sample(tStop);
      ended = true;
      await Promise.all(sources.map((s) => s.stop?.()));
      const durationS = (tStop - t0) / 1000;
      const results = sources.map((s) => s.result({ startMs: t0, stopMs: tStop, durationS }));
      if (failedSamples) warn(`${failedSamples} energy sample(s) failed and were skipped (first: ${firstFailure}); counters covered the gaps, estimates did not.`);
      return buildReport(durationS, results);
    })();
    return stopped;
  };

  const buildReport = (durationS: number, results: SourceResult[]): MeterReport => {
    const components = results.flatMap((r) => (r.component ? [r.component] : []));
    const gpus = results.flatMap((r) => r.gpus ?? []);
    const gpuUtilisations = results.flatMap((r) => (r.utilizationPercent === undefined ? [] : [r.utilizationPercent]));
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
      sources: statuses,
      warnings,
      cpuModel: cpuInfo.modelName,
      cpuCount: cpuInfo.threads,
      gpuModels: gpus.map((g) => g.name),
      gpuUtilizationPercent: gpuUtilisations.length ? gpuUtilisations.reduce((a, b) => a + b, 0) / gpuUtilisations.length : undefined,
      ...proc.summary(),
    };
  };

  return { sources: statuses, current, sampleNow: () => sample(now()), stop };
}
