/**
 * Estimates before a run: what each training entry point of a script will
 * cost (work, time, energy, CO2e) and what a finding's fix would save.
 * Pure: reads Facts and tables, never `vscode`.
 */
import type { Facts } from '../analysis/facts';
import type { Finding } from '../analysis/types';
import type { RunRecord } from '../history/runRecord';
import { carbonOf } from '../energy/carbon';
import { formatCo2, formatEnergy } from '../report/units';
import { lookupGpu } from '../knowledge/gpus';
import { calibrate } from './calibration';
import { peakAt, platformOf, precisionOf, type CpuInfo, type Platform } from './hardware';
import { trainingWork, type EntryWork } from './work';

export type { CpuInfo } from './hardware';

export interface EstimateOptions {
  hardware?: string;
  gpus?: number;
  region?: string;
  pue?: number;
  scriptArgs?: readonly string[];
  /** completed runs of this script, newest first, for calibration */
  runs?: readonly RunRecord[];
  /** The CPU (and host) to assume; defaults to this machine's. */
  cpu?: CpuInfo;
  /** Time zone for the default region (tests pass one). */
  timeZone?: string;
}

export interface Assumption {
  name: string;
  value: string;
  source: string;
}

export interface TrainingEstimate {
  /** 0-based line of the entry point */
  line: number;
  /** e.g. "training loop", "model.fit(...)" */
  entry: string;
  basis: 'static' | 'calibrated';
  durationS: number;
  durationLowS: number;
  durationHighS: number;
  energyKWh: number;
  energyLowKWh: number;
  energyHighKWh: number;
  co2eKg: number;
  flops: number;
  hardware: string;
  gpus: number;
  assumptions: Assumption[];
  /** run id */
  calibratedFrom?: string;
  staticEnergyKWh?: number;
  /** Sentences for the user: a partial hardware name matched, a default that stood in. */
  notes?: string[];
}

export interface FindingSaving {
  code: string;
  line: number;
  kWh: number;
  co2eKg: number;
  /** of the script's training compute */
  share: number;
  /** "saves ≈ 3.5 kWh · 1.7 kg CO2e on this script (64% of its training compute)" */
  text: string;
}

/** Energy (kWh, before PUE) of `seconds` at `watts`. */
function kWhOf(seconds: number, watts: number): number {
  return (seconds * watts) / 3.6e6;
}

interface Costed {
  work: EntryWork;
  platform: Platform;
}

function costOf(facts: Facts, work: EntryWork, options: EstimateOptions): Costed {
  const precision = precisionOf(facts, work.model.modelClass);
  return { work, platform: platformOf(work.model.modelClass, precision, { hardware: options.hardware, gpus: options.gpus, cpu: options.cpu }) };
}

/** Whether a recorded run ran on the platform an estimate is for. */
function sameHardware(platform: Platform, record: RunRecord): boolean {
  if (!platform.gpu) return record.hardware.gpuModels.length === 0;
  return record.hardware.gpuModels.some((m) => lookupGpu(m)?.gpu.name === platform.gpu!.name);
}

/**
 * Estimates each training entry point of a file: work from the model and
 * data, time from the hardware's peak at the script's precision and a
 * utilisation prior, energy from the hardware's power, CO2e from the grid.
 * A completed run of the same script on the same hardware calibrates it.
 */
export function estimateTraining(facts: Facts, options: EstimateOptions = {}): TrainingEstimate[] {
  return trainingWork(facts, options.scriptArgs).map((work) => {
    const { platform } = costOf(facts, work, options);
    const u = platform.utilisation;
    const durationS = work.flops / (platform.peakFlops * u.mid);
    const durationLowS = work.flops / (platform.peakFlops * u.high);
    const durationHighS = work.flops / (platform.peakFlops * u.low);
    const carbonInputs = { pue: options.pue, region: options.region, timeZone: options.timeZone };
    const mid = carbonOf(kWhOf(durationS, platform.powerW), carbonInputs);
    const pue = mid.pue;
    const assumptions: Assumption[] = [
      ...work.assumptions,
      ...platform.assumptions,
      { name: 'PUE', value: String(pue), source: mid.pueIsDefault ? 'default 1.0 for a local machine, as CodeCarbon (set --pue or greenlens.pue)' : 'configured' },
      { name: 'region', value: `${mid.region.name} (${mid.region.code}), ${mid.gPerKWh} gCO2e/kWh`, source: mid.region.source ?? 'GreenLens region tables' },
      { name: 'formula', value: 'time = FLOPs ÷ (peak × utilisation); energy = time × power × PUE; CO2e = energy × grid intensity', source: 'estimated, not measured' },
    ];
    const estimate: TrainingEstimate = {
      line: work.line,
      entry: work.entry,
      basis: 'static',
      durationS,
      durationLowS,
      durationHighS,
      energyKWh: mid.facilityEnergyKWh,
      energyLowKWh: kWhOf(durationLowS, platform.powerLowW) * pue,
      energyHighKWh: kWhOf(durationHighS, platform.powerHighW) * pue,
      co2eKg: mid.kgCO2e,
      flops: work.flops,
      hardware: platform.hardware,
      gpus: platform.gpus,
      assumptions,
      notes: [...platform.notes, ...mid.notes],
    };
    const calibration = options.runs?.length
      ? calibrate({
          runs: options.runs,
          staticPerEpoch: { kWh: kWhOf(durationS, platform.powerW) / work.epochs, s: durationS / work.epochs },
          sameHardware: (r) => sameHardware(platform, r),
        })
      : undefined;
    if (!calibration) return estimate;
    const kWh = calibration.kWh(work.epochs);
    const seconds = calibration.seconds(work.epochs);
    const calibrated = carbonOf(kWh, carbonInputs);
    return {
      ...estimate,
      basis: 'calibrated',
      calibratedFrom: calibration.runId,
      staticEnergyKWh: estimate.energyKWh,
      durationS: seconds,
      durationLowS: seconds * (1 - CALIBRATED_SPREAD),
      durationHighS: seconds * (1 + CALIBRATED_SPREAD),
      energyKWh: calibrated.facilityEnergyKWh,
      energyLowKWh: calibrated.facilityEnergyKWh * (1 - CALIBRATED_SPREAD),
      energyHighKWh: calibrated.facilityEnergyKWh * (1 + CALIBRATED_SPREAD),
      co2eKg: calibrated.kgCO2e,
      assumptions: [
        { name: 'calibration', value: `${calibration.description}; scaled to ${work.epochs} epochs`, source: `measured run ${calibration.runId}` },
        { name: 'static estimate', value: `${formatEnergy(estimate.energyKWh)} (what the model alone predicts)`, source: 'the static assumptions below' },
        ...assumptions,
      ],
    };
  });
}

/** PyTorch Performance Tuning Guide and AMP docs: mixed precision is "up to 3× faster" on Volta and newer GPUs. */
const AMP_MAX_SPEEDUP = 3;

/** Range shown around a calibrated figure: the accuracy target for calibrated estimates. */
const CALIBRATED_SPREAD = 0.15;

/** Share of a script's training compute a finding's fix removes, with what it is based on; undefined when it cannot be said. */
function savedShare(finding: Finding, facts: Facts, estimates: readonly TrainingEstimate[], options: EstimateOptions): number | undefined {
  if (finding.code === 'GL101' || finding.code === 'GL102') {
    const s = finding.savings?.find((x) => /FLOPs/.test(x.metric)) ?? finding.savings?.find((x) => x.metric === 'parameters');
    return s && s.ratio < 0 ? -s.ratio : undefined;
  }
  if (finding.code === 'GL304') {
    const work = trainingWork(facts, options.scriptArgs)[0];
    if (!work || estimates.length === 0) return undefined;
    const { platform } = costOf(facts, work, options);
    if (!platform.gpu || platform.precision === 'fp16') return undefined;
    // Time, and with constant power energy, scale with the inverse of the peak, but
    // not past the speed-up mixed precision is documented to reach.
    const share = 1 - Math.max(platform.peakFlops / peakAt(platform, 'fp16'), 1 / AMP_MAX_SPEEDUP);
    return share > 0 ? share : undefined;
  }
  // GL104 (pretrained weights) saves epochs that depend on the accuracy the user targets: not estimated.
  return undefined;
}

/** What each finding's fix would save on this script, from its estimates; findings whose saving cannot be estimated are left out. */
export function findingSavings(findings: readonly Finding[], facts: Facts, estimates: readonly TrainingEstimate[], options: EstimateOptions = {}): FindingSaving[] {
  const totalKWh = estimates.reduce((a, e) => a + e.energyKWh, 0);
  const totalKg = estimates.reduce((a, e) => a + e.co2eKg, 0);
  if (!(totalKWh > 0)) return [];
  const out: FindingSaving[] = [];
  for (const f of findings) {
    const share = savedShare(f, facts, estimates, options);
    if (share === undefined) continue;
    const kWh = totalKWh * share;
    const co2eKg = totalKg * share;
    out.push({
      code: f.code,
      line: f.range.start.line,
      kWh,
      co2eKg,
      share,
      text: `saves ≈ ${formatEnergy(kWh)} · ${formatCo2(co2eKg)} on this script (${Math.round(share * 100)}% of its training compute)`,
    });
  }
  return out;
}
