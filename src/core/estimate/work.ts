/**
 * The work of each training entry point of a file, in FLOPs:
 * 3 × forward FLOPs per sample × samples per epoch × epochs (the backward
 * pass costs about twice the forward: Kaplan et al. 2020, "Scaling Laws for
 * Neural Language Models", §2.1), or 6 × parameters × tokens for language
 * models (same source).
 */
import type { CallFact, Facts, LoopFact } from '../analysis/facts';
import { isFitCall } from '../analysis/training';
import { modelSize } from '../analysis/modelSize';
import { visionCandidates, visionConstruction } from '../analysis/modelCalls';
import { checkpointParamsM, languageModel, visionFigures } from '../knowledge/modelReader';
import { lookupDataset } from '../knowledge/datasets';
import type { Assumption } from './index';
import { ValueReader, type Sourced } from './values';

export type ModelClass = 'conv' | 'transformer' | 'mlp';

export interface ModelWork {
  name: string;
  /** FLOPs of one training sample (forward + backward). */
  trainFlopsPerSample: number;
  modelClass: ModelClass;
  assumptions: Assumption[];
  /** For the lighter-model saving: the vision table entry and resolution scale. */
  vision?: { library: 'torchvision' | 'timm' | 'keras'; name: string; scale: number };
}

export interface EntryWork {
  line: number;
  entry: string;
  flops: number;
  epochs: number;
  samplesPerEpoch: number;
  model: ModelWork;
  assumptions: Assumption[];
}

/**
 * torchvision's "GFLOPS" column counts one multiply-add as one operation
 * (fvcore's convention); training arithmetic counts two.
 */
const FLOPS_PER_MAC = 2;
const KAPLAN = 'Kaplan et al. 2020, Scaling Laws for Neural Language Models, §2.1';
const DEFAULT_TOKENS = 128;

function lineOf(call: { range: { start: { line: number } } }): number {
  return call.range.start.line;
}

/** The input side a transform fixes (`RandomResizedCrop(224)`, `Resize(32)`), else the dataset's. */
function inputPx(facts: Facts, reader: ValueReader, datasetPx?: number): { px: number; source: string } | undefined {
  for (const c of facts.calls) {
    const last = c.name.slice(c.name.lastIndexOf('.') + 1);
    if (!/^(RandomResizedCrop|Resize|CenterCrop|RandomCrop)$/.test(last)) continue;
    const size = reader.argNumber(c, 'size', 0);
    if (size) return { px: size.value, source: `${last}(${size.value}) in the script` };
  }
  return datasetPx ? { px: datasetPx, source: 'the dataset\'s image size' } : undefined;
}

interface DatasetUse {
  samples: Sourced;
  px?: number;
  name: string;
}

function datasetOf(facts: Facts, reader: ValueReader): DatasetUse | undefined {
  for (const c of facts.calls) {
    let key: string | undefined;
    const tv = /^torchvision\.datasets\.(\w+)$/.exec(c.name);
    const keras = /keras\.datasets\.(\w+)\.load_data$/.exec(c.name);
    if (tv) key = tv[1];
    else if (keras) key = keras[1];
    else if (/(^|\.)load_dataset$/.test(c.name)) {
      const parts = c.args.filter((a) => a.keyword === undefined && typeof a.literal === 'string').map((a) => a.literal as string);
      key = parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0];
      if (key && !lookupDataset(key) && parts.length > 1) key = parts[1];
    }
    const d = key ? lookupDataset(key) : undefined;
    if (d) return { name: d.name, px: d.imagePx, samples: { value: d.trainSamples, source: d.source } };
  }
  // Synthetic data: the largest first dimension of a literal-shaped tensor.
  let best: Sourced | undefined;
  for (const c of facts.calls) {
    if (!/^torch\.(randn|rand|randint|zeros|ones|empty)$/.test(c.name)) continue;
    const args = c.args.filter((a) => a.keyword === undefined && !a.splat);
    const first = c.name === 'torch.randint' ? args.find((a) => a.elements) : args[0];
    const n = first?.elements ? reader.number(first.elements[0]) : reader.number(first?.text);
    if (n && args.length >= (c.name === 'torch.randint' ? 1 : 2) && (!best || n.value > best.value)) {
      best = { value: n.value, source: `first dimension of ${c.name}(${args.map((a) => a.text).join(', ')}) (${n.source})` };
    }
  }
  return best ? { name: 'tensors built in the script', samples: best } : undefined;
}

function modelOf(facts: Facts, reader: ValueReader, dataset: DatasetUse | undefined): ModelWork | undefined {
  for (const call of visionCandidates(facts)) {
    const c = visionConstruction(call);
    if (!c?.model) continue;
    const f = visionFigures(c.model);
    if (f.gflops === undefined || f.inputPx === undefined) continue;
    const px = inputPx(facts, reader, dataset?.px);
    const scale = px ? (px.px / f.inputPx) ** 2 : 1;
    const forward = f.gflops * 1e9 * FLOPS_PER_MAC * scale;
    return {
      name: c.name,
      modelClass: 'conv',
      trainFlopsPerSample: 3 * forward,
      vision: { library: c.library, name: c.name, scale },
      assumptions: [
        { name: 'model', value: `${c.name}: ${f.gflops} GMACs per image at ${f.inputPx} px, ${f.paramsM} M parameters`, source: f.source },
        { name: 'forward FLOPs', value: `${fmt(forward)} per sample = ${f.gflops} G × ${FLOPS_PER_MAC} FLOPs per multiply-add${px ? ` × (${px.px}/${f.inputPx})²` : ''}`, source: px ? `input size: ${px.source}` : 'reference resolution of the table' },
        { name: 'training FLOPs per sample', value: '3 × forward (backward ≈ 2 × forward)', source: KAPLAN },
      ],
    };
  }
  for (const call of facts.calls) {
    if (call.method !== 'from_pretrained') continue;
    const id = call.args.find((a) => a.keyword === undefined && typeof a.literal === 'string')?.literal as string | undefined;
    const paramsM = id ? checkpointParamsM(id) : undefined;
    if (!id || paramsM === undefined || /Tokenizer|Processor|Config/.test(call.receiver ?? '')) continue;
    let tokens: Sourced = { value: DEFAULT_TOKENS, source: 'assumed: no max_length in the script' };
    for (const c of facts.calls) {
      const n = reader.argNumber(c, 'max_length');
      if (n) tokens = n;
    }
    return {
      name: id,
      modelClass: 'transformer',
      trainFlopsPerSample: 6 * paramsM * 1e6 * tokens.value,
      assumptions: [
        { name: 'model', value: `${id}: ${paramsM} M parameters`, source: languageModel(id)?.source ?? `the size in the checkpoint's name (${id})` },
        { name: 'tokens per sample', value: String(tokens.value), source: tokens.source },
        { name: 'training FLOPs per sample', value: '6 × parameters × tokens', source: KAPLAN },
      ],
    };
  }
  const size = modelSize(facts);
  if (size.kind === 'fully-connected') {
    // A linear layer does one multiply-add per weight per sample.
    const forward = 2 * size.parameters;
    return {
      name: `fully-connected network (${size.parameters.toLocaleString('en-US')} parameters)`,
      modelClass: 'mlp',
      trainFlopsPerSample: 3 * forward,
      assumptions: [
        { name: 'model', value: `${size.parameters.toLocaleString('en-US')} parameters in nn.Linear layers with literal sizes`, source: 'counted from the script' },
        { name: 'forward FLOPs', value: `${fmt(forward)} per sample = 2 × parameters (one multiply-add per weight)`, source: KAPLAN },
        { name: 'training FLOPs per sample', value: '3 × forward (backward ≈ 2 × forward)', source: KAPLAN },
      ],
    };
  }
  return undefined;
}

/** Loops that train and are not inside another training loop of the same run (directly or through a same-file call). */
function entryLoops(facts: Facts): LoopFact[] {
  const byId = new Map(facts.loops.map((l) => [l.id, l]));
  const tops = facts.loops.filter((l) => l.containsTraining && !(l.parentLoopId !== undefined && byId.get(l.parentLoopId)?.containsTraining));
  const topIds = new Set(tops.map((l) => l.id));
  // A function called from inside a top training loop is part of that loop's work.
  const calledFromLoop = new Set<number>();
  for (const call of facts.calls) {
    if (call.imported || call.method || !call.loopIds.some((id) => topIds.has(id))) continue;
    for (const f of facts.functions) if (f.name === call.name) calledFromLoop.add(f.id);
  }
  return tops.filter((l) => l.functionId === undefined || !calledFromLoop.has(l.functionId));
}

function epochsOfLoop(loop: LoopFact, facts: Facts, reader: ValueReader): Sourced {
  const iter = loop.iterCallId !== undefined ? facts.calls.find((c) => c.id === loop.iterCallId) : undefined;
  if (iter && (iter.name === 'range' || iter.name === 'trange' || iter.name === 'tqdm.trange')) {
    const positional = iter.args.filter((a) => a.keyword === undefined);
    const stop = positional.length >= 2 ? positional[1] : positional[0];
    const start = positional.length >= 2 ? reader.number(positional[0].text) : { value: 0, source: '' };
    const n = reader.number(stop?.text);
    if (n && start) return { value: n.value - start.value, source: n.source };
  }
  return { value: 1, source: 'one pass: the loop iterates over the data itself' };
}

/** Keyword of the calls a Trainer or fit is configured with, resolved. */
function keywordOf(facts: Facts, reader: ValueReader, calls: (c: CallFact) => boolean, keyword: string): Sourced | undefined {
  for (const c of facts.calls) if (calls(c)) {
    const n = reader.argNumber(c, keyword);
    if (n) return n;
  }
  return undefined;
}

function fitEntries(facts: Facts, reader: ValueReader): { line: number; entry: string; epochs: Sourced }[] {
  const out: { line: number; entry: string; epochs: Sourced }[] = [];
  for (const call of facts.calls) {
    if (!isFitCall(call) || call.loopIds.length > 0) continue;
    if (call.method === 'fit' && /trainer$/i.test(call.receiver ?? '')) {
      const epochs = keywordOf(facts, reader, (c) => /(^|\.)Trainer$/.test(c.name), 'max_epochs') ?? { value: 1000, source: 'Lightning default max_epochs (1000) when neither max_epochs nor max_steps is set' };
      out.push({ line: lineOf(call), entry: `${call.receiver}.fit(...)`, epochs });
    } else if (call.method === 'fit') {
      const epochs = reader.argNumber(call, 'epochs') ?? { value: 1, source: 'Keras default epochs=1' };
      out.push({ line: lineOf(call), entry: `${call.receiver ?? 'model'}.fit(...)`, epochs });
    } else if (call.method === 'train') {
      const epochs = keywordOf(facts, reader, (c) => /(^|\.)TrainingArguments$/.test(c.name), 'num_train_epochs') ?? { value: 3, source: 'Hugging Face TrainingArguments default num_train_epochs=3' };
      out.push({ line: lineOf(call), entry: `${call.receiver}.train()`, epochs });
    }
  }
  return out;
}

/** The work of every training entry point the file has; empty when it has none or its model or data cannot be read. */
export function trainingWork(facts: Facts, scriptArgs: readonly string[] = []): EntryWork[] {
  const reader = new ValueReader(facts, scriptArgs);
  const entries = [
    ...entryLoops(facts).map((l) => ({ line: l.headerRange.start.line, entry: 'training loop', epochs: epochsOfLoop(l, facts, reader) })),
    ...fitEntries(facts, reader),
  ].sort((a, b) => a.line - b.line);
  if (entries.length === 0) return [];
  const dataset = datasetOf(facts, reader);
  const model = modelOf(facts, reader, dataset);
  if (!dataset || !model) return [];
  return entries.map((e) => ({
    line: e.line,
    entry: e.entry,
    epochs: e.epochs.value,
    samplesPerEpoch: dataset.samples.value,
    model,
    flops: model.trainFlopsPerSample * dataset.samples.value * e.epochs.value,
    assumptions: [
      ...model.assumptions,
      { name: 'samples per epoch', value: `${dataset.samples.value.toLocaleString('en-US')} (${dataset.name})`, source: dataset.samples.source },
      { name: 'epochs', value: String(e.epochs.value), source: e.epochs.source },
    ],
  }));
}

/** A count in engineering notation, e.g. "1.2e15 FLOPs". */
export function fmt(flops: number): string {
  return `${flops.toExponential(2)} FLOPs`;
}
