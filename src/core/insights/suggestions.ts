/**
 * The sidebar's "what would save the most" list: suggestions built from
 * analysis findings (lighter models, mixed precision, other findings that
 * carry figures) and compression recipes for files that train or save a
 * model (dynamic int8 quantization, half-precision export, pruning,
 * distillation), each with a snippet for the file's framework and every
 * figure with its source.
 *
 * Ranking: `savingRatio` is the relative saving of the suggestion's
 * headline figure. For changes to training (lighter model, mixed precision)
 * that is compute or time (FLOPs, step time; parameters for language models,
 * whose compute grows with them); for recipes applied to the trained model
 * (quantization, half-precision export, distillation) it is the model's size
 * or parameters, which every later load and inference pays for. "Up to"
 * figures count at face value and say so in the text. Pruning ranks at 0:
 * zeroed weights save nothing on dense kernels until the model is stored or
 * run sparse.
 */
import type { CallFact, Facts } from '../analysis/facts';
import { argument } from '../analysis/ruleHelpers';
import type { Finding, Saving, TextEdit } from '../analysis/types';
import { languageModel } from '../knowledge/modelReader';
import { sig } from '../report/units';
import type { Suggestion, SuggestionKind } from '../../shared/protocol';

export type Framework = NonNullable<Suggestion['framework']>;

/** One analysed file, as the host holds it after analysis. */
export interface FileInsightInput {
  /** Path relative to the workspace folder. */
  file: string;
  findings: readonly Finding[];
  /** The file's facts (from `analyzePython`); needed for the compression recipes and framework. */
  facts?: Facts;
}

export interface SuggestionOptions {
  /** Keep only the best `limit` suggestions. */
  limit?: number;
}

// ---------------------------------------------------------------- sources

const AMP_SOURCE =
  'PyTorch Performance Tuning Guide and Automatic Mixed Precision docs; NVIDIA Deep Learning Examples ("up to 3x overall speedup on the most arithmetically intense model architectures", Volta and newer)';
const KERAS_AMP_SOURCE = 'Keras mixed precision guide (more than 3× on modern GPUs, 60% on TPUs)';
const TORCH_QUANT_SOURCE =
  'PyTorch tutorial "(beta) Dynamic Quantization on BERT": bert-base-uncased fine-tuned on MRPC, FP32 438 MB / F1 0.9019 / 160 s vs INT8 181 MB / F1 0.902 / 90 s (1 thread, MacBook Pro)';
const TFLITE_SOURCE = 'TensorFlow Lite post-training quantization guide (dynamic range: 4× smaller, 2×–3× speed-up on CPU; float16: 2× smaller, GPU acceleration)';
const TORCH_PRUNE_SOURCE = 'PyTorch pruning tutorial (torch.nn.utils.prune)';
const TFMOT_PRUNE_SOURCE = 'TensorFlow Model Optimization pruning guide (MNIST example: 3× smaller gzip-compressed model from pruning, 10× with post-training quantization)';
const HALF_SOURCE = 'IEEE 754: a float16 value takes 2 bytes, a float32 value 4';

// ---------------------------------------------------------------- framework

/** The framework a file is written for, from its imports. */
export function frameworkOf(facts: Facts | undefined): Framework | undefined {
  if (!facts) return undefined;
  const has = (pkg: string) => facts.imports.some((i) => i.qualified === pkg || i.qualified.startsWith(pkg + '.'));
  if (has('transformers') || has('sentence_transformers')) return 'huggingface';
  if (has('tensorflow') || has('keras') || has('tf_keras')) return 'tensorflow';
  if (has('torch') || has('torchvision') || has('timm') || has('lightning') || has('pytorch_lightning')) return 'pytorch';
  if (has('sklearn')) return 'sklearn';
  return 'other';
}

// ---------------------------------------------------------------- from findings

const KIND_ORDER: readonly SuggestionKind[] = ['lighter-model', 'mixed-precision', 'quantization', 'distillation', 'pruning', 'training-hygiene', 'loop'];

function percentDown(ratio: number): string {
  const v = Math.round(Math.abs(ratio) * 100);
  return `${ratio <= 0 ? '−' : '+'}${v}%`;
}

function savingText(s: Saving): string {
  const unit = s.unit === 'M' ? 'M' : ` ${s.unit}`;
  return `${percentDown(s.ratio)} ${s.metric} (${sig(s.from)} → ${sig(s.to)}${unit})`;
}

/** The figure a finding is ranked by: compute first (FLOPs, step time), then size. */
function headline(savings: readonly Saving[]): Saving {
  const by = (re: RegExp) => savings.find((s) => re.test(s.metric) && s.ratio < 0);
  return by(/flop/i) ?? by(/gpu time/i) ?? by(/time/i) ?? by(/param/i) ?? savings[0];
}

/** The finding's line with its fix applied, when the fix edits only that line. */
function fixedLine(facts: Facts | undefined, finding: Finding): string | undefined {
  if (!facts || !finding.fix) return undefined;
  const line = finding.range.start.line;
  const start = facts.lineStarts[line];
  const end = line + 1 < facts.lineStarts.length ? facts.lineStarts[line + 1] : facts.text.length;
  const edits: TextEdit[] = finding.fix.edits;
  if (start === undefined || edits.some((e) => e.range.startIndex < start || e.range.endIndex > end)) return undefined;
  let text = facts.text.slice(start, end);
  for (const e of [...edits].sort((a, b) => b.range.startIndex - a.range.startIndex)) {
    text = text.slice(0, e.range.startIndex - start) + e.newText + text.slice(e.range.endIndex - start);
  }
  return text.trim();
}

function lighterModel(input: FileInsightInput, f: Finding): Suggestion | undefined {
  const savings = f.savings ?? [];
  if (!savings.length) return undefined;
  const main = headline(savings);
  const swap = /^(\S+) → (\S+?):/.exec(f.message);
  const sources = [...new Set(savings.map((s) => s.source))];
  const framework: Framework = f.code === 'GL102' ? 'huggingface' : frameworkOf(input.facts) === 'tensorflow' ? 'tensorflow' : 'pytorch';
  const suggestion: Suggestion = {
    kind: 'lighter-model',
    title: swap ? `Lighter model: ${swap[2]} instead of ${swap[1]}` : `Lighter model (${f.ruleName})`,
    saving: savings.map(savingText).join(', '),
    savingRatio: Math.max(0, -main.ratio),
    source: sources.join('; '),
    code: f.code,
    file: input.file,
    line: f.range.start.line,
    framework,
  };
  const snippet = fixedLine(input.facts, f);
  if (snippet) suggestion.snippet = snippet;
  return suggestion;
}

/** Up to 3× faster means up to 2/3 less time. */
const AMP_RATIO = 1 - 1 / 3;

function mixedPrecision(input: FileInsightInput, f: Finding): Suggestion {
  const base = { kind: 'mixed-precision' as const, code: f.code, file: input.file, line: f.range.start.line, savingRatio: AMP_RATIO };
  if (/Keras/.test(f.message)) {
    return {
      ...base,
      title: 'Train with Keras mixed precision',
      saving: 'more than 3× faster steps on modern GPUs (up to −67% time)',
      source: KERAS_AMP_SOURCE,
      framework: 'tensorflow',
      snippet: 'import keras\nkeras.mixed_precision.set_global_policy("mixed_float16")  # before building the model\n# keep the last layer in float32: layers.Activation("softmax", dtype="float32")',
    };
  }
  const saving = 'up to 3× faster training on Volta and newer NVIDIA GPUs (up to −67% time); little gain on older cards';
  if (/Lightning/.test(f.message)) {
    return { ...base, title: 'Train the Lightning model in mixed precision', saving, source: AMP_SOURCE, framework: 'pytorch', snippet: 'trainer = L.Trainer(accelerator="gpu", precision="bf16-mixed")  # or "16-mixed" before Ampere' };
  }
  if (/TrainingArguments/.test(f.message)) {
    return { ...base, title: 'Let the Trainer use mixed precision', saving, source: AMP_SOURCE, framework: 'huggingface', snippet: 'args = TrainingArguments(..., bf16=True)  # or fp16=True before Ampere' };
  }
  return {
    ...base,
    title: 'Train with automatic mixed precision',
    saving,
    source: AMP_SOURCE,
    framework: 'pytorch',
    snippet:
      'with torch.autocast("cuda", dtype=torch.bfloat16):  # float16 needs a GradScaler\n    output = model(inputs)\n    loss = criterion(output, targets)\nloss.backward()\noptimizer.step()',
  };
}

function familyKind(code: string): SuggestionKind {
  if (code.startsWith('GL1')) return 'lighter-model';
  if (code.startsWith('GL2') || code.startsWith('GL5')) return 'loop';
  return 'training-hygiene';
}

/** Any other finding that carries figures. */
function genericFinding(input: FileInsightInput, f: Finding): Suggestion | undefined {
  const savings = f.savings ?? [];
  if (!savings.length) return undefined;
  const main = headline(savings);
  return {
    kind: familyKind(f.code),
    title: f.fix?.title ?? `${f.code} ${f.ruleName}`,
    saving: savings.map(savingText).join(', '),
    savingRatio: Math.max(0, -main.ratio),
    source: [...new Set(savings.map((s) => s.source))].join('; '),
    code: f.code,
    file: input.file,
    line: f.range.start.line,
    framework: frameworkOf(input.facts),
  };
}

function fromFinding(input: FileInsightInput, f: Finding): Suggestion | undefined {
  if (f.code === 'GL101' || f.code === 'GL102') return lighterModel(input, f);
  if (f.code === 'GL304') return mixedPrecision(input, f);
  return genericFinding(input, f);
}

// ---------------------------------------------------------------- compression recipes

const NOT_A_MODEL = /(tokenizer|config|processor|feature_?extractor)(fast|_class|_cls)?$/i;
const SAVE_FUNCTIONS = new Set(['torch.save', 'tensorflow.saved_model.save', 'tensorflow.keras.models.save_model', 'keras.models.save_model', 'keras.saving.save_model']);

/** A call that writes a model to disk: torch.save, save_pretrained, model.save, tf.saved_model.save… */
export function isModelSave(call: CallFact): boolean {
  if (SAVE_FUNCTIONS.has(call.name)) return true;
  if (call.method === 'save_pretrained' || call.method === 'save_model') return !(call.receiver && NOT_A_MODEL.test(call.receiver));
  // `model.save("m.keras")`: the receiver names a model (a DataFrame or figure `.save` does not).
  return call.method === 'save' && call.receiver !== undefined && /(model|net|classifier|encoder|regressor)\w*$/i.test(call.receiver);
}

interface CompressionState {
  quantizes: boolean;
  prunes: boolean;
  halves: boolean;
  distils: boolean;
}

/** Compression steps the file already takes, so their recipes are not suggested again. */
function compressionState(facts: Facts): CompressionState {
  const names = facts.calls.map((c) => c.name);
  const imports = facts.imports.map((i) => i.qualified);
  const any = (re: RegExp) => names.some((n) => re.test(n)) || imports.some((n) => re.test(n));
  return {
    quantizes: any(/quantiz|TFLiteConverter|tensorflow_model_optimization/i) || facts.assignments.some((a) => /\.optimizations$/.test(a.target)),
    prunes: any(/\bprune|pruning|sparsity/i),
    // `.half()` or loading in half precision; autocast's dtype is mixed-precision training, not an export.
    halves: facts.calls.some((c) => c.method === 'half' || c.args.some((a) => a.keyword === 'torch_dtype' && /float16|half/.test(a.text))),
    distils: facts.stringLiterals.some((s) => /distil/i.test(s)) || facts.assignments.some((a) => /teacher/i.test(a.target)),
  };
}

/** Plain PyTorch base checkpoints and the distilled sibling the Distil* project made of each. */
const DISTILLED: Record<string, string> = {
  'bert-base-uncased': 'distilbert-base-uncased',
  'bert-base-cased': 'distilbert-base-cased',
  'roberta-base': 'distilroberta-base',
  gpt2: 'distilgpt2',
};

/** The first Hugging Face checkpoint the file loads by literal id, with its call. */
function loadedCheckpoint(facts: Facts): { id: string; call: CallFact } | undefined {
  for (const call of facts.calls) {
    if (call.method !== 'from_pretrained' || (call.receiver && NOT_A_MODEL.test(call.receiver))) continue;
    const arg = argument(call, 'pretrained_model_name_or_path', 0);
    if (arg && typeof arg.literal === 'string') return { id: arg.literal, call };
  }
  return undefined;
}

/** The file builds a convolutional network (nn.Conv*, a torchvision or timm image model). */
function buildsConvNet(facts: Facts): boolean {
  return facts.calls.some((c) => /^torch\.nn\.Conv[123]d$/.test(c.name) || (c.imported && c.name.startsWith('torchvision.models.')) || c.name === 'timm.create_model');
}

/** A compression recipe: a suggestion before it is placed at a file and line. */
type Recipe = Omit<Suggestion, 'file' | 'line'>;

function torchQuantization(framework: Framework, target: string, convNet: boolean): Recipe {
  // Dynamic quantization converts Linear and LSTM layers only, so the BERT figures do not carry over to a conv net.
  const saving = convNet
    ? 'converts only Linear and LSTM layers, so a convolutional network shrinks little (the BERT example\'s −59% size does not carry over); static quantization with calibration also covers convolutions'
    : 'BERT example: −59% model size (438 → 181 MB), −44% CPU inference time (160 → 90 s), F1 0.9019 → 0.902; converts Linear and LSTM layers';
  return {
    kind: 'quantization',
    title: 'Quantize the trained model to int8 (dynamic quantization)',
    saving,
    savingRatio: convNet ? 0 : 1 - 181 / 438,
    source: TORCH_QUANT_SOURCE,
    framework,
    snippet: `quantized = torch.ao.quantization.quantize_dynamic(${target}.cpu().eval(), {torch.nn.Linear}, dtype=torch.qint8)\ntorch.save(quantized.state_dict(), "model_int8.pt")`,
  };
}

function torchHalf(framework: Framework, target: string): Recipe {
  return {
    kind: 'quantization',
    title: 'Export the weights in half precision',
    saving: '−50% file size (2 bytes per weight instead of 4); check the outputs against float32 before shipping',
    savingRatio: 0.5,
    source: HALF_SOURCE,
    framework,
    snippet:
      framework === 'huggingface'
        ? `${target}.half().save_pretrained("model-fp16")  # or torch_dtype=torch.float16 when loading`
        : `torch.save({k: v.half() if v.is_floating_point() else v for k, v in ${target}.state_dict().items()}, "model_fp16.pt")`,
  };
}

function torchPruning(target: string): Recipe {
  return {
    kind: 'pruning',
    title: 'Prune the smallest weights after training',
    saving: 'zeroes a chosen share of weights (50% here); smaller and faster only when stored or run sparse, so measure accuracy and latency',
    savingRatio: 0,
    source: TORCH_PRUNE_SOURCE,
    framework: 'pytorch',
    snippet:
      'import torch.nn.utils.prune as prune\n' +
      `params = [(m, "weight") for m in ${target}.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]\n` +
      'prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=0.5)\n' +
      'for module, name in params:\n    prune.remove(module, name)  # make the zeros permanent',
  };
}

function tfliteQuantization(target: string): Recipe {
  return {
    kind: 'quantization',
    title: 'Convert to TensorFlow Lite with dynamic range quantization',
    saving: '4× smaller model (−75% size), 2×–3× faster CPU inference',
    savingRatio: 0.75,
    source: TFLITE_SOURCE,
    framework: 'tensorflow',
    snippet:
      `converter = tf.lite.TFLiteConverter.from_keras_model(${target})\n` +
      'converter.optimizations = [tf.lite.Optimize.DEFAULT]\n' +
      'open("model_int8.tflite", "wb").write(converter.convert())',
  };
}

function tfliteHalf(target: string): Recipe {
  return {
    kind: 'quantization',
    title: 'Export a float16 TensorFlow Lite model',
    saving: '2× smaller model (−50% size), runs on GPU delegates',
    savingRatio: 0.5,
    source: TFLITE_SOURCE,
    framework: 'tensorflow',
    snippet:
      `converter = tf.lite.TFLiteConverter.from_keras_model(${target})\n` +
      'converter.optimizations = [tf.lite.Optimize.DEFAULT]\n' +
      'converter.target_spec.supported_types = [tf.float16]\n' +
      'open("model_fp16.tflite", "wb").write(converter.convert())',
  };
}

function tfmotPruning(target: string): Recipe {
  return {
    kind: 'pruning',
    title: 'Fine-tune with magnitude pruning (TensorFlow Model Optimization)',
    saving: 'MNIST example: 3× smaller compressed model, 10× combined with quantization; saves no energy at run time on dense kernels',
    savingRatio: 0,
    source: TFMOT_PRUNE_SOURCE,
    framework: 'tensorflow',
    snippet:
      'import tensorflow_model_optimization as tfmot\n' +
      `pruned = tfmot.sparsity.keras.prune_low_magnitude(${target}, pruning_schedule=tfmot.sparsity.keras.ConstantSparsity(0.5, 0))\n` +
      'pruned.compile(...); pruned.fit(..., callbacks=[tfmot.sparsity.keras.UpdatePruningStep()])\n' +
      'final = tfmot.sparsity.keras.strip_pruning(pruned)',
  };
}

function distillation(id: string): Recipe | undefined {
  const base = languageModel(id);
  const student = base && DISTILLED[base.id] ? languageModel(DISTILLED[base.id]) : undefined;
  if (!base || !student) return undefined;
  const ratio = 1 - student.paramsM / base.paramsM;
  return {
    kind: 'distillation',
    title: `Start from the distilled checkpoint ${student.id}`,
    saving: `${percentDown(-ratio)} parameters (${base.paramsM}M → ${student.paramsM}M)${student.claim ? `; ${student.claim}` : ''}`,
    savingRatio: ratio,
    source: [base.source, student.source].join('; '),
    framework: 'huggingface',
    snippet: `model = AutoModel.from_pretrained("${student.id}")  # fine-tune as before, compare on your validation set`,
  };
}

/** The variable a save call writes, for snippets: `torch.save(net.state_dict(), …)` → `net`. */
function savedTarget(call: CallFact | undefined): string {
  if (!call) return 'model';
  const text = SAVE_FUNCTIONS.has(call.name) ? call.args[0]?.text : call.receiver;
  const name = /^([A-Za-z_][\w.]*?)(?:\.state_dict\(\))?$/.exec(text ?? '')?.[1];
  return name && !/^(self|trainer)$/.test(name) ? name : 'model';
}

/** Compression recipes for a file that trains or saves a model and does not compress it yet. */
export function compressionSuggestions(file: string, facts: Facts): Suggestion[] {
  const save = facts.calls.find(isModelSave);
  if (!save && !facts.trains) return [];
  const framework = frameworkOf(facts);
  if (framework !== 'pytorch' && framework !== 'huggingface' && framework !== 'tensorflow') return [];
  // Hugging Face's TensorFlow classes (TFAutoModel…) take neither the PyTorch nor the Keras recipes as written.
  if (framework === 'huggingface' && facts.calls.some((c) => c.imported && /^transformers\.TF/.test(c.name))) return [];
  const done = compressionState(facts);
  const anchor = save ?? facts.calls.find((c) => c.method === 'fit' || c.method === 'backward' || c.method === 'train');
  const line = anchor?.range.start.line ?? 0;
  const target = savedTarget(save);
  const out: Suggestion[] = [];
  const add = (recipe: Recipe, at = line) => out.push({ ...recipe, file, line: at });
  if (framework === 'tensorflow') {
    if (!done.quantizes) add(tfliteQuantization(target));
    if (!done.quantizes && !done.halves) add(tfliteHalf(target));
    if (!done.prunes) add(tfmotPruning(target));
    return out;
  }
  if (!done.quantizes) add(torchQuantization(framework, target, buildsConvNet(facts)));
  // An int8 model is already smaller than a half-precision one.
  if (!done.quantizes && !done.halves) add(torchHalf(framework, target));
  if (framework === 'huggingface' && !done.distils) {
    const loaded = loadedCheckpoint(facts);
    const d = loaded && distillation(loaded.id);
    // A lighter checkpoint is chosen where it is loaded, not where the model is saved.
    if (d) add(d, loaded.call.range.start.line);
  }
  if (!done.prunes && framework === 'pytorch') add(torchPruning(target));
  return out;
}

// ---------------------------------------------------------------- ranking

/** Best saving first; equal savings by kind (lighter model, precision, compression, hygiene), then place. */
export function rankSuggestions(suggestions: readonly Suggestion[], limit?: number): Suggestion[] {
  const seen = new Set<string>();
  const unique = suggestions.filter((s) => {
    const key = `${s.file}\n${s.line}\n${s.kind}\n${s.title}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort(
    (a, b) =>
      b.savingRatio - a.savingRatio || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.file.localeCompare(b.file) || a.line - b.line || a.title.localeCompare(b.title),
  );
  return limit === undefined ? unique : unique.slice(0, limit);
}

/** Suggestions for one file: from its findings, then the compression recipes when it trains or saves a model. */
export function suggestionsForFile(input: FileInsightInput): Suggestion[] {
  const out: Suggestion[] = [];
  for (const f of input.findings) {
    const s = fromFinding(input, f);
    if (s) out.push(s);
  }
  if (input.facts) out.push(...compressionSuggestions(input.file, input.facts));
  return rankSuggestions(out);
}

/** Suggestions for a workspace folder, ranked by estimated saving. */
export function suggestionsFor(files: readonly FileInsightInput[], options: SuggestionOptions = {}): Suggestion[] {
  return rankSuggestions(
    files.flatMap((f) => suggestionsForFile(f)),
    options.limit,
  );
}
