import type { CallFact, Facts, LoopFact } from '../facts';
import type { Rule, RuleReport } from '../rule';
import type { Severity } from '../types';
import { argument } from '../ruleHelpers';
import { isStepCall } from '../training';

type Kind = 'pretrained' | 'files' | 'model' | 'graph' | 'optimizer' | 'scheduler' | 'loader';

const KERAS_SEQUENTIAL = /^(tensorflow\.)?keras\.(models\.)?Sequential$/;
/** The functional `Model(inputs, outputs)` may only wrap existing layers: no new weights, but a new graph. */
const KERAS_FUNCTIONAL = /^(tensorflow\.)?keras\.(models\.)?Model$/;
/** Same-file modules that are losses, metrics or helpers rather than the model being trained. */
const HELPER_MODULE = /loss|criterion|metric|meter|augment/i;
const KERAS_APPLICATION = /^(tensorflow\.)?keras\.applications\.(\w+\.)?[A-Z]\w*$/;
/** torchvision helpers that look models up rather than build them. */
const TORCHVISION_LOOKUP = /\.(get_weight|get_model_weights|list_models)$|_Weights$/;

const CLASS_HEADER = /[ \t]*class\s+(\w+)\s*\(([^)]*)\)\s*:/y;

/**
 * `class Name(bases):` headers, as /^[ \t]*class\s+(\w+)\s*\(([^)]*)\)\s*:/gm would find them, but
 * trying the pattern only at lines where `class` appears instead of at every line of the file.
 */
function classHeaders(text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let after = 0;
  for (let at = text.indexOf('class'); at >= 0; at = text.indexOf('class', at + 5)) {
    // Only spaces and tabs back to the start of the line (as `^` reads it under the `m` flag).
    let lineStart = at;
    while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
    if (lineStart < after || (lineStart > 0 && !'\n\r\u2028\u2029'.includes(text[lineStart - 1]))) continue;
    CLASS_HEADER.lastIndex = lineStart;
    const m = CLASS_HEADER.exec(text);
    if (!m) continue;
    out.push(m);
    after = CLASS_HEADER.lastIndex;
  }
  return out;
}

/** Same-file classes that subclass a torch or Lightning module, directly or through another such class. */
function localModuleClasses(facts: Facts): Set<string> {
  const bases = new Map<string, string[]>();
  for (const m of classHeaders(facts.text)) bases.set(m[1], m[2].split(',').map((b) => b.trim()));
  const modules = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [name, list] of bases) {
      if (modules.has(name)) continue;
      if (list.some((b) => /(^|\.)(Module|LightningModule)$/.test(b) || modules.has(b))) {
        modules.add(name);
        changed = true;
      }
    }
  }
  return modules;
}

/** Tokenizers, processors and configs loaded with `from_pretrained` carry files, not trainable weights. */
const ASSET_LOADER = /(Tokenizer|Processor|FeatureExtractor|Config)\w*$/;

/**
 * Library constructors load weights only when asked: torchvision and timm default to random
 * initialisation (`weights=None`, `pretrained=False`), Keras applications to ImageNet weights.
 */
function loadsWeights(call: CallFact, byDefault: boolean): boolean {
  const weights = argument(call, 'weights');
  if (weights) return !(weights.hasLiteral && weights.literal === null);
  const pretrained = argument(call, 'pretrained');
  if (pretrained) return !(pretrained.hasLiteral && pretrained.literal === false);
  return byDefault;
}

function kindOf(facts: Facts, call: CallFact, modules: Set<string>): Kind | undefined {
  const n = call.name;
  if (call.method === 'from_pretrained') return ASSET_LOADER.test(call.receiver ?? '') ? 'files' : 'pretrained';
  if (!call.imported) return modules.has(n) && isTrainedModule(facts, call) ? 'model' : undefined;
  // Every kind below is a torch, timm or Keras name: skip the patterns for everything else.
  if (!n.startsWith('torch') && n !== 'timm.create_model' && !n.includes('keras.')) return undefined;
  if (n.startsWith('torchvision.models.') && !TORCHVISION_LOOKUP.test(n)) return loadsWeights(call, false) ? 'pretrained' : 'model';
  if (n === 'timm.create_model') return loadsWeights(call, false) ? 'pretrained' : 'model';
  if (KERAS_APPLICATION.test(n)) return loadsWeights(call, true) ? 'pretrained' : 'model';
  if (KERAS_SEQUENTIAL.test(n)) return 'model';
  if (KERAS_FUNCTIONAL.test(n)) return 'graph';
  if (/^torch\.optim\.lr_scheduler\.[A-Z]\w*$/.test(n)) return 'scheduler';
  if (/^torch\.optim\.[A-Z]\w*$/.test(n)) return 'optimizer';
  if (n === 'torch.utils.data.DataLoader' || n === 'torch.utils.data.dataloader.DataLoader') return 'loader';
  return undefined;
}

/**
 * A same-file module counts as a model when the file optimises it (`opt = SGD(net.parameters())`);
 * a loss, metric or augmentation module, or one built and called at once, is not.
 */
function isTrainedModule(facts: Facts, call: CallFact): boolean {
  if (HELPER_MODULE.test(call.name) || call.resultCalled) return false;
  return call.assignedTo.some((name) => facts.calls.some((c) => c.receiver === name && c.method === 'parameters'));
}

const mentions = (text: string, names: Set<string>) => [...text.matchAll(/(?<![\w.])[A-Za-z_]\w*/g)].some((m) => names.has(m[0]));

/** Names that change from one iteration to the next: the loop variables and what the body assigns before the call. */
function perIterationNames(loop: LoopFact, before: number): Set<string> {
  const names = new Set<string>((loop.target ?? '').split(/[\s,()[\]]+/).filter(Boolean));
  for (const a of loop.assignments) {
    if (a.range.startIndex >= before) continue;
    for (const t of a.target.split(/[\s,()[\]]+/)) if (/^\w+$/.test(t)) names.add(t);
  }
  return names;
}

/** Loops that take optimisation steps in their own body: `backward()`, `optimizer.step()`, `train_on_batch`. */
function steppingLoops(facts: Facts): Set<number> {
  const ids = new Set<number>();
  for (const c of facts.calls) {
    const innermost = c.loopIds[c.loopIds.length - 1];
    if (innermost !== undefined && (isStepCall(c) || c.method === 'train_on_batch')) ids.add(innermost);
  }
  return ids;
}

/** `num_workers` set to anything but a literal 0 (a variable may well be positive). */
function spawnsWorkers(call: CallFact): boolean {
  const workers = argument(call, 'num_workers');
  return workers !== undefined && !(workers.hasLiteral && workers.literal === 0);
}

/** Names of epoch and step loops (`batch_size` is a hyper-parameter, not a batch loop). */
const EPOCH_LOOP = /epoch|\bep\b|steps?\b|iter|\bbatch(es)?\b|\bbatch_(idx|id|i)\b|loader/i;
/** Loops that train one fresh model per fold or per target column on purpose. */
const FOLD_LOOP = /fold|split|kfold|\bcv\b|target|column|\bcols?\b|task/i;
/** Loops that search hyper-parameters, where re-initialising is the point. */
const SEARCH_LOOP = /\blrs?\b|learning_rate|hparam|hyper|param|config|cfg|trial|grid|search|sweep|seed|combo|weight_decay|dropout|batch_size/i;

/**
 * Where the construction sits relative to training: in the loop that steps, in
 * a loop named after epochs/steps that trains, or in the direct parent of the
 * stepping loop. Anything further out (a fold loop around the epoch loop) is
 * building one model per run, which is what it should do.
 */
interface Placement {
  severity: Severity;
  /** The loop looks like a hyper-parameter search, where a fresh start may be the point. */
  search: boolean;
}

function placementOf(facts: Facts, stepping: Set<number>, call: CallFact, loop: LoopFact, kind: Kind): Placement | undefined {
  const names = `${loop.target ?? ''} ${loop.iterText ?? ''}`;
  const varying = perIterationNames(loop, call.range.startIndex);
  // An optimizer, scheduler or loader over objects rebuilt in this iteration (a fresh model, a
  // per-batch adversarial perturbation, this epoch's resampled dataset) has to be rebuilt too.
  const primary = kind === 'optimizer' ? argument(call, 'params', 0) : kind === 'scheduler' ? argument(call, 'optimizer', 0) : kind === 'loader' ? argument(call, 'dataset', 0) : undefined;
  if (primary && mentions(primary.text, varying)) return undefined;
  if (stepping.has(loop.id)) return { severity: 'warning', search: false };
  // Once per epoch, a loader without worker processes costs little to rebuild.
  const perEpoch: Placement = { severity: kind === 'loader' && !spawnsWorkers(call) ? 'information' : 'warning', search: false };
  // The loop variable decides first: `for fold, (train_loader, _) in …` is a fold loop whatever it iterates.
  const target = loop.target ?? '';
  const epochLike = !FOLD_LOOP.test(target) && !SEARCH_LOOP.test(target) && EPOCH_LOOP.test(names);
  if ((loop.trains || loop.containsTraining) && epochLike) return perEpoch;
  const parentOfStepLoop = [...stepping].some((id) => facts.loops[id].parentLoopId === loop.id);
  if (!parentOfStepLoop) return undefined;
  if (FOLD_LOOP.test(names)) return undefined;
  const deliberate = SEARCH_LOOP.test(names) || call.args.some((a) => mentions(a.text, varying));
  return deliberate ? { severity: 'information', search: true } : perEpoch;
}

const COST: Record<Kind, string> = {
  pretrained: 'reloads the pretrained weights from disk (or the network) and replaces the model the previous iterations trained',
  files: 're-reads its files from disk (or the network) and rebuilds the same object every time',
  model: 'allocates and randomly initialises a new model, restarting training from scratch and wasting the earlier iterations',
  graph: 'builds a new Keras model graph, which is traced and compiled again when it is next used, even if its layers are reused',
  optimizer: 'starts an optimizer with empty state (no momentum or adaptive moment estimates), which slows convergence so that more epochs are needed',
  scheduler: 'restarts the learning-rate schedule from its first value, so the schedule never progresses',
  loader: 'rebuilds the loader and its sampler, and with `num_workers > 0` starts a fresh set of worker processes',
};

const INSTEAD: Record<Kind, string> = {
  pretrained: 'Load it once before the loop and reuse it.',
  files: 'Load it once before the loop and reuse it.',
  model: 'Build it once before the loop and reuse it.',
  graph: 'Build it once before the loop and reuse it.',
  optimizer: 'Create it once before the loop; change the learning rate through `optimizer.param_groups` or an `lr_scheduler`.',
  scheduler: 'Create it once before the loop and call `scheduler.step()` inside it.',
  loader: 'Create it once before the loop (with `persistent_workers=True` to keep workers alive between epochs).',
};

const SOURCE: Record<Kind, string> = {
  pretrained: 'Source: Hugging Face Transformers docs, "Models" (`from_pretrained` loads the configuration and weights each time it is called).',
  files: 'Source: Hugging Face Transformers docs, "Models" and "Tokenizer" (`from_pretrained` reads its files each time it is called).',
  model: 'Source: PyTorch `torch.nn` docs, "Module" (a new module starts from freshly initialised parameters).',
  graph: 'Source: TensorFlow guide, "Better performance with tf.function" (a new model object is traced again).',
  optimizer: 'Source: PyTorch `torch.optim` docs (an optimizer keeps per-parameter state, such as momentum buffers, in its `state_dict`).',
  scheduler: 'Source: PyTorch `torch.optim` docs, "How to adjust learning rate" (the scheduler is created once and stepped every epoch).',
  loader: 'Source: PyTorch `torch.utils.data` docs (`persistent_workers=True` keeps worker processes alive after the dataset has been consumed once).',
};

/**
 * GL205: a model, pretrained checkpoint, optimizer, scheduler or DataLoader
 * constructed inside the epoch or batch loop, so its cost is paid and its
 * state lost on every iteration.
 */
export const constructionInLoop: Rule = {
  meta: {
    code: 'GL205',
    name: 'construction-in-loop',
    family: 'GL2',
    summary: 'A model, optimizer or DataLoader is constructed inside the epoch or batch loop instead of once before it.',
    defaultSeverity: 'warning',
    languages: ['python'],
    fixable: false,
  },
  check(facts) {
    const reports: RuleReport[] = [];
    const modules = localModuleClasses(facts);
    const stepping = steppingLoops(facts);
    for (const call of facts.calls) {
      const loopId = call.loopIds[call.loopIds.length - 1];
      // A construction behind a condition (`if epoch == warmup:`) happens on purpose, now and then.
      if (loopId === undefined || call.guards.length > 0) continue;
      const loop = facts.loops[loopId];
      if (loop.kind === 'comprehension') continue;
      const kind = kindOf(facts, call, modules);
      if (!kind) continue;
      const placement = placementOf(facts, stepping, call, loop, kind);
      if (!placement) continue;
      const what = facts.text.slice(call.calleeRange.startIndex, call.calleeRange.endIndex);
      reports.push({
        range: call.calleeRange,
        severity: placement.severity,
        message:
          placement.search
            ? `\`${what}(…)\` is rebuilt on every iteration of what looks like a hyper-parameter search; if each trial should start fresh this is intended. ` +
              'Otherwise it ' + COST[kind] + '. ' + INSTEAD[kind] + ' ' + SOURCE[kind]
            : `\`${what}(…)\` sits inside the training loop: every iteration it ${COST[kind]}. ${INSTEAD[kind]} ${SOURCE[kind]}`,
      });
    }
    return reports;
  },
};
