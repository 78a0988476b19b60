/**
 * The estimated CPU power model, for machines without a readable energy
 * counter: the TDP of the detected CPU model (CodeCarbon's cpu_power.csv,
 * see src/core/knowledge/cpuPower.ts) scaled by utilisation between an idle
 * floor and the full TDP:
 *
 *   P = maxW × (IDLE_FLOOR + (1 − IDLE_FLOOR) × utilisation)
 *
 * IDLE_FLOOR is 10% of TDP, CodeCarbon's floor for this model. A CPU the
 * table does not know gets WATTS_PER_THREAD per hardware thread, the usual
 * fallback (≈ 4 W per thread). A virtual machine sees only some of the host
 * CPU's threads, so there the model takes WATTS_PER_THREAD per vCPU, capped
 * at the full TDP, rather than charging the whole host package to a 2-vCPU VM.
 * Every figure from this model is labelled "estimated".
 *
 * As a meter source it is the CPU's figure where no RAPL package counter
 * can be read, and the stand-in for an interval whose counter step cannot be
 * energy (see raplCounters.ts). The run's part is its share of busy CPU time.
 */
import { CPU_POWER_SOURCE, lookupCpuTdp } from '../../knowledge/cpuPower';
import type { CpuInfo } from '../procStat';
import { CPU_SHARE_ATTRIBUTION, IntervalTally, type EnergySource, type Interval, type Probed, type SourceLive, type SourceResult, type Span } from './source';

/** Power at 0% utilisation, as a fraction of TDP (CodeCarbon's floor). */
export const IDLE_FLOOR = 0.1;

/** Watts per hardware thread when the CPU model is unknown, or per vCPU in a VM. */
export const WATTS_PER_THREAD = 4;

export interface CpuPowerModel {
  /** Power at 100% utilisation of all threads (W). */
  maxW: number;
  /** Power at 0% utilisation (W). */
  idleW: number;
  /** The model in words, for the report's `source`. */
  source: string;
}

function model(maxW: number, basis: string): CpuPowerModel {
  return {
    maxW,
    idleW: maxW * IDLE_FLOOR,
    source: `${basis} × utilisation, idle floor ${Math.round(IDLE_FLOOR * 100)}% of it`,
  };
}

/**
 * The power model for this CPU. `tdpW`, when given, replaces the table
 * (a user who knows the machine's figure).
 */
export function cpuPowerModel(info: CpuInfo, tdpW?: number): CpuPowerModel {
  const threads = Math.max(1, info.threads);
  if (tdpW !== undefined && tdpW > 0) return model(tdpW, `TDP model: ${tdpW} W as configured`);

  const hit = info.modelName ? lookupCpuTdp(info.modelName) : undefined;
  const perThread = threads * WATTS_PER_THREAD;
  if (!hit) {
    const what = info.modelName ? `CPU "${info.modelName}" is not in ${CPU_POWER_SOURCE}` : 'CPU model unknown';
    return model(perThread, `per-thread model: ${threads} threads × ${WATTS_PER_THREAD} W (${what})`);
  }
  const packageW = hit.tdpW * Math.max(1, info.sockets);
  const sockets = info.sockets > 1 ? ` × ${info.sockets} sockets` : '';
  const named = `${hit.name} ${hit.tdpW} W${sockets} (${CPU_POWER_SOURCE}${hit.match === 'closest' ? `, closest match for "${info.modelName}"` : ''})`;
  if (info.virtualMachine && perThread < packageW) {
    return model(perThread, `per-vCPU model: ${threads} vCPUs × ${WATTS_PER_THREAD} W (a virtual machine uses part of the host's ${named})`);
  }
  return model(packageW, `TDP model: ${named}`);
}

/** Estimated power (W) at a machine utilisation between 0 and 1. */
export function estimatedCpuPowerW(m: CpuPowerModel, utilisation: number): number {
  const u = Math.min(1, Math.max(0, utilisation));
  return m.idleW + (m.maxW - m.idleW) * u;
}

/** The TDP model as the meter's CPU source. */
export class CpuModelSource implements EnergySource {
  readonly component = 'cpu';
  readonly provenance = 'estimated';
  private readonly tally = new IntervalTally();

  constructor(readonly model: CpuPowerModel) {}

  /** The machine's CPU energy (J) the model gives an interval. */
  estimateJ(interval: Interval): number {
    return estimatedCpuPowerW(this.model, interval.utilisation) * interval.dtS;
  }

  advance(interval: Interval): void {
    const machineJ = this.estimateJ(interval);
    this.tally.add(interval, machineJ, machineJ * interval.cpuShare);
  }

  live(): SourceLive {
    return this.tally.live();
  }

  result(span: Span): SourceResult {
    return { component: this.tally.component({ component: 'cpu', provenance: 'estimated', source: this.model.source, attribution: CPU_SHARE_ATTRIBUTION }, span.durationS) };
  }
}

/** The TDP model for this machine's CPU, always available. `tdpW` replaces the table (see cpuPowerModel). */
export function probeCpuModel(info: CpuInfo, tdpW?: number): Probed & { sources: [CpuModelSource] } {
  const source = new CpuModelSource(cpuPowerModel(info, tdpW));
  return { sources: [source], statuses: [{ component: 'cpu', name: 'TDP model', status: 'used', detail: source.model.source }] };
}
