/**
 * What in a script a suggestion can stand on, read from its Facts: a model
 * that is saved, exported or served, the checkpoint it starts from, the
 * kind of network it builds, and the line that puts the work on a GPU.
 *
 * Suggestions exist only because of one of these (or a finding), and name
 * it: a compression recipe for a script that never writes a model anywhere
 * is advice about nothing. The analysis layer's Facts do not record saved
 * models, so they are recognised here from the calls' qualified names.
 */
import type { CallFact, Facts } from '../analysis/facts';
import { lightningTrainerOnGpu } from '../analysis/gpuEvidence';
import { argument, importsPackage } from '../analysis/ruleHelpers';
import type { SuggestionEvidence } from '../../shared/protocol';

// ---------------------------------------------------------------- lines

const EXCERPT_MAX = 90;

/** The source line, trimmed, shortened with an ellipsis when long. */
export function lineExcerpt(facts: Facts, line: number): string {
  const start = facts.lineStarts[line];
  if (start === undefined) return '';
  const end = line + 1 < facts.lineStarts.length ? facts.lineStarts[line + 1] : facts.text.length;
  const text = facts.text.slice(start, end).trim();
  return text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_MAX - 1)}…` : text;
}

/** Evidence at a line, with the line's text. */
export function evidenceAt(facts: Facts, kind: SuggestionEvidence['kind'], line: number, what: string): SuggestionEvidence {
  const excerpt = lineExcerpt(facts, line);
  return excerpt ? { kind, line, what, excerpt } : { kind, line, what };
}

// ---------------------------------------------------------------- saved, exported and served models

export interface ModelOutput {
  kind: 'model-save' | 'model-export' | 'model-served';
  call: CallFact;
  /** The variable holding the model, for snippets (`model` when it cannot be told). */
  target: string;
  /** A phrase for the evidence, e.g. "saves the trained model". */
  what: string;
}

/** Receivers that hold something other than a model: `tokenizer.save_pretrained` writes no weights worth shrinking. */
const NOT_A_MODEL = /(tokenizer|config|processor|feature_?extractor|optimi[sz]er|optim|opt|scheduler|sched|scaler|df|frame|fig|figure|plt|image|img|writer)(fast|_class|_cls)?$/i;
/** Names that hold a model: `model`, `net`, `self.encoder`, `model.module`, `generator`… */
const MODEL_NAME = /(^|[._])(model|net|network|classifier|regressor|encoder|decoder|backbone|generator|discriminator|policy|agent|actor|critic|unet|vae|transformer|learner|module|student|teacher)\w*$/i;
/** `x.state_dict()` inside the saved expression, with what `x` is. */
const STATE_DICT = /([A-Za-z_][\w.]*(?:\[[^\]]*\])?)\.state_dict\(\)/g;

const SAVE_FUNCTIONS = new Set(['torch.save', 'tensorflow.saved_model.save', 'tensorflow.keras.models.save_model', 'keras.models.save_model', 'keras.saving.save_model', 'tensorflow.keras.saving.save_model']);
const EXPORT_FUNCTIONS = new Set(['torch.onnx.export', 'torch.onnx.dynamo_export', 'torch.jit.save', 'torch.export.save', 'tf2onnx.convert.from_keras', 'tensorflowjs.converters.save_keras_model']);
const LOAD_FUNCTIONS = new Set(['torch.load', 'torch.jit.load', 'tensorflow.keras.models.load_model', 'keras.models.load_model', 'keras.saving.load_model', 'tensorflow.saved_model.load', 'transformers.pipeline', 'joblib.load']);
/** Web and model-serving frameworks: a script that imports one and loads a model serves it. */
const SERVING_PACKAGES = ['fastapi', 'flask', 'gradio', 'bentoml', 'litserve', 'ray.serve', 'streamlit', 'ts.torch_handler', 'starlette'];

/** The model variable in a saved expression (`net.state_dict()`, `{"model": net.state_dict(), …}`, `model`), or undefined when it saves no model. */
function savedModelName(text: string): string | undefined {
  const trimmed = text.trim();
  for (const m of trimmed.matchAll(STATE_DICT)) {
    const owner = m[1];
    if (!NOT_A_MODEL.test(owner.replace(/\[[^\]]*\]$/, ''))) return owner.replace(/\.module$/, '');
  }
  if (/^[A-Za-z_][\w.]*$/.test(trimmed) && MODEL_NAME.test(trimmed) && !NOT_A_MODEL.test(trimmed)) return trimmed.replace(/\.module$/, '');
  return undefined;
}

/** The name used in snippets: plain identifiers only; `self.…` and `trainer` hold no variable the snippet can use. */
function snippetName(name: string | undefined): string {
  return name && /^[A-Za-z_]\w*$/.test(name) && !/^(self|trainer|accelerator)$/.test(name) ? name : 'model';
}

function receiverIsModel(call: CallFact): boolean {
  return call.receiver !== undefined && !NOT_A_MODEL.test(call.receiver);
}

/**
 * The model saved by `torch.save(x, …)`: in `x` itself, or, for a name, in
 * what was assigned to it (`state = {"model": net.state_dict(), …}`).
 */
function savedModelOf(facts: Facts, text: string): string | undefined {
  const direct = savedModelName(text);
  if (direct !== undefined || !/^[A-Za-z_]\w*$/.test(text.trim())) return direct;
  for (const a of facts.assignments) {
    if (a.target !== text.trim()) continue;
    const name = savedModelName(a.valueText);
    if (name !== undefined) return name;
  }
  return undefined;
}

/** One call as a saved or exported model, if it is one. */
function asOutput(facts: Facts, call: CallFact): ModelOutput | undefined {
  if (call.name === 'torch.save' || SAVE_FUNCTIONS.has(call.name)) {
    const first = argument(call, call.name === 'torch.save' ? 'obj' : 'model', 0) ?? argument(call, 'obj', 0);
    const name = first && savedModelOf(facts, first.text);
    if (name === undefined && call.name === 'torch.save') return undefined;
    return { kind: 'model-save', call, target: snippetName(name), what: 'saves the trained model' };
  }
  if (EXPORT_FUNCTIONS.has(call.name)) {
    const first = call.args.find((a) => a.keyword === undefined && a.splat === undefined) ?? argument(call, 'model');
    const format = /onnx/.test(call.name) ? 'ONNX' : /tensorflowjs/.test(call.name) ? 'TensorFlow.js' : 'TorchScript';
    return { kind: 'model-export', call, target: snippetName(first?.text), what: `exports the model to ${format}` };
  }
  if (call.imported) return undefined;
  const m = call.method;
  if ((m === 'save_pretrained' || m === 'save_model' || m === 'save_weights' || m === 'save_checkpoint') && receiverIsModel(call)) {
    return { kind: 'model-save', call, target: snippetName(call.receiver), what: 'saves the trained model' };
  }
  if (m === 'push_to_hub' && receiverIsModel(call)) {
    return { kind: 'model-export', call, target: snippetName(call.receiver), what: 'publishes the model to the Hugging Face Hub' };
  }
  if ((m === 'to_onnx' || m === 'export') && call.receiver !== undefined && MODEL_NAME.test(call.receiver) && !NOT_A_MODEL.test(call.receiver)) {
    return { kind: 'model-export', call, target: snippetName(call.receiver), what: m === 'to_onnx' ? 'exports the model to ONNX' : 'exports the model for serving' };
  }
  // `model.save("m.keras")`: only a receiver that names a model (a DataFrame or figure `.save` is not one).
  if (m === 'save' && call.receiver !== undefined && MODEL_NAME.test(call.receiver) && !NOT_A_MODEL.test(call.receiver)) {
    return { kind: 'model-save', call, target: snippetName(call.receiver), what: 'saves the trained model' };
  }
  return undefined;
}

/** A model the script loads to answer requests: a serving framework is imported and a model is loaded. */
function servedModel(facts: Facts): ModelOutput | undefined {
  const framework = SERVING_PACKAGES.find((p) => importsPackage(facts, p));
  if (!framework) return undefined;
  const load = facts.calls.find(
    (c) => (c.imported && LOAD_FUNCTIONS.has(c.name)) || (c.method === 'from_pretrained' && !(c.receiver && NOT_A_MODEL.test(c.receiver))) || c.method === 'load_state_dict',
  );
  if (!load) return undefined;
  const name = load.method === 'load_state_dict' ? load.receiver : load.assignedTo[0];
  return { kind: 'model-served', call: load, target: snippetName(name), what: `loads the model that the ${framework} app serves` };
}

/**
 * Every place the script writes a model to disk, exports or publishes it,
 * in source order, then the model it serves, if any.
 */
export function modelOutputs(facts: Facts): ModelOutput[] {
  const out: ModelOutput[] = [];
  for (const call of facts.calls) {
    const o = asOutput(facts, call);
    if (o) out.push(o);
  }
  const served = servedModel(facts);
  if (served) out.push(served);
  return out;
}

/**
 * The output a compression recipe is anchored at: the trained model, so a
 * save after the training loop rather than a checkpoint inside it (the last
 * such save), else the last output of any kind.
 */
export function mainModelOutput(facts: Facts): ModelOutput | undefined {
  const outputs = modelOutputs(facts);
  const outsideLoops = outputs.filter((o) => o.call.loopIds.length === 0);
  return outsideLoops[outsideLoops.length - 1] ?? outputs[outputs.length - 1];
}

// ---------------------------------------------------------------- checkpoints

export interface LoadedCheckpoint {
  id: string;
  call: CallFact;
}

/** The first pretrained checkpoint the script loads by literal id: `from_pretrained("…")`, `pipeline(model="…")`, `SentenceTransformer("…")`. */
export function loadedCheckpoint(facts: Facts): LoadedCheckpoint | undefined {
  for (const call of facts.calls) {
    let arg;
    if (call.method === 'from_pretrained' && !(call.receiver && NOT_A_MODEL.test(call.receiver))) arg = argument(call, 'pretrained_model_name_or_path', 0);
    else if (call.imported && call.name === 'transformers.pipeline') arg = argument(call, 'model', 1);
    else if (call.imported && call.name === 'sentence_transformers.SentenceTransformer') arg = argument(call, 'model_name_or_path', 0);
    if (arg && typeof arg.literal === 'string' && arg.literal !== '') return { id: arg.literal, call };
  }
  return undefined;
}

// ---------------------------------------------------------------- architecture

export interface Architecture {
  /** `transformer`: a pretrained transformer checkpoint; `conv`: convolution layers or a conv-net constructor; `dense`: anything else. */
  kind: 'transformer' | 'conv' | 'dense';
  /** The call that shows it, when there is one. */
  call?: CallFact;
}

const TORCH_CONV = /^torch\.nn\.(Conv|ConvTranspose)[123]d$/;
const KERAS_CONV = /^(tensorflow\.)?(keras\.)?(layers\.)?(Conv|SeparableConv|DepthwiseConv)[123]D(Transpose)?$/;
const KERAS_APPLICATION = /^(?:tensorflow\.)?(?:compat\.v\d\.)?keras\.applications\./;
/** torchvision and timm models that are transformers, not conv nets. */
const VISION_TRANSFORMER = /(^|\.)(vit|swin|maxvit|deit|beit|eva|cait|xcit)/i;

function isConvConstruction(call: CallFact): boolean {
  if (!call.imported) return false;
  if (TORCH_CONV.test(call.name) || KERAS_CONV.test(call.name.replace(/^keras\.src\./, 'keras.')) || KERAS_APPLICATION.test(call.name)) return true;
  if (/^torchvision\.models\.\w/.test(call.name) && !/\.(get_weight|get_model_weights|list_models|get_model_builder)$/.test(call.name)) {
    const named = call.name === 'torchvision.models.get_model' ? argument(call, 'name', 0)?.literal : call.name;
    return typeof named === 'string' && !VISION_TRANSFORMER.test(named.replace(/^torchvision\.models\./, ''));
  }
  if (call.name === 'timm.create_model' || call.name === 'timm.models.create_model') {
    const named = argument(call, 'model_name', 0)?.literal;
    return typeof named === 'string' && !VISION_TRANSFORMER.test(named);
  }
  return false;
}

/** What kind of network the script builds, which decides whose figures a compression recipe may quote. */
export function architectureOf(facts: Facts): Architecture {
  const checkpoint = loadedCheckpoint(facts);
  if (checkpoint) return { kind: 'transformer', call: checkpoint.call };
  const conv = facts.calls.find(isConvConstruction);
  if (conv) return { kind: 'conv', call: conv };
  return { kind: 'dense' };
}

// ---------------------------------------------------------------- GPU

/**
 * A device string that names CUDA, however it is written: `"cuda"`,
 * `'cuda:0'`, `f"cuda:{rank}"`, `'cuda:%s' % rank`, `"cuda:{}".format(i)`,
 * `"cuda" if torch.cuda.is_available() else "cpu"`.
 */
const CUDA_TEXT = /^[rRbBuUfF]{0,2}(['"])cuda(?::|\1)/;
/** TensorFlow device names: `/GPU:0`, `GPU`, `/device:GPU:1`. */
const TF_GPU = /^\/?(device:)?gpu(:\d+)?$/i;

interface Located {
  line: number;
  what: string;
}

function firstOf(found: Located[]): Located | undefined {
  return found.reduce<Located | undefined>((best, f) => (best === undefined || f.line < best.line ? f : best), undefined);
}

/**
 * The first line that puts the script's work on a CUDA GPU, or undefined
 * when nothing in the file does (a `torch.cuda.is_available()` check alone
 * is not evidence: it is how CPU scripts stay portable).
 */
export function cudaEvidence(facts: Facts): SuggestionEvidence | undefined {
  const found: Located[] = [];
  for (const c of facts.calls) {
    const line = c.range.start.line;
    if (c.method === 'cuda' && c.receiver !== 'torch') found.push({ line, what: 'moves work to a CUDA GPU (.cuda())' });
    else if (c.receiver !== undefined && CUDA_TEXT.test(c.receiver)) found.push({ line, what: 'names a CUDA device' });
    else if (c.args.some((a) => CUDA_TEXT.test(a.text))) found.push({ line, what: 'names a CUDA device' });
    else if (lightningTrainerOnGpu(c)) found.push({ line, what: 'asks Lightning for a GPU' });
    else if (c.imported && c.name === 'torch.cuda.set_device') found.push({ line, what: 'selects a CUDA device' });
  }
  for (const a of facts.assignments) {
    if (CUDA_TEXT.test(a.valueText)) found.push({ line: a.range.start.line, what: 'names a CUDA device' });
  }
  const first = firstOf(found);
  return first && evidenceAt(facts, 'cuda-device', first.line, first.what);
}

/** CUDA evidence, or a TensorFlow GPU device (`/GPU:0`, memory growth): what Keras mixed precision needs. */
export function gpuEvidence(facts: Facts): SuggestionEvidence | undefined {
  const cuda = cudaEvidence(facts);
  if (cuda) return cuda;
  const found: Located[] = [];
  for (const c of facts.calls) {
    if (/set_memory_growth$/.test(c.name)) found.push({ line: c.range.start.line, what: 'sets up a TensorFlow GPU' });
    // Listing the GPUs is how portable scripts check for one, not a use of it.
    else if (/(list_physical_devices|list_logical_devices|is_gpu_available)$/.test(c.name)) continue;
    else if (c.args.some((a) => typeof a.literal === 'string' && TF_GPU.test(a.literal))) found.push({ line: c.range.start.line, what: 'names a GPU device' });
  }
  const first = firstOf(found);
  return first && evidenceAt(facts, 'cuda-device', first.line, first.what);
}
