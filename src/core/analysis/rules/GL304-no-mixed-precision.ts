import type { CallFact, Facts } from '../facts';
import { isLightningTrainer, lightningTrainerOnGpu, runsOnCuda } from '../gpuEvidence';
import type { Rule, RuleReport } from '../rule';
import { anyCallNamed, argument, hasUnpackedArguments, importsPackage } from '../ruleHelpers';

/** Frameworks that may set the precision outside this file (config files, launch flags). */
const PRECISION_ELSEWHERE = ['accelerate', 'deepspeed', 'apex', 'colossalai', 'lightning', 'pytorch_lightning', 'lightning_fabric'];

const HALF_DTYPES = /^torch\.(float16|half|bfloat16)$/;
const PRECISION_CALL = /autocast|GradScaler|mixed_precision|set_float32_matmul_precision|get_device_capability|is_bf16_supported/;
const AUTOCAST = /autocast/;
const HF_TRAINING_ARGUMENTS = /^transformers\.(Seq2Seq)?TrainingArguments$/;
const KERAS_GPU_STRING = /^\/?(device:)?gpu(:\d+)?$/i;

const EVIDENCE =
  'Source: PyTorch Performance Tuning Guide and Automatic Mixed Precision docs (up to 3× faster on Volta and newer GPUs; pre-Volta cards such as Pascal gain little, so measure there).';

/**
 * A deliberate precision choice anywhere in the file: autocast, a gradient
 * scaler, half or bfloat16 tensors, TF32 switches, a capability check that
 * usually gates them, or a Keras mixed-precision policy.
 */
function choosesPrecision(facts: Facts): boolean {
  if (anyCallNamed(facts, PRECISION_CALL)) return true;
  // Plain loops: this runs over every call and argument of the file.
  for (const c of facts.calls) {
    for (const x of c.contexts) if (AUTOCAST.test(x)) return true;
    if ((c.method === 'half' || c.method === 'bfloat16') && c.args.length === 0) return true;
    for (const a of c.args) if (a.qualified !== undefined && HALF_DTYPES.test(a.qualified)) return true;
  }
  if (facts.assignments.some((a) => /allow_tf32$/.test(a.target))) return true;
  return facts.stringLiterals.some((s) => /^mixed_(b?float16)$/.test(s));
}

/** The first plain-PyTorch `.backward()`; framework spellings (`accelerator.backward`) are left to those frameworks. */
function firstBackward(facts: Facts): CallFact | undefined {
  return facts.calls.find((c) => (c.method === 'backward' && !/^(self|accelerator|fabric)$/.test(c.receiver ?? '')) || c.name === 'torch.autograd.backward');
}

/** Keras training on a GPU: `.fit(` in a TensorFlow/Keras file that names a GPU device or sets GPU memory growth. */
function kerasGpuFit(facts: Facts): CallFact | undefined {
  if (!importsPackage(facts, 'tensorflow') && !importsPackage(facts, 'keras')) return undefined;
  const gpu = facts.stringLiterals.some((s) => KERAS_GPU_STRING.test(s)) || facts.calls.some((c) => /set_memory_growth$/.test(c.name));
  return gpu ? facts.calls.find((c) => c.method === 'fit') : undefined;
}

/**
 * GL304: training on a CUDA GPU entirely in float32. Autocast runs matrix
 * multiplications and convolutions in float16/bfloat16 on tensor cores and
 * halves activation memory traffic.
 *
 * Silent when the GPU evidence is only a maybe, when the file already makes a
 * precision choice, and when a framework (Accelerate, Lightning, DeepSpeed)
 * may set the precision outside this file.
 */
export const noMixedPrecision: Rule = {
  meta: {
    code: 'GL304',
    name: 'no-mixed-precision',
    family: 'GL3',
    summary: 'Training on a CUDA GPU runs entirely in float32 (no automatic mixed precision).',
    defaultSeverity: 'information',
    languages: ['python'],
    fixable: false,
  },
  check(facts) {
    if (choosesPrecision(facts)) return [];
    const reports: RuleReport[] = [];

    const keras = kerasGpuFit(facts);
    if (keras) {
      reports.push({
        range: keras.nameRange,
        message:
          'This Keras model trains on a GPU in float32. Call `keras.mixed_precision.set_global_policy("mixed_float16")` (or "mixed_bfloat16") before building the model so layers compute in half precision on tensor cores, and keep the output layer in float32. ' +
          'Source: TensorFlow mixed precision guide (over 3× on modern NVIDIA GPUs; older GPUs gain little).',
      });
    }

    for (const call of facts.calls) {
      if (!lightningTrainerOnGpu(call) || hasUnpackedArguments(call) || argument(call, 'precision')) continue;
      reports.push({
        range: call.calleeRange,
        message: 'This Lightning Trainer uses a GPU at the default 32-bit precision. Pass `precision="16-mixed"` (or `"bf16-mixed"` on Ampere and newer) to train with automatic mixed precision. ' + EVIDENCE,
      });
    }
    if (facts.calls.some(isLightningTrainer) || !runsOnCuda(facts)) return reports;

    for (const call of facts.calls) {
      if (!call.imported || !HF_TRAINING_ARGUMENTS.test(call.name) || hasUnpackedArguments(call)) continue;
      if (argument(call, 'fp16') || argument(call, 'bf16')) continue;
      reports.push({
        range: call.calleeRange,
        message: 'These TrainingArguments train on the GPU in float32. Pass `fp16=True` (or `bf16=True` on Ampere and newer) so the Trainer uses automatic mixed precision. ' + EVIDENCE,
      });
    }

    const backward = PRECISION_ELSEWHERE.some((p) => importsPackage(facts, p)) ? undefined : firstBackward(facts);
    if (backward) {
      reports.push({
        range: backward.nameRange,
        message:
          'This CUDA training loop runs every operation in float32. Wrap the forward pass and loss in `with torch.autocast("cuda", dtype=torch.bfloat16):` ' +
          '(or float16 with `torch.amp.GradScaler("cuda")` scaling the loss) so matrix multiplications and convolutions run on tensor cores with half the memory traffic. ' +
          EVIDENCE,
      });
    }
    return reports;
  },
};
