/**
 * Predicts a run's total energy from its progress: linear extrapolation of
 * the energy per unit of progress, measured after start-up (imports, data
 * loading, CUDA initialisation), which would otherwise inflate the rate: on
 * the 3-epoch example, a rate over the whole run after epoch 1 predicted 3.3×
 * the final energy, since importing PyTorch took most of that epoch's time.
 * So a prediction is given only once it rests on work done after start-up:
 * a whole epoch after the end of epoch 1 (the rate since epoch 1), or, when
 * the output counts no epochs, a tenth of the run after the first progress
 * line. Before that there is no prediction, and no budget alarm.
 */
import { formatEnergy } from '../report/units';

/** A reading of energy and progress at one moment of the run. */
export interface ProgressSample {
  /** Energy used since the start, kWh. */
  energyKWh: number;
  /** Seconds since the start. */
  elapsedS: number;
  /** Share of the run done, 0–1. */
  fraction: number;
  /** Epochs finished, when the output says. */
  epochsCompleted?: number;
  /** Epochs in the run, when known. */
  totalEpochs?: number;
}

/** What the rate was measured over. */
export type PredictionBasis = 'since-first-epoch' | 'since-first-progress' | 'whole-run';

export interface Prediction {
  totalKWh: number;
  remainingKWh: number;
  totalS: number;
  remainingS: number;
  basis: PredictionBasis;
}

export interface BudgetCheck {
  budgetKWh: number;
  /** The figure compared with the budget: the predicted total, or the energy so far when that is larger. */
  predictedKWh: number;
  exceeds: boolean;
  /** How far over the budget, kWh and % of the budget (0 when within it). */
  overKWh: number;
  overPercent: number;
  /** One sentence for the status bar or a notification. */
  message: string;
}

/** Progress must move at least this far past an anchor before the rate since that anchor is trusted. */
const MIN_SPAN = 0.01;
/** Without epochs in the output, the share of the run that stands in for "the first epoch". */
const FIRST_SHARE_WITHOUT_EPOCHS = 0.1;

/**
 * The predicted total energy and time of a run that has used
 * `energySoFarKWh` in `elapsedS` to reach `fraction` of its work. With an
 * `anchor` (a sample after start-up), the rate is taken from the anchor on;
 * else from the start. Undefined when the fraction says nothing (≤ 0).
 */
export function predictTotal(energySoFarKWh: number, elapsedS: number, fraction: number, anchor?: ProgressSample, anchorBasis: PredictionBasis = 'since-first-epoch'): Prediction | undefined {
  if (!(fraction > 0) || !Number.isFinite(energySoFarKWh) || !Number.isFinite(elapsedS)) return undefined;
  const f = Math.min(1, fraction);
  let kWhPerUnit = energySoFarKWh / f;
  let sPerUnit = elapsedS / f;
  let basis: PredictionBasis = 'whole-run';
  if (anchor && f - anchor.fraction >= MIN_SPAN && energySoFarKWh >= anchor.energyKWh && elapsedS >= anchor.elapsedS) {
    kWhPerUnit = (energySoFarKWh - anchor.energyKWh) / (f - anchor.fraction);
    sPerUnit = (elapsedS - anchor.elapsedS) / (f - anchor.fraction);
    basis = anchorBasis;
  }
  const remainingKWh = kWhPerUnit * (1 - f);
  const remainingS = sPerUnit * (1 - f);
  return { totalKWh: energySoFarKWh + remainingKWh, remainingKWh, totalS: elapsedS + remainingS, remainingS, basis };
}

/**
 * Follows a run and predicts its total once the first epoch has finished
 * (or, when the output counts no epochs, a tenth of the run is done).
 */
export class EnergyPredictor {
  private firstProgress?: ProgressSample;
  private firstEpochEnd?: ProgressSample;
  private lastFraction = -1;
  private last?: Prediction;

  /** Feeds a sample; returns the prediction, or undefined until it rests on enough work after start-up. */
  observe(sample: ProgressSample): Prediction | undefined {
    if (!(sample.fraction >= 0) || sample.fraction < this.lastFraction) return this.last;
    this.lastFraction = sample.fraction;
    this.firstProgress ??= sample;
    if (sample.epochsCompleted !== undefined) {
      if (sample.epochsCompleted < 1) return this.last;
      this.firstEpochEnd ??= sample;
      // One whole epoch after the end of the first (slightly less, for rounding in the fractions).
      const epochShare = sample.totalEpochs ? 1 / sample.totalEpochs : sample.epochsCompleted > 0 ? sample.fraction / sample.epochsCompleted : 1;
      const span = Math.max(MIN_SPAN, 0.99 * epochShare);
      if (sample.fraction - this.firstEpochEnd.fraction >= span) return this.anchored(sample, this.firstEpochEnd, 'since-first-epoch', span);
      // A progress line printed during epoch 1 (a tqdm bar, an "Epoch 1/10" header) is after start-up too.
      return this.anchored(sample, this.firstProgress, 'since-first-progress', span);
    }
    return this.anchored(sample, this.firstProgress, 'since-first-progress', FIRST_SHARE_WITHOUT_EPOCHS);
  }

  private anchored(sample: ProgressSample, anchor: ProgressSample, basis: PredictionBasis, minSpan: number): Prediction | undefined {
    if (sample.fraction - anchor.fraction < Math.max(MIN_SPAN, minSpan)) return this.last;
    const p = predictTotal(sample.energyKWh, sample.elapsedS, sample.fraction, anchor, basis);
    if (p?.basis === basis) this.last = p;
    return this.last;
  }

  /** The latest prediction. */
  get prediction(): Prediction | undefined {
    return this.last;
  }
}

/**
 * Compares a prediction (or the energy so far, whichever is larger) with the
 * `budget.kWh` setting. Undefined when no budget is set.
 */
export function checkBudget(predicted: Prediction | number, budget: { kWh?: number } | undefined, energySoFarKWh = 0): BudgetCheck | undefined {
  const budgetKWh = budget?.kWh;
  if (budgetKWh === undefined || !(budgetKWh > 0)) return undefined;
  const total = typeof predicted === 'number' ? predicted : predicted.totalKWh;
  const predictedKWh = Math.max(total, energySoFarKWh);
  const exceeds = predictedKWh > budgetKWh;
  const overKWh = exceeds ? predictedKWh - budgetKWh : 0;
  const overPercent = (100 * overKWh) / budgetKWh;
  const already = energySoFarKWh > budgetKWh;
  const message = already
    ? `This run has used ${formatEnergy(energySoFarKWh)}, over its budget of ${formatEnergy(budgetKWh)}.`
    : exceeds
      ? `This run is predicted to use ${formatEnergy(predictedKWh)}, ${Math.round(overPercent)}% over its budget of ${formatEnergy(budgetKWh)}.`
      : `This run is predicted to use ${formatEnergy(predictedKWh)}, within its budget of ${formatEnergy(budgetKWh)}.`;
  return { budgetKWh, predictedKWh, exceeds, overKWh, overPercent, message };
}
