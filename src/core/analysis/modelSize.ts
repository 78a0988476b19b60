/**
 * How big the network a file builds is, when the file says so: advice whose
 * payoff grows with the model (mixed precision, tensor cores) should not
 * promise a 2-layer MLP on a few hundred rows what it promises a ResNet.
 *
 * Only a network built entirely from `torch.nn` fully-connected layers with
 * literal sizes is measured; anything else (convolutions, attention,
 * recurrent layers, embeddings, a model from torchvision, timm or Hugging
 * Face, a size held in a variable) is `unknown`, and the advice stays whole.
 */
import type { CallFact, Facts } from './facts';
import { argument, callGroups } from './ruleHelpers';

/** Layers that hold no weights, or too few to matter (norms), and leave the size to the linear layers. */
const LIGHT_LAYERS = new Set([
  'Sequential', 'ModuleList', 'ModuleDict', 'Module', 'Identity', 'Flatten', 'Unflatten', 'Dropout', 'AlphaDropout',
  'ReLU', 'ReLU6', 'LeakyReLU', 'PReLU', 'ELU', 'SELU', 'CELU', 'GELU', 'SiLU', 'Mish', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'Softplus', 'Hardtanh', 'Hardswish',
  'BatchNorm1d', 'LayerNorm',
  // Losses and containers of parameters are not layers.
  'MSELoss', 'L1Loss', 'SmoothL1Loss', 'HuberLoss', 'CrossEntropyLoss', 'NLLLoss', 'BCELoss', 'BCEWithLogitsLoss', 'Parameter',
]);

/** Packages whose models are large or of unknown size. */
const MODEL_LIBRARIES = /^(torchvision\.models|timm|transformers|sentence_transformers|diffusers|ultralytics|segmentation_models_pytorch)(\.|$)/;

/** Packages whose classes are not networks: a class imported from anywhere else may be one, built out of sight. */
const NOT_MODEL_PACKAGES =
  /^(torch|numpy|pandas|sklearn|scipy|argparse|collections|pathlib|typing|dataclasses|enum|functools|itertools|copy|re|io|os|sys|json|csv|math|random|time|datetime|logging|warnings|pickle|threading|multiprocessing|tqdm|matplotlib|seaborn|PIL|wandb|tensorboardX|datasets|accelerate)(\.|$)/;

export type ModelSize = { kind: 'fully-connected'; parameters: number } | { kind: 'unknown' };

function dimension(call: CallFact, keyword: string, position: number): number | undefined {
  const arg = argument(call, keyword, position);
  return arg?.hasLiteral && typeof arg.literal === 'number' && Number.isInteger(arg.literal) && arg.literal > 0 ? arg.literal : undefined;
}

const sizeCache = new WeakMap<Facts, ModelSize>();

/** The parameter count of a file's network when it is built only from literal-sized linear layers; `unknown` otherwise. */
export function modelSize(facts: Facts): ModelSize {
  let size = sizeCache.get(facts);
  if (size) return size;
  size = measure(facts);
  sizeCache.set(facts, size);
  return size;
}

function measure(facts: Facts): ModelSize {
  const unknown: ModelSize = { kind: 'unknown' };
  let parameters = 0;
  let linear = 0;
  for (const group of callGroups(facts)) {
    if (!group.imported) continue;
    if (MODEL_LIBRARIES.test(group.name) || group.calls.some((c) => c.method === 'from_pretrained')) return unknown;
    const last = group.name.slice(group.name.lastIndexOf('.') + 1);
    if (/^[A-Z]/.test(last) && !NOT_MODEL_PACKAGES.test(group.name)) return unknown;
    if (!group.name.startsWith('torch.nn.') || group.name.startsWith('torch.nn.functional.') || group.name.startsWith('torch.nn.init.')) continue;
    if (last === 'Linear') {
      for (const call of group.calls) {
        const input = dimension(call, 'in_features', 0);
        const output = dimension(call, 'out_features', 1);
        if (input === undefined || output === undefined) return unknown;
        const bias = argument(call, 'bias', 2);
        parameters += input * output + (bias?.literal === false ? 0 : output);
        linear++;
      }
    } else if (/^[A-Z]/.test(last) && !LIGHT_LAYERS.has(last)) {
      return unknown;
    }
  }
  // A model loaded from disk or built in another module: its layers are not here.
  if (linear === 0 || facts.calls.some((c) => c.name === 'torch.load' || c.method === 'load_state_dict')) return unknown;
  return { kind: 'fully-connected', parameters };
}
