import type { Facts } from '../facts';
import { assignedNames, constructionRange, spanRange, visionCandidates, visionConstruction, weightsChoice, type VisionConstruction, type WeightsChoice } from '../modelCalls';
import type { Rule, RuleReport } from '../rule';
import { percent } from '../ruleHelpers';
import type { Fix, Saving, TextEdit } from '../types';
import { compareVision, isDropIn, visionFigures, visionModel, type VisionComparison } from '../../knowledge/modelReader';
import type { VisionModel } from '../../knowledge/models';

const ONE_DECIMAL = (x: number) => x.toFixed(1);
const gflops = (x: number) => (x >= 1 ? x.toFixed(1) : x.toFixed(2));

/** Names of functions and classes that hold a loss built on network features. */
const LOSS_SCOPE = /perceptual|style|content|vgg_?loss|lpips|feature_?loss/i;

/**
 * A heavy model with a fixed role is part of the objective, not a choice of
 * backbone: a VGG whose features feed a perceptual or style loss, or a
 * distillation teacher. Swapping either changes what is being trained.
 */
function fixedRole(facts: Facts, c: VisionConstruction): 'feature-loss' | 'teacher' | undefined {
  const call = c.call;
  const targets = assignedNames(facts, call);
  if (targets.some((t) => /teacher/i.test(t))) return 'teacher';
  if (c.model?.family !== 'vgg') return undefined;
  if (call.resultAttribute === 'features') return 'feature-loss';
  // Keras style transfer lists VGG layers by name (`"block5_conv2"`) to build its feature model.
  if (c.library === 'keras' && facts.stringLiterals.some((x) => /^block\d+_(conv|pool)\d*$/.test(x))) return 'feature-loss';
  const scope = call.functionId === undefined ? undefined : facts.functions[call.functionId];
  if (scope && LOSS_SCOPE.test(scope.qualifiedName)) return 'feature-loss';
  for (const target of targets) {
    const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Fine-tuning touches the head (`model.classifier[6] = …`); a loss network only reads `features`.
    const later = facts.text.slice(call.range.endIndex);
    // The substring test first: the pattern scans the rest of the file, once per target.
    const uses = (attr: string) => later.includes(`${target}.${attr}`) && new RegExp(`(^|[^\\w.])${escaped}\\.${attr}\\b`).test(later);
    if (uses('features') && !uses('classifier')) return 'feature-loss';
    // Keras: intermediate VGG blocks picked by name (`block4_conv2`) feed a loss or a feature model.
    const blockLayer = facts.calls.some(
      (o) => o.method === 'get_layer' && o.receiver === target && o.args.some((a) => typeof a.literal === 'string' && /^block\d+_(conv|pool)/.test(a.literal)),
    );
    if (blockLayer) return 'feature-loss';
  }
  return undefined;
}

function torchSummary(name: string, sib: string, cmp: VisionComparison): string {
  const { from, to } = cmp;
  const parts: string[] = [];
  if (from.gflops !== undefined && to.gflops !== undefined) {
    const px = from.inputPx !== to.inputPx ? ` at ${from.inputPx} vs ${to.inputPx} px` : '';
    parts.push(`${percent((to.gflops - from.gflops) / from.gflops)} FLOPs (${gflops(from.gflops)} → ${gflops(to.gflops)} GFLOPs${px})`);
  }
  if (from.paramsM !== undefined && to.paramsM !== undefined) {
    parts.push(`${percent((to.paramsM - from.paramsM) / from.paramsM)} parameters (${ONE_DECIMAL(from.paramsM)}M → ${ONE_DECIMAL(to.paramsM)}M)`);
  }
  if (from.top1 !== undefined && to.top1 !== undefined) {
    const best = cmp.toBest ? ` (${ONE_DECIMAL(cmp.toBest.top1)} with ${cmp.toBest.tag} weights)` : '';
    parts.push(`top-1 ${ONE_DECIMAL(from.top1)} → ${ONE_DECIMAL(to.top1)}${best}`);
  }
  return `${name} → ${sib}: ${parts.join(', ')}`;
}

function kerasSummary(name: string, sib: string, cmp: VisionComparison): string {
  const { from, to } = cmp;
  const parts = [`${percent((to.paramsM! - from.paramsM!) / from.paramsM!)} parameters (${ONE_DECIMAL(from.paramsM!)}M → ${ONE_DECIMAL(to.paramsM!)}M)`];
  if (from.top1 !== undefined && to.top1 !== undefined) parts.push(`top-1 ${ONE_DECIMAL(from.top1)}% → ${ONE_DECIMAL(to.top1)}%`);
  if (from.cpuMs !== undefined && to.cpuMs !== undefined && from.gpuMs !== undefined && to.gpuMs !== undefined) {
    parts.push(`inference step ${ONE_DECIMAL(from.cpuMs)} → ${ONE_DECIMAL(to.cpuMs)} ms on CPU and ${ONE_DECIMAL(from.gpuMs)} → ${ONE_DECIMAL(to.gpuMs)} ms on GPU (batch 32)`);
  }
  return `${name} → ${sib}: ${parts.join(', ')}`;
}

/** A short mention of the second sibling: `or resnet101 (7.8 GFLOPs, top-1 77.4)`. */
function alternative(model: VisionModel): string {
  const f = visionFigures(model);
  const bits: string[] = [];
  if (f.gflops !== undefined) bits.push(`${gflops(f.gflops)} GFLOPs`);
  else if (f.paramsM !== undefined) bits.push(`${ONE_DECIMAL(f.paramsM)}M parameters`);
  if (f.top1 !== undefined) bits.push(`top-1 ${ONE_DECIMAL(f.top1)}`);
  return `; or ${model.name} (${bits.join(', ')})`;
}

function savingsOf(cmp: VisionComparison): Saving[] {
  const out: Saving[] = [];
  const add = (metric: string, from: number | undefined, to: number | undefined, unit: string) => {
    if (from === undefined || to === undefined || from === 0) return;
    out.push({ metric, from, to, unit, ratio: (to - from) / from, source: cmp.from.source });
  };
  add('FLOPs per image', cmp.from.gflops, cmp.to.gflops, 'GFLOPs');
  add('parameters', cmp.from.paramsM, cmp.to.paramsM, 'M');
  add('CPU time per inference step', cmp.from.cpuMs, cmp.to.cpuMs, 'ms');
  add('GPU time per inference step', cmp.from.gpuMs, cmp.to.gpuMs, 'ms');
  return out;
}

/**
 * The rename, when it is a drop-in change: the weights say nothing a rename
 * would lose, the sibling keeps the head's width and attribute names, and the
 * new name exists wherever the old one was looked up.
 */
function renameFix(facts: Facts, c: VisionConstruction, sibling: VisionModel, choice: WeightsChoice): Fix | undefined {
  if (choice.kind !== 'default' && choice.kind !== 'enumDefault') return undefined;
  if (!c.model || !isDropIn(c.model, sibling)) return undefined;
  const edits: TextEdit[] = [];
  if (c.nameArg) {
    // Only a literal written at the call; a module constant may be used elsewhere too.
    if (!/^[rRuU]?["']/.test(c.nameArg.text) || !c.nameArg.text.includes(c.name)) return undefined;
    edits.push({ range: c.nameArg.range, newText: c.nameArg.text.replace(c.name, sibling.name) });
  } else {
    // A bare imported name (`from torchvision.models import resnet152`) would need an import edit too.
    if (c.call.method === undefined) return undefined;
    if (c.module && !sibling.modules?.includes(c.module)) return undefined;
    edits.push({ range: c.call.nameRange, newText: sibling.name });
  }
  if (choice.kind === 'enumDefault') {
    const from = c.model.weightsEnum;
    const to = sibling.weightsEnum;
    const text = choice.arg.text;
    const at = from ? text.lastIndexOf(from) : -1;
    // `models.ResNet152_Weights.DEFAULT` renames in place; a bare imported enum would need an import.
    if (!from || !to || at <= 0 || !/\.\s*$/.test(text.slice(0, at))) return undefined;
    const start = choice.arg.range.startIndex + at;
    edits.push({ range: spanRange(facts, start, start + from.length), newText: to });
  }
  return { title: `Use ${sibling.name} instead of ${c.name}`, edits, safe: true };
}

function report(facts: Facts, c: VisionConstruction): RuleReport | undefined {
  const model = c.model!;
  const role = fixedRole(facts, c);
  // A distillation teacher is large on purpose; the student is where the saving is.
  if (role === 'teacher') return undefined;
  const own = visionFigures(model);
  if (role === 'feature-loss') {
    const cost =
      own.gflops !== undefined
        ? ` It costs ${gflops(own.gflops)} GFLOPs per image.`
        : own.paramsM !== undefined
          ? ` It has ${ONE_DECIMAL(own.paramsM)}M parameters.`
          : '';
    const source = cost ? ` Source: ${own.source}.` : ' Source: Johnson, Alahi & Fei-Fei 2016, "Perceptual Losses for Real-Time Style Transfer and Super-Resolution" (the loss is defined on VGG features).';
    const trim =
      c.library === 'keras'
        ? 'build the feature model only up to the deepest layer the loss reads'
        : 'slice the features (e.g. `features[:N]`) so the deeper blocks never run';
    return {
      range: constructionRange(c),
      severity: 'information',
      message:
        `${c.name} is used only through its convolutional features, as a perceptual or style loss does: swapping it for a lighter network would change what the loss measures (the training target), so there is no quick fix.` +
        `${cost} If the loss reads only early layers, ${trim}.${source}`,
    };
  }
  const siblings = (model.siblings ?? []).map((s) => visionModel(c.library, s)).filter((m): m is VisionModel => m !== undefined);
  const sibling = siblings[0];
  if (!sibling) return undefined;
  const choice = weightsChoice(c);
  const tag = choice.kind === 'specific' ? choice.tag : choice.kind === 'default' ? choice.tag : undefined;
  const cmp = compareVision(model, sibling, c.library === 'torchvision' ? tag : undefined);
  const summary = c.library === 'keras' ? kerasSummary(c.name, sibling.name, cmp) : torchSummary(c.name, sibling.name, cmp);
  const alt = siblings[1] ? alternative(siblings[1]) : '';
  const timmNote = c.library === 'timm' ? ' (figures for the same architecture; timm weights differ in accuracy, so compare on your validation set)' : '';
  const fix = renameFix(facts, c, sibling, choice);
  return {
    range: constructionRange(c),
    message:
      `${summary}${alt}${timmNote}. Every training and inference step pays for the larger model; start from the lighter one and keep the heavy one only if validation accuracy needs it. ` +
      `Source: ${cmp.from.source}.`,
    savings: savingsOf(cmp),
    fix,
  };
}

/**
 * GL101: a heavy image classifier (torchvision, timm, Keras Applications)
 * where a lighter sibling gives most of its accuracy for a fraction of the
 * FLOPs. Figures come from knowledge/models with their sources.
 */
export const heavyVisionModel: Rule = {
  meta: {
    code: 'GL101',
    name: 'heavy-vision-model',
    family: 'GL1',
    summary: 'A heavy image model is built where a lighter sibling gives most of its accuracy for a fraction of the compute.',
    defaultSeverity: 'warning',
    languages: ['python'],
    fixable: true,
  },
  check(facts) {
    const reports: RuleReport[] = [];
    for (const call of visionCandidates(facts)) {
      const c = visionConstruction(call);
      if (!c?.model?.heavy) continue;
      const r = report(facts, c);
      if (r) reports.push(r);
    }
    return reports;
  },
};
