/**
 * Suggestions that exist because of an analysis finding: a lighter model
 * (GL101/GL102), mixed precision (GL304), and any other finding that carries
 * figures. Each names its finding's line; advice that pays off only on a CUDA
 * GPU also names the line that puts the work there, and is dropped when the
 * script shows no such line.
 */
import type { Facts } from '../analysis/facts';
import type { Finding, Saving, TextEdit } from '../analysis/types';
import { sig } from '../report/units';
import type { Suggestion, SuggestionEvidence, SuggestionKind } from '../../shared/protocol';
import type { Framework } from './compressionRecipes';
import { evidenceAt, gpuEvidence } from './suggestionEvidence';

/** One analysed file, as the host holds it after analysis. */
export interface FileInsightInput {
  /** Path relative to the workspace folder. */
  file: string;
  findings: readonly Finding[];
  /** The file's facts (from `analyzePython`); needed for evidence, compression recipes and the framework. */
  facts?: Facts;
}

/** The share of a training run's energy a suggestion saves, before the run's energy is known. */
export interface PerRun {
  ratio: number;
  upTo: boolean;
  metric: string;
}

/** A suggestion while it is being built: what it saves per run, and whether it needs a CUDA GPU. */
export interface Candidate {
  suggestion: Suggestion;
  perRun?: PerRun;
  /** The advice pays off only on an NVIDIA GPU (mixed precision, pinned memory, the cuDNN autotuner). */
  cudaOnly: boolean;
}

/** Rules whose advice pays off only on a CUDA GPU. */
const CUDA_ONLY_CODES = new Set(['GL303', 'GL304', 'GL305', 'GL316', 'GL318']);

const AMP_SOURCE =
  'PyTorch Performance Tuning Guide and Automatic Mixed Precision docs; NVIDIA Deep Learning Examples ("up to 3x overall speedup on the most arithmetically intense model architectures", Volta and newer)';
const KERAS_AMP_SOURCE = 'Keras mixed precision guide (more than 3× on modern GPUs, 60% on TPUs)';

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

/**
 * The share of a training run's energy a finding's figures stand for:
 * energy or CO2 when measured as such, else training time or compute
 * (FLOPs; parameters only for language models, whose compute per token
 * grows with them).
 * Figures per inference say nothing about a training run.
 */
function perRunOf(savings: readonly Saving[], paramsMeanCompute: boolean): PerRun | undefined {
  const by = (re: RegExp) => savings.find((s) => re.test(s.metric) && !/inference/i.test(s.metric) && s.ratio < 0);
  const s = by(/co2|energy|kwh/i) ?? by(/training time|step time|^time/i) ?? by(/flop/i) ?? (paramsMeanCompute ? by(/param/i) : undefined);
  return s && { ratio: -s.ratio, upTo: false, metric: s.metric };
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

/** The finding as evidence: its code and rule name at its line. */
function findingEvidence(facts: Facts | undefined, f: Finding): SuggestionEvidence {
  const what = `${f.code} ${f.ruleName}`;
  return facts ? evidenceAt(facts, 'finding', f.range.start.line, what) : { kind: 'finding', line: f.range.start.line, what };
}

/** What every suggestion made from a finding with figures says: the saving, its source and where. */
function savingFields(input: FileInsightInput, f: Finding, savings: readonly Saving[]) {
  return {
    saving: savings.map(savingText).join(', '),
    savingRatio: Math.max(0, -headline(savings).ratio),
    source: [...new Set(savings.map((s) => s.source))].join('; '),
    code: f.code,
    file: input.file,
    line: f.range.start.line,
  };
}

function lighterModel(input: FileInsightInput, f: Finding): Candidate | undefined {
  const savings = f.savings ?? [];
  if (!savings.length) return undefined;
  const swap = /^`?(\S+?)`? → `?(\S+?)`?:/.exec(f.message);
  const framework: Framework = f.code === 'GL102' ? 'huggingface' : frameworkOf(input.facts) === 'tensorflow' ? 'tensorflow' : 'pytorch';
  const suggestion: Suggestion = {
    kind: 'lighter-model',
    title: swap ? `Lighter model: ${swap[2]} instead of ${swap[1]}` : `Lighter model (${f.ruleName})`,
    ...savingFields(input, f, savings),
    framework,
    evidence: [findingEvidence(input.facts, f)],
  };
  const snippet = fixedLine(input.facts, f);
  if (snippet) suggestion.snippet = snippet;
  return { suggestion, perRun: perRunOf(savings, f.code === 'GL102'), cudaOnly: false };
}

/** Up to 3× faster means up to 2/3 less time. */
const AMP_RATIO = 1 - 1 / 3;

function mixedPrecision(input: FileInsightInput, f: Finding): Candidate | undefined {
  const gpu = input.facts && gpuEvidence(input.facts);
  if (!gpu) return undefined;
  const base = {
    kind: 'mixed-precision' as const,
    code: f.code,
    file: input.file,
    line: f.range.start.line,
    savingRatio: AMP_RATIO,
    evidence: gpu.line === f.range.start.line ? [findingEvidence(input.facts, f)] : [findingEvidence(input.facts, f), gpu],
  };
  const perRun: PerRun = { ratio: AMP_RATIO, upTo: true, metric: 'training time' };
  const candidate = (s: Suggestion): Candidate => ({ suggestion: s, perRun, cudaOnly: true });
  if (/Keras/.test(f.message)) {
    return candidate({
      ...base,
      title: 'Train with Keras mixed precision',
      saving: 'more than 3× faster steps on modern GPUs (up to −67% time)',
      source: KERAS_AMP_SOURCE,
      framework: 'tensorflow',
      snippet: 'import keras\nkeras.mixed_precision.set_global_policy("mixed_float16")  # before building the model\n# keep the last layer in float32: layers.Activation("softmax", dtype="float32")',
    });
  }
  const saving = 'up to 3× faster training on Volta and newer NVIDIA GPUs (up to −67% time); little gain on older cards';
  if (/Lightning/.test(f.message)) {
    return candidate({ ...base, title: 'Train the Lightning model in mixed precision', saving, source: AMP_SOURCE, framework: 'pytorch', snippet: 'trainer = L.Trainer(accelerator="gpu", precision="bf16-mixed")  # or "16-mixed" before Ampere' });
  }
  if (/TrainingArguments/.test(f.message)) {
    return candidate({ ...base, title: 'Let the Trainer use mixed precision', saving, source: AMP_SOURCE, framework: 'huggingface', snippet: 'args = TrainingArguments(..., bf16=True)  # or fp16=True before Ampere' });
  }
  return candidate({
    ...base,
    title: 'Train with automatic mixed precision',
    saving,
    source: AMP_SOURCE,
    framework: 'pytorch',
    snippet:
      'with torch.autocast("cuda", dtype=torch.bfloat16):  # float16 needs a GradScaler\n    output = model(inputs)\n    loss = criterion(output, targets)\nloss.backward()\noptimizer.step()',
  });
}

function familyKind(code: string): SuggestionKind {
  if (code.startsWith('GL1')) return 'lighter-model';
  if (code.startsWith('GL2') || code.startsWith('GL5')) return 'loop';
  return 'training-hygiene';
}

/** Any other finding that carries figures; CUDA-only advice also names the CUDA line, and needs one. */
function genericFinding(input: FileInsightInput, f: Finding): Candidate | undefined {
  const savings = f.savings ?? [];
  if (!savings.length) return undefined;
  const cudaOnly = CUDA_ONLY_CODES.has(f.code);
  const evidence = [findingEvidence(input.facts, f)];
  if (cudaOnly) {
    const gpu = input.facts && gpuEvidence(input.facts);
    if (!gpu) return undefined;
    if (gpu.line !== f.range.start.line) evidence.push(gpu);
  }
  return {
    suggestion: {
      kind: familyKind(f.code),
      title: f.fix?.title ?? `${f.code} ${f.ruleName}`,
      ...savingFields(input, f, savings),
      framework: frameworkOf(input.facts),
      evidence,
    },
    perRun: perRunOf(savings, false),
    cudaOnly,
  };
}

/** The suggestion a finding leads to, if it leads to one. */
export function fromFinding(input: FileInsightInput, f: Finding): Candidate | undefined {
  if (f.code === 'GL101' || f.code === 'GL102') return lighterModel(input, f);
  if (f.code === 'GL304') return mixedPrecision(input, f);
  return genericFinding(input, f);
}
