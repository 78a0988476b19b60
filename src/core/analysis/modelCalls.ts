/**
 * Recognises calls that build a pretrained vision model — torchvision
 * builders, `torchvision.models.get_model("…")`, `torch.hub.load("pytorch/vision", "…")`,
 * `timm.create_model("…")`, Keras Applications — and reads what their
 * weights arguments say. Shared by GL101 (heavy model) and GL104 (training
 * from scratch) so both rules agree on what a model construction is.
 */
import type { ArgFact, CallFact, Facts } from './facts';
import { argument, callGroups, hasUnpackedArguments, pointRange } from './ruleHelpers';
import type { Range } from './types';
import { visionModel } from '../knowledge/modelReader';
import type { VisionLibrary, VisionModel } from '../knowledge/models';

export type ConstructionKind = 'builder' | 'get_model' | 'hub' | 'timm' | 'keras';

export interface VisionConstruction {
  call: CallFact;
  kind: ConstructionKind;
  library: VisionLibrary;
  /** The constructor or registry name, without a timm weights tag. */
  name: string;
  /** The table entry, when the name is in it. */
  model?: VisionModel;
  /** The argument holding the name, for `get_model`, hub and timm calls. */
  nameArg?: ArgFact;
  /** A timm pretrained tag such as `a1h_in1k` (`resnet152.a1h_in1k`). */
  timmTag?: string;
  /** Submodule in the callee, e.g. `resnet` in `torchvision.models.resnet.resnet152`. */
  module?: string;
}

const TORCHVISION_BUILDER = /^torchvision\.models\.(?:(\w+)\.)?(\w+)$/;
const KERAS_APPLICATION = /^(?:tensorflow\.)?(?:compat\.v\d\.)?keras\.applications\.(?:(\w+)\.)?([A-Z]\w*)$/;
/** torchvision.models functions that are not model builders. */
const NOT_BUILDERS = new Set(['get_model', 'get_weight', 'get_model_weights', 'get_model_builder', 'list_models']);

function stringLiteral(arg: ArgFact | undefined): string | undefined {
  return arg && typeof arg.literal === 'string' ? arg.literal : undefined;
}

/** Whether a qualified name can be a vision model construction at all (the arguments decide the rest). */
export function mayConstructVision(name: string): boolean {
  return (
    name === 'torchvision.models.get_model' ||
    name === 'torch.hub.load' ||
    name === 'timm.create_model' ||
    name === 'timm.models.create_model' ||
    TORCHVISION_BUILDER.test(name) ||
    KERAS_APPLICATION.test(name)
  );
}

/**
 * The imported calls that may construct a vision model, in source order:
 * tested once per distinct name rather than once per call.
 */
export function visionCandidates(facts: Facts): CallFact[] {
  return callGroups(facts)
    .filter((g) => g.imported && mayConstructVision(g.name))
    .flatMap((g) => g.calls)
    .sort((a, b) => a.id - b.id);
}

/** The vision model a call constructs, or undefined when it is not one (or not imported library code). */
export function visionConstruction(call: CallFact): VisionConstruction | undefined {
  if (!call.imported) return undefined;
  if (call.name === 'torchvision.models.get_model') {
    const nameArg = argument(call, 'name', 0);
    const name = stringLiteral(nameArg);
    if (name === undefined) return undefined;
    return { call, kind: 'get_model', library: 'torchvision', name, model: visionModel('torchvision', name), nameArg };
  }
  if (call.name === 'torch.hub.load') {
    const repo = stringLiteral(argument(call, 'repo_or_dir', 0));
    const nameArg = argument(call, 'model', 1);
    const name = stringLiteral(nameArg);
    if (!repo || !/^pytorch\/vision(:|$)/.test(repo) || name === undefined) return undefined;
    return { call, kind: 'hub', library: 'torchvision', name, model: visionModel('torchvision', name), nameArg };
  }
  if (call.name === 'timm.create_model' || call.name === 'timm.models.create_model') {
    const nameArg = argument(call, 'model_name', 0);
    const written = stringLiteral(nameArg);
    if (written === undefined) return { call, kind: 'timm', library: 'timm', name: '', nameArg };
    // `hf-hub:timm/resnet152.a1h_in1k` and `timm/resnet152.a1h_in1k` name the same architecture.
    const bare = written.replace(/^hf[-_]hub:/, '').replace(/^timm\//, '');
    const dot = bare.indexOf('.');
    const name = dot < 0 ? bare : bare.slice(0, dot);
    const timmTag = dot < 0 ? undefined : bare.slice(dot + 1);
    return { call, kind: 'timm', library: 'timm', name, model: visionModel('timm', name), nameArg, timmTag };
  }
  let m = TORCHVISION_BUILDER.exec(call.name);
  if (m && !NOT_BUILDERS.has(m[2]) && /^[a-z]/.test(m[2])) {
    const model = visionModel('torchvision', m[2]);
    // Submodules (detection, segmentation, video, quantization) hold other kinds of
    // models; only a table entry's own submodule is accepted there.
    if (m[1] && !model?.modules?.includes(m[1])) return undefined;
    return { call, kind: 'builder', library: 'torchvision', name: m[2], model, module: m[1] };
  }
  m = KERAS_APPLICATION.exec(call.name);
  if (m) return { call, kind: 'keras', library: 'keras', name: m[2], model: visionModel('keras', m[2]), module: m[1] };
  return undefined;
}

/**
 * What the weights arguments say:
 * - `default`: nothing chosen beyond the library default or its generic choices
 *   (no argument, `weights=None`, `"DEFAULT"`, `pretrained=True/False`, Keras `"imagenet"`);
 * - `enumDefault`: `…<Model>_Weights.DEFAULT`, renameable along with the builder;
 * - `specific`: a particular weights tag or file, which a rename would not carry over;
 * - `unknown`: a variable, `**kwargs` or anything we cannot read.
 */
export type WeightsChoice =
  | { kind: 'default'; scratch: boolean; tag?: string }
  | { kind: 'enumDefault'; arg: ArgFact }
  | { kind: 'specific'; tag?: string }
  | { kind: 'unknown' };

export function weightsChoice(c: VisionConstruction): WeightsChoice {
  const call = c.call;
  if (hasUnpackedArguments(call)) return { kind: 'unknown' };
  if (c.kind === 'keras') {
    const weights = argument(call, 'weights', 1);
    if (!weights) return { kind: 'default', scratch: false };
    if (!weights.hasLiteral) return { kind: 'unknown' };
    if (weights.literal === null) return { kind: 'default', scratch: true };
    return weights.literal === 'imagenet' ? { kind: 'default', scratch: false } : { kind: 'specific' };
  }
  if (c.kind === 'timm') {
    if (argument(call, 'checkpoint_path') || argument(call, 'pretrained_cfg') || argument(call, 'pretrained_cfg_overlay')) {
      return { kind: 'specific' };
    }
    if (c.timmTag !== undefined) return { kind: 'specific', tag: c.timmTag };
    const pretrained = argument(call, 'pretrained', 1);
    if (!pretrained) return { kind: 'default', scratch: false };
    return typeof pretrained.literal === 'boolean' ? { kind: 'default', scratch: !pretrained.literal } : { kind: 'unknown' };
  }
  // torchvision builders take keyword-only arguments today; old releases took `pretrained` first.
  const weights = argument(call, 'weights');
  const pretrained = argument(call, 'pretrained') ?? (c.kind === 'builder' ? argument(call, 'pretrained', 0) : undefined);
  if (weights) {
    if (weights.hasLiteral) {
      if (weights.literal === null) return { kind: 'default', scratch: true };
      if (weights.literal === 'DEFAULT') return { kind: 'default', scratch: false };
      return typeof weights.literal === 'string' ? { kind: 'specific', tag: weights.literal } : { kind: 'unknown' };
    }
    const enumMatch = /(\w+_Weights)\.(\w+)$/.exec(weights.text.replace(/\s+/g, ''));
    if (!enumMatch) return { kind: 'unknown' };
    if (enumMatch[2] === 'DEFAULT') return { kind: 'enumDefault', arg: weights };
    return { kind: 'specific', tag: enumMatch[2] };
  }
  if (pretrained) {
    if (typeof pretrained.literal !== 'boolean') return { kind: 'unknown' };
    // The legacy `pretrained=True` loads the first (V1) weights.
    return pretrained.literal ? { kind: 'default', scratch: false, tag: 'IMAGENET1K_V1' } : { kind: 'default', scratch: true };
  }
  return { kind: 'default', scratch: false };
}

/** A range over `[start, end)` offsets of the file. */
export function spanRange(facts: Facts, start: number, end: number): Range {
  const a = pointRange(facts, start);
  const b = pointRange(facts, end);
  return { start: a.start, end: b.end, startIndex: start, endIndex: end };
}

/** The range where a construction's finding is shown: the written model name. */
export function constructionRange(c: VisionConstruction): Range {
  return c.nameArg?.range ?? c.call.calleeRange;
}

/**
 * Names a call's result ends up in, following method chains on the result:
 * `teacher = models.resnet152(weights="DEFAULT").eval().to(device)` → `teacher`.
 */
export function assignedNames(facts: Facts, call: CallFact): string[] {
  const names = [...call.assignedTo];
  const chained = chainedCalls(facts);
  let current = call;
  for (let depth = 0; depth < 8; depth++) {
    const next = chained.get(current.id);
    if (!next) break;
    names.push(...next.assignedTo);
    current = next;
  }
  return names;
}

const chainedCallsCache = new WeakMap<Facts, Map<number, CallFact>>();

/** By call id, the first call made on that call's result (`.eval()` on `resnet152()`), indexed once per file. */
function chainedCalls(facts: Facts): Map<number, CallFact> {
  let map = chainedCallsCache.get(facts);
  if (!map) {
    map = new Map();
    for (const c of facts.calls) if (c.receiverCallId !== undefined && !map.has(c.receiverCallId)) map.set(c.receiverCallId, c);
    chainedCallsCache.set(facts, map);
  }
  return map;
}
