/**
 * RAPL counters as meter sources: the package zones for the CPU, the dram
 * zones for the RAM (raplSource.ts finds and reads them). Each interval sums
 * the domains' exact increases, across wrap-arounds. The run's part is its
 * share of busy CPU time, for the dram zones too (memory traffic follows the
 * CPU work that makes it).
 *
 * A step that cannot be energy (counterSanity.ts: a power above the domain's
 * ceiling, or a step back that is no plausible wrap) is replaced for that
 * interval by the component's model, TDP × utilisation for a package and
 * the per-GB model for dram, each domain taking an equal part of the
 * model's machine figure; the first such step is logged, and the report's
 * warnings say per domain how many intervals it happened to.
 *
 * Ceilings, per domain (deliberately generous, see counterSanity.ts):
 * - package: 5 × the CPU's TDP per socket when the table knows the model
 *   exactly, since turbo limits reach about 4 × the base TDP on recent
 *   laptop parts (Core Ultra 7 155H: 28 W base, 115 W maximum turbo);
 *   otherwise 1,000 W, twice the 500 W TDP of the largest server CPUs (AMD
 *   EPYC 9965, Intel Xeon 6980P). A closest match is not trusted for this:
 *   a ceiling from the wrong model could reject real measurements.
 * - psys (the whole platform, used only where there is no package zone):
 *   twice the package ceiling for every socket.
 * - dram: 2 W per GB of installed memory, at least 100 W. DDR4 and DDR5
 *   modules draw well under 1 W per GB at full load; the RAM model assumes
 *   0.375 W per GB.
 */
import { lookupCpuTdp } from '../../knowledge/cpuPower';
import { formatWatts, judgeCounterStep, type CounterStep } from '../counterSanity';
import type { CpuInfo } from '../procStat';
import { probeRapl, raplSourceName, readCounterUj, type RaplDomain } from '../raplSource';
import type { SourceStatus } from '../types';
import { BYTES_PER_GB } from './ramModel';
import { CPU_SHARE_ATTRIBUTION, IntervalTally, type EnergySource, type Interval, type SourceContext, type SourceLive, type SourceResult, type Span } from './source';

export const PACKAGE_TDP_MULTIPLE = 5;
export const PACKAGE_CEILING_W = 1000;
export const DRAM_CEILING_W_PER_GB = 2;
export const DRAM_MIN_CEILING_W = 100;

export interface Ceiling {
  watts: number;
  /** Why this figure, for the warning. */
  basis: string;
}

/** The most power a package zone can draw, per socket (see the module comment). */
export function packageCeiling(cpu: CpuInfo): Ceiling {
  const hit = cpu.modelName ? lookupCpuTdp(cpu.modelName) : undefined;
  if (hit?.match === 'exact') return { watts: PACKAGE_TDP_MULTIPLE * hit.tdpW, basis: `${PACKAGE_TDP_MULTIPLE} × the ${hit.name}'s ${hit.tdpW} W TDP` };
  return { watts: PACKAGE_CEILING_W, basis: 'the fixed ceiling per package for a CPU the table does not name exactly' };
}

/** The ceiling of one domain, given the package ceiling; dram depends on the installed memory. */
export function domainCeiling(domain: RaplDomain, pkg: Ceiling, sockets: number, memTotalBytes: number): Ceiling {
  if (domain.kind === 'dram') {
    const gb = memTotalBytes / BYTES_PER_GB;
    const watts = Math.max(DRAM_MIN_CEILING_W, DRAM_CEILING_W_PER_GB * gb);
    return { watts, basis: `${DRAM_CEILING_W_PER_GB} W per GB of the ${Math.round(gb)} GB installed, at least ${DRAM_MIN_CEILING_W} W` };
  }
  if (domain.kind === 'psys') {
    const n = Math.max(1, sockets);
    return { watts: 2 * n * pkg.watts, basis: `twice the package ceiling (${pkg.basis})${n > 1 ? ` for each of ${n} sockets` : ''}` };
  }
  return pkg;
}

/** What the model that stands in for rejected intervals needs to offer. */
export interface IntervalModel {
  estimateJ(interval: Interval): number;
}

interface DomainFaults {
  /** Jumps forward above the ceiling. */
  jumps: number;
  /** Steps back that as a wrap would be above the ceiling. */
  implausibleWraps: number;
  /** Steps back with no known range. */
  unknownWraps: number;
  maxImpliedW: number;
  ceiling?: Ceiling;
}

/** One component's RAPL domains, with the model that stands in for an interval the counters cannot give. */
export class RaplCounterSource implements EnergySource {
  readonly provenance = 'measured';
  private readonly tally = new IntervalTally();
  private readonly faults: DomainFaults[];
  private readonly packageCeiling: Ceiling;
  private intervals = 0;
  private modelIntervals = 0;

  constructor(
    readonly component: 'cpu' | 'ram',
    readonly domains: RaplDomain[],
    private readonly model: IntervalModel & { readonly name: string },
    private readonly ctx: SourceContext,
  ) {
    this.faults = domains.map(() => ({ jumps: 0, implausibleWraps: 0, unknownWraps: 0, maxImpliedW: 0 }));
    this.packageCeiling = packageCeiling(ctx.cpuInfo);
  }

  /** The counters in domain order (µJ); throws when any read fails, so a sample is all or nothing. */
  read(): number[] {
    return this.domains.map((d) => readCounterUj(d.energyPath));
  }

  advance(interval: Interval, previous: unknown, current: unknown): void {
    const before = previous as number[];
    const after = current as number[];
    let machineJ = 0;
    let modelled = false;
    this.domains.forEach((d, i) => {
      const ceiling = domainCeiling(d, this.packageCeiling, this.ctx.cpuInfo.sockets, interval.memTotalBytes);
      const step = judgeCounterStep({ previous: before[i], current: after[i], unitsPerJoule: 1e6, maxRange: d.maxRangeUj, dtS: interval.dtS, ceilingW: ceiling.watts });
      if (step.counted) {
        machineJ += step.joules;
        return;
      }
      modelled = true;
      machineJ += this.model.estimateJ(interval) / this.domains.length;
      this.noteFault(i, step, ceiling);
    });
    this.intervals++;
    if (modelled) this.modelIntervals++;
    this.tally.add(interval, machineJ, machineJ * interval.cpuShare);
  }

  private noteFault(i: number, step: Exclude<CounterStep, { counted: true }>, ceiling: Ceiling): void {
    const f = this.faults[i];
    const first = f.jumps + f.implausibleWraps + f.unknownWraps === 0;
    if (step.why === 'went back') f.unknownWraps++;
    else {
      if (step.wrap) f.implausibleWraps++;
      else f.jumps++;
      f.maxImpliedW = Math.max(f.maxImpliedW, step.impliedW);
      f.ceiling = ceiling;
    }
    if (first) {
      const what = step.why === 'went back' ? 'went back and max_energy_range_uj is unknown' : `implied ${formatWatts(step.impliedW)}, above its ${formatWatts(ceiling.watts)} ceiling`;
      this.ctx.log('warn', `RAPL ${this.label(i)}: a counter step ${what}; that interval uses the ${this.model.name} instead.`);
    }
  }

  private label(i: number): string {
    const d = this.domains[i];
    return `${d.name} (${d.zone})`;
  }

  live(): SourceLive {
    return this.tally.live();
  }

  result(span: Span): SourceResult {
    this.faults.forEach((f, i) => {
      const n = f.jumps + f.implausibleWraps + f.unknownWraps;
      if (!n) return;
      const parts: string[] = [];
      if (f.jumps) parts.push(`${f.jumps} jump(s) forward`);
      if (f.implausibleWraps) parts.push(`${f.implausibleWraps} step(s) back read as a wrap-around`);
      const implied = f.ceiling ? ` implying up to ${formatWatts(f.maxImpliedW)}, above the ${formatWatts(f.ceiling.watts)} ceiling (${f.ceiling.basis})` : '';
      const reasons = [parts.length ? parts.join(' and ') + implied : '', f.unknownWraps ? `${f.unknownWraps} step(s) back with max_energy_range_uj unknown` : ''].filter(Boolean);
      this.ctx.recordWarning(
        `RAPL ${this.label(i)}: ${n} of ${this.intervals} interval(s) had a counter step that cannot be energy (${reasons.join('; ')}); the ${this.model.name} stands in for those intervals.`,
      );
    });
    const name = raplSourceName(this.domains);
    const source = this.modelIntervals ? `${name}, with the ${this.model.name} for ${this.modelIntervals} of ${this.intervals} interval(s) whose counter step was rejected` : name;
    const attribution = CPU_SHARE_ATTRIBUTION;
    return { component: this.tally.component({ component: this.component, provenance: 'measured', source, attribution }, span.durationS) };
  }
}

export interface RaplProbed {
  /** The package (or psys) counters, when readable. */
  cpu?: RaplCounterSource;
  /** The dram counters, when readable. */
  ram?: RaplCounterSource;
  statuses: SourceStatus[];
}

/**
 * Looks for RAPL counters under `powercapRoot`. `models` stand in for the
 * intervals whose counter step is rejected.
 */
export function probeRaplCounters(powercapRoot: string, ctx: SourceContext, models: { cpu: IntervalModel; ram: IntervalModel }): RaplProbed {
  const rapl = probeRapl(powercapRoot);
  if (rapl.status === 'absent') return { statuses: [{ component: 'cpu', name: 'RAPL via powercap', status: 'absent', detail: rapl.detail }] };
  if (rapl.status === 'unreadable') {
    ctx.warn(rapl.warning);
    return { statuses: [{ component: 'cpu', name: 'RAPL via powercap', status: 'unreadable', detail: rapl.errors.join('; ') }] };
  }
  const packages = rapl.domains.filter((d) => d.kind !== 'dram');
  const drams = rapl.domains.filter((d) => d.kind === 'dram');
  const statuses: SourceStatus[] = [{ component: 'cpu', name: 'RAPL via powercap', status: 'used', detail: rapl.detail }];
  if (drams.length) statuses.push({ component: 'ram', name: 'RAPL dram via powercap', status: 'used', detail: raplSourceName(drams) });
  return {
    cpu: packages.length ? new RaplCounterSource('cpu', packages, { name: 'TDP model', estimateJ: (iv) => models.cpu.estimateJ(iv) }, ctx) : undefined,
    ram: drams.length ? new RaplCounterSource('ram', drams, { name: 'RAM model', estimateJ: (iv) => models.ram.estimateJ(iv) }, ctx) : undefined,
    statuses,
  };
}
