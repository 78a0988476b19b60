import type { Facts } from '../facts';
import { visionCandidates, visionConstruction, weightsChoice, type VisionConstruction } from '../modelCalls';
import type { Rule, RuleReport } from '../rule';
import { anyCallNamed, argument } from '../ruleHelpers';

/** Calls that put weights into a model after construction: then it does not train from scratch. */
const LOADING_METHODS = new Set(['load_state_dict', 'load_weights', 'load_checkpoint', 'load_pretrained', 'restore']);
const LOADING_FUNCTIONS = new Set(['torch.load', 'timm.models.load_checkpoint', 'timm.models.load_pretrained', 'safetensors.torch.load_file']);

function loadsWeights(facts: Facts): boolean {
  return facts.calls.some((c) => (c.method !== undefined && LOADING_METHODS.has(c.method)) || LOADING_FUNCTIONS.has(c.name));
}

/**
 * Self-supervised pre-training (SimCLR, MoCo, BYOL, DINO…) starts from random
 * weights by design: the run *is* the pre-training. Its code names itself in
 * imports, classes, functions or losses.
 */
const SELF_SUPERVISED = /simclr|moco|byol|simsiam|dino|barlow|swav|vicreg|info_?nce|nt_?xent|contrastive|self_?supervised|pretext|lightly|solo\b/i;

function isSelfSupervisedPretraining(facts: Facts): boolean {
  return (
    facts.imports.some((i) => SELF_SUPERVISED.test(i.qualified)) ||
    facts.functions.some((f) => SELF_SUPERVISED.test(f.qualifiedName)) ||
    anyCallNamed(facts, SELF_SUPERVISED)
  );
}

/** How to ask each library for pretrained weights. */
function pretrainedSpelling(c: VisionConstruction): string {
  if (c.kind === 'keras') return '`weights="imagenet"` (with `include_top=False` and your own head)';
  if (c.kind === 'timm') return '`pretrained=True` (timm resets the classifier when you pass `num_classes`)';
  return '`weights="DEFAULT"` (then replace the classifier head for your classes)';
}

/**
 * ImageNet weights need three input channels; a Keras model built for other
 * inputs cannot load them as is, so the advice is weaker there.
 */
function nonRgbKerasInput(c: VisionConstruction): boolean {
  if (c.kind !== 'keras') return false;
  const shape = argument(c.call, 'input_shape');
  const last = shape?.elements?.[shape.elements.length - 1];
  return last !== undefined && /^\d+$/.test(last.trim()) && last.trim() !== '3';
}

/**
 * GL104: a vision model built with random weights (`weights=None`,
 * `pretrained=False`) in a file that trains it. Starting from pretrained
 * weights and fine-tuning converges in far fewer epochs.
 */
export const trainingFromScratch: Rule = {
  meta: {
    code: 'GL104',
    name: 'training-from-scratch',
    family: 'GL1',
    summary: 'A vision model is trained from random weights where pretrained weights and fine-tuning would converge much sooner.',
    defaultSeverity: 'warning',
    languages: ['python'],
    fixable: false,
  },
  check(facts) {
    if (!facts.trains || loadsWeights(facts) || isSelfSupervisedPretraining(facts)) return [];
    const reports: RuleReport[] = [];
    for (const call of visionCandidates(facts)) {
      const c = visionConstruction(call);
      if (!c) continue;
      // get_model and hub names outside the table may be detection or video models,
      // whose backbone is pretrained even when `weights=None`.
      if ((c.kind === 'get_model' || c.kind === 'hub') && !c.model) continue;
      const choice = weightsChoice(c);
      if (choice.kind !== 'default' || !choice.scratch) continue;
      const what = c.name || 'This timm model';
      reports.push({
        range: call.calleeRange,
        severity: nonRgbKerasInput(c) ? 'information' : undefined,
        message:
          `${what} is built with random weights and then trained: training from scratch needs many more epochs than fine-tuning pretrained weights, ` +
          `which converge much faster (He, Girshick & Dollár 2019, "Rethinking ImageNet Pre-training": from-scratch training only catches up with longer schedules). ` +
          `Load pretrained weights with ${pretrainedSpelling(c)} and fine-tune, unless your images are far from natural photos and plentiful.` +
          (nonRgbKerasInput(c) ? ' Your input is not 3-channel, so ImageNet weights need the input mapped to 3 channels first.' : ''),
      });
    }
    return reports;
  },
};
