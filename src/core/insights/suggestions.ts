/**
 * "What would save the most" for a script: suggestions built from its
 * findings (lighter models, mixed precision, other findings with figures)
 * and compression recipes for a model it saves, exports or serves, each
 * naming the line it exists because of, every figure with its source.
 *
 * Rules that keep the list about *this* script:
 * - compression (quantization, pruning, distillation) only where a model is
 *   saved, exported or served, anchored at that line, quoting figures of the
 *   same kind of network (BERT's for a transformer checkpoint, a ResNet's
 *   for a conv net, the int8 storage ratio otherwise);
 * - advice that pays off only on a CUDA GPU only with a line that puts the
 *   work there, and not at all for a script whose run used no GPU;
 * - at most one suggestion per kind and script (`suggestionKey`), the other
 *   lines of the same finding kept as `alsoAt`;
 * - ranked by the saving for that script: energy per run where the script's
 *   last completed run measured it and the change saves energy per run,
 *   otherwise the relative saving of the suggestion's figure.
 */
import type { Facts } from '../analysis/facts';
import type { Suggestion, SuggestionEvidence } from '../../shared/protocol';
import { distillation, tfliteQuantization, tfmotPruning, torchPruning, torchQuantization, type Framework } from './compressionRecipes';
import { frameworkOf, fromFinding, type Candidate, type FileInsightInput } from './findingSuggestions';
import { architectureOf, evidenceAt, loadedCheckpoint, mainModelOutput, type Architecture, type ModelOutput } from './suggestionEvidence';

export { frameworkOf, type FileInsightInput } from './findingSuggestions';
export type { Framework } from './compressionRecipes';

/** A script's last completed run, whose energy turns relative savings into energy per run. */
export interface RunEnergy {
  runId: string;
  kWh: number;
  provenance?: 'measured' | 'estimated' | 'mixed';
}

/** What is known about one script beyond its source, from its runs. */
export interface ScriptContext {
  /** Its last completed run, if it has one. */
  run?: RunEnergy;
  /** False when the script's run used no GPU: CUDA-only advice is then left out (and a note says so). */
  usedGpu?: boolean;
}

export interface SuggestionOptions {
  /** Keep only the best `limit` suggestions. */
  limit?: number;
  /** What is known about a file (path relative to the folder) from its runs. */
  contextOf?: (file: string) => ScriptContext | undefined;
}

/** A script's suggestions and why some advice was left out. */
export interface ScriptSuggestions {
  suggestions: Suggestion[];
  notes: string[];
}

// ---------------------------------------------------------------- compression

interface CompressionState {
  quantizes: boolean;
  prunes: boolean;
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
    distils: facts.stringLiterals.some((s) => /distil/i.test(s)) || facts.assignments.some((a) => /teacher/i.test(a.target)),
  };
}

function architectureEvidence(facts: Facts, architecture: Architecture): SuggestionEvidence | undefined {
  if (!architecture.call) return undefined;
  const line = architecture.call.range.start.line;
  if (architecture.kind === 'transformer') {
    const id = loadedCheckpoint(facts)?.id;
    return evidenceAt(facts, 'checkpoint', line, `loads the transformer checkpoint "${id}"`);
  }
  return evidenceAt(facts, 'architecture', line, 'builds a convolutional network');
}

/** Candidates from compression recipes, for a model the script saves, exports or serves. */
function compressionCandidates(file: string, facts: Facts, output: ModelOutput, hasLighterModel: boolean): Candidate[] {
  const framework = frameworkOf(facts);
  if (framework !== 'pytorch' && framework !== 'huggingface' && framework !== 'tensorflow') return [];
  // Hugging Face's TensorFlow classes (TFAutoModel…) take neither the PyTorch nor the Keras recipes as written.
  if (framework === 'huggingface' && facts.calls.some((c) => c.imported && /^transformers\.TF/.test(c.name))) return [];
  const done = compressionState(facts);
  const architecture = architectureOf(facts);
  const line = output.call.range.start.line;
  const outputEvidence = evidenceAt(facts, output.kind, line, output.what);
  const archEvidence = architectureEvidence(facts, architecture);
  const out: Candidate[] = [];
  const add = (recipe: Omit<Suggestion, 'file' | 'line' | 'evidence'>, evidence: SuggestionEvidence[], perRun?: Candidate['perRun']) =>
    out.push({ suggestion: { ...recipe, file, line: evidence[0].line, evidence }, perRun, cudaOnly: false });
  const withArchitecture = archEvidence && architecture.kind !== 'dense' ? [outputEvidence, archEvidence] : [outputEvidence];

  if (framework === 'tensorflow') {
    if (!done.quantizes) add(tfliteQuantization(output.target, architecture), withArchitecture);
    if (!done.prunes && output.kind !== 'model-served') add(tfmotPruning(output.target), [outputEvidence]);
    return out;
  }
  if (!done.quantizes) add(torchQuantization(framework as Framework, output.target, architecture), withArchitecture);
  const checkpoint = loadedCheckpoint(facts);
  // A checkpoint GL102 already swaps for a lighter one needs no second suggestion saying so.
  if (framework === 'huggingface' && checkpoint && !done.distils && !hasLighterModel) {
    const d = distillation(checkpoint.id);
    if (d) {
      const { paramsRatio, ...recipe } = d;
      // A lighter checkpoint is chosen where it is loaded, not where the model is saved.
      const at = evidenceAt(facts, 'checkpoint', checkpoint.call.range.start.line, `loads the checkpoint "${checkpoint.id}"`);
      add(recipe, [at, outputEvidence], facts.trains ? { ratio: paramsRatio, upTo: false, metric: 'parameters' } : undefined);
    }
  }
  if (!done.prunes && framework === 'pytorch' && output.kind !== 'model-served') add(torchPruning(output.target), [outputEvidence]);
  return out;
}

/**
 * Compression recipes for a file that saves, exports or serves a model and
 * does not compress it yet; none for a file that only trains.
 */
export function compressionSuggestions(file: string, facts: Facts): Suggestion[] {
  const output = mainModelOutput(facts);
  return output ? compressionCandidates(file, facts, output, false).map((c) => c.suggestion) : [];
}

// ---------------------------------------------------------------- ranking

const KIND_ORDER: readonly Suggestion['kind'][] = ['lighter-model', 'mixed-precision', 'quantization', 'distillation', 'pruning', 'training-hygiene', 'loop'];

/**
 * What "one suggestion per kind" counts: the kind, and for the kinds that
 * group several changes (`training-hygiene`, `loop`) the rule that names one.
 */
export function suggestionKey(s: Pick<Suggestion, 'kind' | 'code' | 'title'>): string {
  return s.kind === 'training-hygiene' || s.kind === 'loop' ? `${s.kind}:${s.code ?? s.title}` : s.kind;
}

/**
 * Best first: suggestions with an energy saving per run (the script's
 * measured energy × the share saved) by that energy, then the others by
 * their relative saving; ties by kind, file and line.
 */
export function compareSuggestions(a: Suggestion, b: Suggestion): number {
  const ak = a.runSaving?.kWh;
  const bk = b.runSaving?.kWh;
  if (ak !== undefined && bk === undefined) return -1;
  if (ak === undefined && bk !== undefined) return 1;
  if (ak !== undefined && bk !== undefined && ak !== bk) return bk - ak;
  return (
    b.savingRatio - a.savingRatio ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.title.localeCompare(b.title)
  );
}

/**
 * Ranks suggestions and keeps one per kind and file: the best, with the
 * lines of the others it stands for in `alsoAt`.
 */
export function rankSuggestions(suggestions: readonly Suggestion[], limit?: number): Suggestion[] {
  const kept = new Map<string, Suggestion>();
  for (const s of [...suggestions].sort(compareSuggestions)) {
    const key = `${s.file}\n${suggestionKey(s)}`;
    const best = kept.get(key);
    if (!best) {
      kept.set(key, { ...s, ...(s.alsoAt ? { alsoAt: [...s.alsoAt] } : {}) });
      continue;
    }
    for (const line of [s.line, ...(s.alsoAt ?? [])]) {
      if (line === best.line || best.alsoAt?.includes(line)) continue;
      best.alsoAt = [...(best.alsoAt ?? []), line].sort((x, y) => x - y);
    }
  }
  const ranked = [...kept.values()];
  return limit === undefined ? ranked : ranked.slice(0, limit);
}

// ---------------------------------------------------------------- per script

function withRunSaving(c: Candidate, run: RunEnergy | undefined): Suggestion {
  if (!run || !c.perRun || !(run.kWh > 0)) return c.suggestion;
  const { ratio, upTo, metric } = c.perRun;
  const runSaving: NonNullable<Suggestion['runSaving']> = { kWh: run.kWh * ratio, ratio, upTo, metric, runId: run.runId, runKWh: run.kWh };
  if (run.provenance) runSaving.provenance = run.provenance;
  return { ...c.suggestion, runSaving };
}

/** A script's suggestions, ranked, with notes on advice left out (CUDA-only advice for a run that used no GPU). */
export function scriptSuggestions(input: FileInsightInput, context: ScriptContext = {}): ScriptSuggestions {
  const candidates: Candidate[] = [];
  for (const f of input.findings) {
    const c = fromFinding(input, f);
    if (c) candidates.push(c);
  }
  const output = input.facts && mainModelOutput(input.facts);
  if (input.facts && output) {
    const hasLighterModel = candidates.some((c) => c.suggestion.kind === 'lighter-model');
    candidates.push(...compressionCandidates(input.file, input.facts, output, hasLighterModel));
  }
  const notes: string[] = [];
  let kept = candidates;
  if (context.usedGpu === false) {
    kept = candidates.filter((c) => !c.cudaOnly);
    const dropped = [...new Set(candidates.filter((c) => c.cudaOnly).map((c) => c.suggestion.title))];
    if (dropped.length) notes.push(`Left out advice that pays off only on a CUDA GPU (${dropped.join('; ')}): the run used no GPU.`);
  }
  return { suggestions: rankSuggestions(kept.map((c) => withRunSaving(c, context.run))), notes };
}

/** Suggestions for one file: from its findings, then compression recipes for a model it saves, exports or serves. */
export function suggestionsForFile(input: FileInsightInput, context: ScriptContext = {}): Suggestion[] {
  return scriptSuggestions(input, context).suggestions;
}

/** Suggestions for a workspace folder, ranked by the saving for each script. */
export function suggestionsFor(files: readonly FileInsightInput[], options: SuggestionOptions = {}): Suggestion[] {
  return rankSuggestions(
    files.flatMap((f) => suggestionsForFile(f, options.contextOf?.(f.file))),
    options.limit,
  );
}
