import type { CallFact, Facts } from '../facts';
import { isLightningTrainer, runsOnCuda } from '../gpuEvidence';
import type { Rule } from '../rule';
import { argument, callGroups, importsPackage, insertAt } from '../ruleHelpers';
import type { TextEdit } from '../types';

const CONV_LAYER = /^torch\.nn\.(Lazy)?Conv(Transpose)?[123]d$|^torch\.nn\.functional\.conv(_transpose)?[123]d$/;
/** Model families built from convolutions, as torchvision and timm name their constructors. */
const CONV_NET =
  /^(resnet|resnext|wide_resnet|resnest|res2net|seresnext?|skresnet|vgg|alexnet|densenet|mobilenet|efficientnet|tf_efficientnet|regnet|convnext|squeezenet|shufflenet|mnasnet|googlenet|inception|xception|ghostnet|hrnet|nfnet|dm_nfnet|repvgg|dla|dpn|cspresnet|cspdarknet|darknet|mixnet|rexnet|tresnet|vovnet|fcn|deeplabv3|lraspp|r3d|mc3|r2plus1d|s3d|x3d)/i;
const CONSTRUCTORS = /^(torchvision\.models\.(segmentation\.|video\.)?\w+|timm\.create_model|torchvision\.models\.get_model|torch\.hub\.load)$/;
/** Signs that input shapes change from batch to batch, where the autotuner re-benchmarks and can lose time. */
const VARIABLE_SHAPES = /^(torch\.nn\.utils\.rnn\.(pad_sequence|pack_padded_sequence|pack_sequence)|torchvision\.models\.detection\..*)$/;

/** The first call that builds a convolution layer or a convolutional network. */
function firstConvolution(facts: Facts): CallFact | undefined {
  return facts.calls.find((c) => {
    if (!c.imported) return false;
    if (CONV_LAYER.test(c.name)) return true;
    if (!CONSTRUCTORS.test(c.name)) return false;
    if (c.name.startsWith('torchvision.models.') && !/get_model$/.test(c.name)) return CONV_NET.test(c.name.slice(c.name.lastIndexOf('.') + 1));
    // `timm.create_model("resnet50")`, `get_model("resnet50")`, `torch.hub.load(repo, "resnet50")`: the name is a literal argument.
    const model = c.name === 'torch.hub.load' ? argument(c, 'model', 1) : argument(c, 'model_name', 0) ?? argument(c, 'name', 0);
    return typeof model?.literal === 'string' && CONV_NET.test(model.literal);
  });
}

/** The file already decides how cuDNN picks algorithms: benchmark set either way, determinism required, or cuDNN off. */
function cudnnConfigured(facts: Facts): boolean {
  const assigned = (suffix: string) => facts.assignments.filter((a) => a.target === suffix || a.target.endsWith('.' + suffix));
  if (assigned('cudnn.benchmark').length > 0) return true;
  if (assigned('cudnn.deterministic').some((a) => a.literal !== false)) return true;
  if (assigned('cudnn.enabled').some((a) => a.literal === false)) return true;
  return facts.calls.some(
    (c) =>
      (c.name === 'torch.use_deterministic_algorithms' && c.args[0]?.literal !== false) ||
      (isLightningTrainer(c) && (argument(c, 'benchmark') !== undefined || argument(c, 'deterministic') !== undefined)),
  );
}

function variableShapes(facts: Facts): boolean {
  return callGroups(facts).some(
    (g) => (g.imported && VARIABLE_SHAPES.test(g.name)) || (/DataLoader$/.test(g.name) && g.calls.some((c) => argument(c, 'collate_fn') !== undefined)),
  );
}

/** Inserts `torch.backends.cudnn.benchmark = True` after the imports, through whatever name torch is bound to. */
function enableBenchmark(facts: Facts): TextEdit {
  const index = facts.afterImportsIndex;
  // Only imports at the top of the module are bound where the line goes.
  const top = facts.imports.filter((i) => i.range.start.column === 0 && i.range.endIndex <= index);
  const bound = (qualified: string) => top.find((i) => i.qualified === qualified)?.local;
  let statement: string;
  const cudnn = bound('torch.backends.cudnn');
  const backends = bound('torch.backends');
  const torch = bound('torch');
  if (cudnn) statement = `${cudnn}.benchmark = True\n`;
  else if (backends) statement = `${backends}.cudnn.benchmark = True\n`;
  else if (torch) statement = `${torch}.backends.cudnn.benchmark = True\n`;
  else statement = 'import torch\ntorch.backends.cudnn.benchmark = True\n';
  const atLineStart = index === 0 || facts.text[index - 1] === '\n';
  return insertAt(facts, index, (atLineStart ? '' : '\n') + statement);
}

/**
 * GL305: a convolutional network trained on a CUDA GPU with the cuDNN
 * autotuner off. With `torch.backends.cudnn.benchmark = True`, cuDNN times
 * the available convolution algorithms once per input shape and keeps the
 * fastest; without it, it uses a heuristic choice on every step.
 */
export const cudnnAutotunerOff: Rule = {
  meta: {
    code: 'GL305',
    name: 'cudnn-autotuner-off',
    family: 'GL3',
    summary: 'A convolutional network trains on a CUDA GPU without the cuDNN autotuner.',
    defaultSeverity: 'information',
    languages: ['python'],
    fixable: true,
  },
  check(facts) {
    if (!importsPackage(facts, 'torch') || !facts.trains || !runsOnCuda(facts)) return [];
    if (cudnnConfigured(facts) || variableShapes(facts)) return [];
    const conv = firstConvolution(facts);
    if (!conv) return [];
    const edit = enableBenchmark(facts);
    return [
      {
        range: conv.calleeRange,
        message:
          'This convolutional network trains on a CUDA GPU with the cuDNN autotuner off, so every convolution uses a heuristically chosen algorithm rather than the fastest one for its shape. ' +
          'Set `torch.backends.cudnn.benchmark = True` once at start-up when input shapes stay fixed; leave it off when they vary from batch to batch, or when results must be bit-for-bit reproducible. ' +
          'Source: PyTorch Performance Tuning Guide, "Enable cuDNN auto-tuner".',
        fix: { title: `Enable the cuDNN autotuner (${edit.newText.trim().split('\n').pop()})`, edits: [edit], safe: true },
      },
    ];
  },
};
