/**
 * Compression recipes for a model a script saves, exports or serves: int8
 * quantization, pruning, a distilled checkpoint. Each recipe quotes only
 * figures measured on a model of the same kind — BERT's for a transformer
 * checkpoint, a ResNet's for a conv net, the int8 storage ratio for plain
 * Linear layers — with their source, and a snippet for the framework.
 */
import { languageModel } from '../knowledge/modelReader';
import type { Suggestion } from '../../shared/protocol';
import type { Architecture } from './suggestionEvidence';

export type Framework = NonNullable<Suggestion['framework']>;

/** A recipe before it is placed at a file and line and given its evidence. */
export type Recipe = Omit<Suggestion, 'file' | 'line' | 'evidence'>;

// ---------------------------------------------------------------- sources

const BERT_DYNAMIC_SOURCE =
  'PyTorch tutorial "(beta) Dynamic Quantization on BERT": bert-base-uncased fine-tuned on MRPC, FP32 438 MB / F1 0.9019 / 160 s vs INT8 181 MB / F1 0.902 / 90 s (1 thread, MacBook Pro)';
const TORCHVISION_INT8_SOURCE =
  'torchvision model docs: ResNet50_Weights.IMAGENET1K_V1 (97.8 MB, acc@1 76.13) and ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V1 (post-training static int8, 24.8 MB, acc@1 75.92)';
const TORCH_INT8_SOURCE = 'PyTorch quantization recipe: int8 weights make the model about 1/4 of its float32 size and inference about 2–4× faster';
const TFLITE_DYNAMIC_SOURCE = 'TensorFlow Lite post-training quantization guide (dynamic range: 4× smaller, 2×–3× speed-up on CPU)';
const TFLITE_CONV_SOURCE =
  'TensorFlow Lite model optimization guide, Table 1: ResNet v2 101 post-training quantized, 178.3 → 44.9 MB, top-1 0.770 → 0.768, 3973 → 2868 ms (Pixel 2, one big core)';
const TORCH_PRUNE_SOURCE = 'PyTorch pruning tutorial (torch.nn.utils.prune)';
const TFMOT_PRUNE_SOURCE = 'TensorFlow Model Optimization pruning guide (MNIST example: 3× smaller gzip-compressed model from pruning, 10× with post-training quantization)';

function percentDown(ratio: number): string {
  return `−${Math.round(Math.abs(ratio) * 100)}%`;
}

// ---------------------------------------------------------------- PyTorch

/** Dynamic int8 quantization of a transformer checkpoint: the BERT tutorial's figures apply. */
function torchTransformerInt8(framework: Framework, target: string): Recipe {
  return {
    kind: 'quantization',
    title: 'Quantize the saved transformer to int8 (dynamic quantization)',
    saving: 'BERT example: −59% model size (438 → 181 MB), −44% CPU inference time (160 → 90 s), F1 0.9019 → 0.902',
    savingRatio: 1 - 181 / 438,
    source: BERT_DYNAMIC_SOURCE,
    framework,
    snippet: `quantized = torch.ao.quantization.quantize_dynamic(${target}.cpu().eval(), {torch.nn.Linear}, dtype=torch.qint8)\ntorch.save(quantized.state_dict(), "model_int8.pt")`,
  };
}

/** Static int8 quantization of a conv net: dynamic quantization leaves convolutions in float32, so calibrate instead. */
function torchConvInt8(target: string): Recipe {
  return {
    kind: 'quantization',
    title: 'Quantize the saved conv net to int8 (static quantization with calibration)',
    saving: 'ResNet-50 example: −75% model size (97.8 → 24.8 MB), top-1 76.13% → 75.92%; int8 convolutions run on CPU',
    savingRatio: 1 - 24.759 / 97.781,
    source: TORCHVISION_INT8_SOURCE,
    framework: 'pytorch',
    snippet:
      'from torch.ao.quantization import get_default_qconfig_mapping\n' +
      'from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx\n' +
      `example = next(iter(loader))[0][:1].cpu()  # one real input\n` +
      `prepared = prepare_fx(${target}.cpu().eval(), get_default_qconfig_mapping("x86"), example_inputs=(example,))\n` +
      'with torch.no_grad():\n' +
      '    for x, _ in calibration_batches:  # a few hundred training samples\n' +
      '        prepared(x.cpu())\n' +
      'quantized = convert_fx(prepared)\n' +
      'torch.jit.save(torch.jit.trace(quantized, example), "model_int8.pt")',
  };
}

/** Dynamic int8 quantization of Linear/LSTM layers: the storage ratio is all that is known. */
function torchDenseInt8(framework: Framework, target: string): Recipe {
  return {
    kind: 'quantization',
    title: 'Quantize the saved model\'s Linear layers to int8 (dynamic quantization)',
    saving: 'up to −75% model size: int8 weights take 1 byte instead of 4 (Linear and LSTM layers); check accuracy on your validation set',
    savingRatio: 0.75,
    source: TORCH_INT8_SOURCE,
    framework,
    snippet: `quantized = torch.ao.quantization.quantize_dynamic(${target}.cpu().eval(), {torch.nn.Linear, torch.nn.LSTM}, dtype=torch.qint8)\ntorch.save(quantized.state_dict(), "model_int8.pt")`,
  };
}

/** The int8 recipe whose figures fit the network the script builds. */
export function torchQuantization(framework: Framework, target: string, architecture: Architecture): Recipe {
  if (architecture.kind === 'transformer') return torchTransformerInt8(framework, target);
  if (architecture.kind === 'conv') return torchConvInt8(target);
  return torchDenseInt8(framework, target);
}

export function torchPruning(target: string): Recipe {
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

// ---------------------------------------------------------------- TensorFlow

export function tfliteQuantization(target: string, architecture: Architecture): Recipe {
  const snippet =
    `converter = tf.lite.TFLiteConverter.from_keras_model(${target})\n` +
    'converter.optimizations = [tf.lite.Optimize.DEFAULT]\n' +
    'open("model_int8.tflite", "wb").write(converter.convert())';
  if (architecture.kind === 'conv') {
    return {
      kind: 'quantization',
      title: 'Convert the saved conv net to TensorFlow Lite with int8 weights',
      saving: 'ResNet v2 101 example: −75% model size (178.3 → 44.9 MB), −28% latency (3973 → 2868 ms), top-1 0.770 → 0.768',
      savingRatio: 1 - 44.9 / 178.3,
      source: TFLITE_CONV_SOURCE,
      framework: 'tensorflow',
      snippet,
    };
  }
  return {
    kind: 'quantization',
    title: 'Convert the saved model to TensorFlow Lite with dynamic range quantization',
    saving: '4× smaller model (−75% size), 2×–3× faster CPU inference',
    savingRatio: 0.75,
    source: TFLITE_DYNAMIC_SOURCE,
    framework: 'tensorflow',
    snippet,
  };
}

export function tfmotPruning(target: string): Recipe {
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

// ---------------------------------------------------------------- distillation

/** Plain base checkpoints and the distilled sibling the Distil* project made of each. */
const DISTILLED: Record<string, string> = {
  'bert-base-uncased': 'distilbert-base-uncased',
  'bert-base-cased': 'distilbert-base-cased',
  'roberta-base': 'distilroberta-base',
  gpt2: 'distilgpt2',
};

/** The distilled sibling of a checkpoint, with the relative parameter saving; undefined when there is none. */
export function distillation(id: string): (Recipe & { paramsRatio: number }) | undefined {
  const base = languageModel(id);
  const student = base && DISTILLED[base.id] ? languageModel(DISTILLED[base.id]) : undefined;
  if (!base || !student) return undefined;
  const ratio = 1 - student.paramsM / base.paramsM;
  return {
    kind: 'distillation',
    title: `Start from the distilled checkpoint ${student.id}`,
    saving: `${percentDown(ratio)} parameters (${base.paramsM}M → ${student.paramsM}M)${student.claim ? `; ${student.claim}` : ''}`,
    savingRatio: ratio,
    source: [base.source, student.source].join('; '),
    framework: 'huggingface',
    snippet: `model = AutoModel.from_pretrained("${student.id}")  # fine-tune as before, compare on your validation set`,
    paramsRatio: ratio,
  };
}
