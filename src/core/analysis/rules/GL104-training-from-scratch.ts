import type { ArgFact, CallFact, Facts } from '../facts';
import { spanRange, visionCandidates, visionConstruction, weightsChoice, type VisionConstruction } from '../modelCalls';
import type { Rule, RuleReport } from '../rule';
import { anyCallNamed, argument, insertAt } from '../ruleHelpers';
import type { Fix, TextEdit } from '../types';

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

/** The classifier a torchvision model ends in, for replacing it with one sized for the user's classes. */
const TORCHVISION_HEADS: [RegExp, string][] = [
  [/^(resnet|resnext|wide_resnet|regnet_|shufflenet_v2_)/, 'fc'],
  [/^(vgg|alexnet)/, 'classifier[6]'],
  [/^(efficientnet_|mobilenet_v2$|mnasnet)/, 'classifier[1]'],
  [/^mobilenet_v3_/, 'classifier[3]'],
  [/^convnext_/, 'classifier[2]'],
  [/^densenet/, 'classifier'],
  [/^vit_/, 'heads.head'],
  [/^swin_/, 'head'],
];

/** `keyword=` before an argument's value: the value's range starts after it. */
function keywordStart(facts: Facts, arg: ArgFact): number {
  if (!arg.keyword) return arg.range.startIndex;
  const before = facts.text.slice(Math.max(0, arg.range.startIndex - arg.keyword.length - 20), arg.range.startIndex);
  const m = new RegExp(`${arg.keyword}\\s*=\\s*$`).exec(before);
  return m ? arg.range.startIndex - m[0].length : arg.range.startIndex;
}

/** An edit that removes a keyword argument and the comma that separates it from its neighbour. */
function removeArgument(facts: Facts, call: CallFact, arg: ArgFact): TextEdit {
  const text = facts.text;
  const start = keywordStart(facts, arg);
  const before = /,\s*$/.exec(text.slice(call.calleeRange.endIndex, start));
  if (before) return { range: spanRange(facts, start - before[0].length, arg.range.endIndex), newText: '' };
  const after = /^\s*,\s*/.exec(text.slice(arg.range.endIndex, call.range.endIndex));
  return { range: spanRange(facts, start, arg.range.endIndex + (after ? after[0].length : 0)), newText: '' };
}

/** How the file can name `torch.nn.Linear`: through `import torch.nn as nn`, or through `torch`. */
function linearName(facts: Facts): string | undefined {
  const nn = facts.imports.find((i) => i.qualified === 'torch.nn');
  if (nn) return `${nn.local}.Linear`;
  const linear = facts.imports.find((i) => i.qualified === 'torch.nn.Linear');
  if (linear) return linear.local;
  const torch = facts.imports.find((i) => i.qualified === 'torch');
  return torch ? `${torch.local}.nn.Linear` : undefined;
}

/**
 * The edits that give a torchvision model pretrained weights: `weights="DEFAULT"`
 * in place of `weights=None` / `pretrained=False`. Pretrained weights come with
 * ImageNet's 1000-class head, so a `num_classes` argument moves to a new head
 * assigned after the model is built (`model.fc = nn.Linear(model.fc.in_features, 10)`);
 * without a known head or a plain `model = ...` statement there is no fix.
 */
function torchvisionEdits(facts: Facts, c: VisionConstruction): TextEdit[] | undefined {
  const call = c.call;
  const weights = argument(call, 'weights');
  const pretrained = argument(call, 'pretrained');
  const scratch = weights ?? pretrained;
  if (!scratch?.keyword) return undefined;
  const edits: TextEdit[] = [{ range: spanRange(facts, keywordStart(facts, scratch), scratch.range.endIndex), newText: 'weights="DEFAULT"' }];
  const classes = argument(call, 'num_classes');
  if (!classes || (classes.hasLiteral && classes.literal === 1000)) return edits;
  const head = TORCHVISION_HEADS.find(([pattern]) => pattern.test(c.name))?.[1];
  const linear = linearName(facts);
  const name = call.assignedTo.length === 1 ? call.assignedTo[0] : undefined;
  if (!head || !linear || !name || !/^[A-Za-z_][\w.]*$/.test(name)) return undefined;
  const callText = facts.text.slice(call.range.startIndex, call.range.endIndex);
  const statement = facts.assignments.find((a) => a.target === name && a.valueText.trim() === callText && a.range.startIndex <= call.range.startIndex && a.range.endIndex >= call.range.endIndex);
  if (!statement) return undefined;
  const lineStart = facts.lineStarts[statement.range.start.line];
  const indent = /^[ \t]*/.exec(facts.text.slice(lineStart, statement.range.startIndex))![0];
  edits.push(removeArgument(facts, call, classes));
  edits.push(insertAt(facts, statement.range.endIndex, `\n${indent}${name}.${head} = ${linear}(${name}.${head}.in_features, ${classes.text})`));
  return joinTouching(facts, edits);
}

/** Edits that touch (`weights=None` followed by `, num_classes=10`) become one, so no editor sees two edits meet. */
function joinTouching(facts: Facts, edits: TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.range.startIndex - b.range.startIndex);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && last.range.endIndex === e.range.startIndex && e.range.endIndex > e.range.startIndex) {
      out[out.length - 1] = { range: spanRange(facts, last.range.startIndex, e.range.endIndex), newText: last.newText + e.newText };
    } else out.push(e);
  }
  return out;
}

/** The quick fix that loads pretrained weights; never preferred, since training then starts elsewhere and ends with other results. */
function pretrainedFix(facts: Facts, c: VisionConstruction): Fix | undefined {
  let edits: TextEdit[] | undefined;
  let spelling: string;
  if (c.kind === 'builder' || c.kind === 'get_model') {
    edits = torchvisionEdits(facts, c);
    spelling = 'weights="DEFAULT"';
  } else if (c.kind === 'timm') {
    const pretrained = argument(c.call, 'pretrained', 1);
    edits = pretrained && pretrained.literal === false ? [{ range: pretrained.range, newText: 'True' }] : undefined;
    spelling = 'pretrained=True';
  } else if (c.kind === 'keras') {
    // With its own top, an ImageNet-weighted Keras model must keep 1000 classes: only headless models are fixed.
    const weights = argument(c.call, 'weights', 1);
    edits = weights && weights.literal === null && argument(c.call, 'include_top')?.literal === false && !nonRgbKerasInput(c) ? [{ range: weights.range, newText: '"imagenet"' }] : undefined;
    spelling = 'weights="imagenet"';
  } else return undefined;
  if (!edits) return undefined;
  return { title: `Start from pretrained weights (${spelling}): changes the training results, review before keeping`, edits, safe: false };
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
    fixable: true,
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
          `${what} is built with random weights and then trained: training from scratch needs many more epochs than fine-tuning pretrained weights, which converge much faster. ` +
          `Load pretrained weights with ${pretrainedSpelling(c)} and fine-tune, unless your images are far from natural photos and plentiful.` +
          (nonRgbKerasInput(c) ? ' Your input is not 3-channel, so ImageNet weights need the input mapped to 3 channels first.' : '') +
          ' Source: He, Girshick & Dollár 2019, "Rethinking ImageNet Pre-training" (from-scratch training only catches up with longer schedules).',
        fix: pretrainedFix(facts, c),
      });
    }
    return reports;
  },
};
