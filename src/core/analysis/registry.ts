/**
 * The explicit rule registry, sorted by code. A rule exists for users only
 * once it is listed here (and has its docs page and fixtures).
 */
import type { Rule } from './rule';
import { heavyVisionModel } from './rules/GL101-heavy-vision-model';
import { heavyLanguageModel } from './rules/GL102-heavy-language-model';
import { trainingFromScratch } from './rules/GL104-training-from-scratch';
import { hostSyncInTrainingLoop } from './rules/GL201-host-sync-in-training-loop';
import { pythonLoopOverTensor } from './rules/GL202-python-loop-over-tensor';
import { dataframeRowIteration } from './rules/GL203-dataframe-row-iteration';
import { concatInLoop } from './rules/GL204-concat-in-loop';
import { constructionInLoop } from './rules/GL205-construction-in-loop';
import { evalWithoutNoGrad } from './rules/GL301-eval-without-no-grad';
import { dataloaderWithoutWorkers } from './rules/GL302-dataloader-without-workers';
import { dataloaderWithoutPinMemory } from './rules/GL303-dataloader-without-pin-memory';
import { noMixedPrecision } from './rules/GL304-no-mixed-precision';
import { cudnnAutotunerOff } from './rules/GL305-cudnn-autotuner-off';
import { debugModeLeftOn } from './rules/GL308-debug-mode-left-on';
import { dataparallelInsteadOfDdp } from './rules/GL313-dataparallel-instead-of-ddp';

export const RULES: readonly Rule[] = [
  heavyVisionModel,
  heavyLanguageModel,
  trainingFromScratch,
  hostSyncInTrainingLoop,
  pythonLoopOverTensor,
  dataframeRowIteration,
  concatInLoop,
  constructionInLoop,
  evalWithoutNoGrad,
  dataloaderWithoutWorkers,
  dataloaderWithoutPinMemory,
  noMixedPrecision,
  cudnnAutotunerOff,
  debugModeLeftOn,
  dataparallelInsteadOfDdp,
];

