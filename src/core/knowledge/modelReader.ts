/**
 * Typed questions over the model table (./models): which entry a name means,
 * which figures apply, and how a model compares with its lighter sibling.
 * Rules, estimates and reports read the table only through these functions.
 */
import { LANGUAGE_MODELS, VISION_MODELS, type LanguageModel, type Score, type VisionLibrary, type VisionModel } from './models';

/** Figures of one vision model, resolved through `sameAs` and a weights tag. */
export interface VisionFigures {
  paramsM?: number;
  gflops?: number;
  top1?: number;
  inputPx?: number;
  /** torchvision weights tag the figures belong to. */
  tag?: string;
  cpuMs?: number;
  gpuMs?: number;
  source: string;
}

export interface VisionComparison {
  from: VisionFigures;
  to: VisionFigures;
  /** A better-scoring weights tag of the lighter model at the same cost, e.g. resnet50 IMAGENET1K_V2. */
  toBest?: { tag: string; top1: number };
}

const visionIndex = new Map(VISION_MODELS.map((m) => [`${m.library}:${m.name}`, m]));

/** The table entry for a constructor or registry name in a library, if any. */
export function visionModel(library: VisionLibrary, name: string): VisionModel | undefined {
  return visionIndex.get(`${library}:${name}`);
}

/**
 * Figures for a model. torchvision figures belong to `tag` when the model has
 * it, else to the reference weights (the first, at 224 px where one exists);
 * timm models take the params and FLOPs of the torchvision architecture they
 * match, and no accuracy (timm weights vary).
 */
export function visionFigures(model: VisionModel, tag?: string): VisionFigures {
  if (model.library === 'keras') {
    return { paramsM: model.paramsM, top1: model.top1, cpuMs: model.cpuMs, gpuMs: model.gpuMs, source: model.source };
  }
  if (model.sameAs) {
    const base = visionModel('torchvision', model.sameAs);
    const f = base ? visionFigures(base, tag) : { source: model.source };
    return { paramsM: f.paramsM, gflops: f.gflops, inputPx: f.inputPx, source: model.source };
  }
  const weights = model.weights ?? [];
  const chosen = weights.find((x) => x.tag === tag) ?? weights[0];
  if (!chosen) return { source: model.source };
  return { paramsM: chosen.paramsM, gflops: chosen.gflops, top1: chosen.top1, inputPx: chosen.inputPx, tag: chosen.tag, source: model.source };
}

/**
 * Compares a model with a lighter one on the same footing: the same weights
 * tag when both have it (the call's tag first, then the heavy model's
 * reference), else each model's reference figures.
 */
export function compareVision(heavy: VisionModel, light: VisionModel, tag?: string): VisionComparison {
  const heavyRef = visionFigures(heavy, tag);
  const shared = [tag, heavyRef.tag].find((t) => t !== undefined && hasTag(heavy, t) && hasTag(light, t));
  const from = visionFigures(heavy, shared ?? tag);
  const to = visionFigures(light, shared);
  let toBest: VisionComparison['toBest'];
  if (light.library === 'torchvision' && to.top1 !== undefined) {
    for (const x of light.weights ?? []) {
      // Only weights evaluated at the same cost: a bigger crop is a different trade.
      if (x.gflops === to.gflops && x.top1 > (toBest?.top1 ?? to.top1)) toBest = { tag: x.tag, top1: x.top1 };
    }
  }
  return { from, to, toBest };
}

function hasTag(model: VisionModel, tag: string): boolean {
  return (model.weights ?? []).some((x) => x.tag === tag);
}

/** Whether renaming `from` to `to` keeps the code working: same family and same head width. */
export function isDropIn(from: VisionModel, to: VisionModel): boolean {
  return from.library === to.library && from.family === to.family && from.headWidth !== undefined && from.headWidth === to.headWidth;
}

const languageIndex = new Map<string, LanguageModel>();
for (const m of LANGUAGE_MODELS) for (const id of [m.id, ...m.aliases]) languageIndex.set(id.toLowerCase(), m);

/** The table entry for a Hugging Face checkpoint id or one of its aliases (case-insensitive). */
export function languageModel(id: string): LanguageModel | undefined {
  return languageIndex.get(id.trim().toLowerCase());
}

/** The part of a hub id after its namespace: `deepset/roberta-large-squad2` → `roberta-large-squad2`. */
function repoName(id: string): string {
  const slash = id.lastIndexOf('/');
  return (slash < 0 ? id : id.slice(slash + 1)).toLowerCase();
}

/**
 * The heavy base model a derived checkpoint belongs to, judged by name:
 * `bert-large-uncased-whole-word-masking-finetuned-squad` → bert-large-uncased,
 * `deepset/roberta-large-squad2` → roberta-large. Only heavy bases count, by
 * their id or name stem followed by `-`; the longest match wins.
 */
export function heavyLanguageFamily(id: string): LanguageModel | undefined {
  const name = repoName(id);
  let best: LanguageModel | undefined;
  let bestLength = 0;
  for (const m of LANGUAGE_MODELS) {
    if (!m.heavy) continue;
    for (const prefix of [repoName(m.id), m.stem]) {
      if (prefix && (name === prefix || name.startsWith(prefix + '-')) && prefix.length > bestLength) {
        best = m;
        bestLength = prefix.length;
      }
    }
  }
  return best;
}

/** Billions of parameters stated in a checkpoint's name (`Llama-2-70b-hf` → 70), if any. */
export function sizeFromName(id: string): number | undefined {
  const m = /(?:^|[-_.])(\d+(?:\.\d+)?)b(?=$|[-_.])/i.exec(repoName(id));
  return m ? Number(m[1]) : undefined;
}

/** Parameters (millions) of a checkpoint: from the table, else from a size in its name. */
export function checkpointParamsM(id: string): number | undefined {
  const entry = languageModel(id);
  if (entry) return entry.paramsM;
  const billions = sizeFromName(id);
  return billions === undefined ? undefined : billions * 1000;
}

/**
 * The id of `sibling` written the way the user wrote theirs: namespaced
 * (`google-bert/bert-base-uncased`) when theirs was, bare otherwise.
 */
export function idInStyleOf(sibling: LanguageModel, written: string): string {
  const ids = [sibling.id, ...sibling.aliases];
  const namespaced = written.includes('/');
  return ids.find((x) => x.includes('/') === namespaced) ?? sibling.id;
}

/** A benchmark both models report, with the two values. */
export function sharedScore(a: LanguageModel, b: LanguageModel): { benchmark: string; from: Score; to: Score } | undefined {
  for (const s of a.scores ?? []) {
    const t = (b.scores ?? []).find((x) => x.benchmark === s.benchmark);
    if (t) return { benchmark: s.benchmark, from: s, to: t };
  }
  return undefined;
}
