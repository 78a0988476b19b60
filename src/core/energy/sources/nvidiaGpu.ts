/**
 * NVIDIA GPUs as a meter source: one long-lived nvidia-smi reading every GPU
 * on its own schedule (nvidiaSmiSource.ts), so this source has no per-sample
 * read; the meter asks it for its live power and, at the end, its totals.
 */
import { sumEnergy, energyOf } from '../integrate';
import { DEFAULT_NVIDIA_SMI, probeNvidiaSmi } from '../nvidiaSmiQuery';
import { NvidiaSmiStream } from '../nvidiaSmiSource';
import type { GpuEnergy } from '../types';
import type { EnergySource, Probed, SourceContext, SourceLive, SourceResult, Span } from './source';

export const GPU_ATTRIBUTION = "per GPU, the run's part of the memory its compute processes hold (nvidia-smi --query-compute-apps)";

export interface NvidiaGpuOptions {
  /** false: do not look for GPUs at all. */
  enabled: boolean;
  /** Aborted when the run is stopped: the probe then ends at once. */
  signal?: AbortSignal;
  /** The nvidia-smi to run; undefined: `nvidia-smi` on PATH, and its absence is no warning. */
  smiPath?: string;
  /** Limit for the probe and each compute-apps query (ms). */
  probeTimeoutMs: number;
  /** How long stop() waits for nvidia-smi after SIGTERM before SIGKILL (ms). */
  killGraceMs: number;
  /** How often the GPUs' compute processes are listed (ms). */
  appsEveryMs: number;
  /** Every pid of the run's process tree seen so far. */
  runPids: () => ReadonlySet<number>;
  /** Whether a pid is visible here (containers see other pids in nvidia-smi). */
  pidVisible: (pid: number) => boolean;
}

export class NvidiaGpuSource implements EnergySource {
  readonly component = 'gpu';
  readonly provenance = 'measured';

  constructor(
    readonly stream: NvidiaSmiStream,
    private readonly ctx: SourceContext,
  ) {}

  live(): SourceLive {
    const w = this.stream.currentPowerW();
    const j = this.stream.energySoFarJ();
    return { machineW: w.machine, processW: w.process, machineJ: j.machine, processJ: j.process };
  }

  stop(): Promise<void> {
    return this.stream.stop();
  }

  result(span: Span): SourceResult {
    const totals = this.stream.totals(span.startMs, span.stopMs);
    // The stream has logged these as they happened.
    for (const w of this.stream.warnings) this.ctx.recordWarning(w);
    const gpus: GpuEnergy[] = totals.map((g) => ({
      index: g.info.index,
      uuid: g.info.uuid,
      name: g.info.name,
      ...energyOf(g.energyJ, span.durationS),
      provenance: g.provenance,
      source: g.source,
      process: energyOf(g.processEnergyJ, span.durationS),
      utilizationPercent: g.utilizationPercent,
    }));
    const utilizationPercent = this.stream.utilizationPercent();
    if (!gpus.length) return { gpus, utilizationPercent };
    return {
      component: {
        component: 'gpu',
        ...sumEnergy(gpus, span.durationS),
        provenance: 'measured',
        source: [...new Set(gpus.map((g) => g.source))].join('; '),
        process: sumEnergy(
          gpus.map((g) => g.process),
          span.durationS,
        ),
        attribution: GPU_ATTRIBUTION,
      },
      gpus,
      utilizationPercent,
    };
  }
}

/** Asks nvidia-smi which GPUs there are (within a time limit) and, if any, starts reading them. */
export async function probeNvidiaGpus(ctx: SourceContext, o: NvidiaGpuOptions): Promise<Probed> {
  if (!o.enabled) return { sources: [], statuses: [{ component: 'gpu', name: 'nvidia-smi', status: 'absent', detail: 'GPU metering turned off' }] };
  const smiPath = o.smiPath ?? DEFAULT_NVIDIA_SMI;
  const probe = await probeNvidiaSmi(smiPath, o.probeTimeoutMs, o.smiPath !== undefined, o.signal);
  if (probe.status !== 'ok') {
    if (probe.status === 'failed') ctx.warn(probe.warning);
    return { sources: [], statuses: [{ component: 'gpu', name: 'nvidia-smi', status: probe.status, detail: probe.detail }] };
  }
  const stream = new NvidiaSmiStream({
    smiPath,
    gpus: probe.gpus,
    intervalMs: ctx.intervalMs,
    appsEveryMs: o.appsEveryMs,
    queryTimeoutMs: o.probeTimeoutMs,
    killGraceMs: o.killGraceMs,
    now: ctx.now,
    log: ctx.log,
    runPids: o.runPids,
    pidVisible: o.pidVisible,
  });
  stream.start();
  return { sources: [new NvidiaGpuSource(stream, ctx)], statuses: [{ component: 'gpu', name: 'nvidia-smi', status: 'used', detail: probe.detail }] };
}
