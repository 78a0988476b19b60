import type { CallFact, Facts } from '../facts';
import { isLightningTrainer, lightningTrainerOnGpu, runsOnCuda } from '../gpuEvidence';
import type { Rule, RuleReport } from '../rule';
import { modelSize } from '../modelSize';
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
 * GPU models, not generation names: a comment saying "bf16 needs Ampere" names no GPU.
 * Before Ampere, tensor cores (Volta, Turing) run float16 but not bfloat16; Pascal and older have none.
 */
const PRE_AMPERE = /\b(V100|T4|Titan ?V|Titan RTX|Quadro RTX ?\d{4}|RTX ?20[6-8]0)\b/i;
const NO_TENSOR_CORES = /\b(P100|P40|K80|K40|M40|M60|GTX ?10[5-8]0|Titan ?Xp?)\b/i;
/** Ampere and later: bfloat16 on tensor cores. */
const AMPERE_OR_LATER = /\b(A100|A10G?|A30|A40|RTX ?A[456]000|A800|H100|H200|H800|GH200|B100|B200|L4|L40S?|RTX ?(30|40|50)[5-9]0)\b/i;

type Generation = 'pre-ampere' | 'no-tensor-cores' | 'ampere' | 'unknown';

interface NamedGpu {
  generation: Generation;
  /** The GPU as the file writes it, e.g. `T4`. */
  name?: string;
}

/** The GPU the file names in its comments or strings (`# trained on a T4`, `"A100"`), when all it names are of one generation. */
function namedGpu(facts: Facts): NamedGpu {
  const found = new Map<Generation, string>();
  const look = (t: string) => {
    for (const [generation, pattern] of [['pre-ampere', PRE_AMPERE], ['no-tensor-cores', NO_TENSOR_CORES], ['ampere', AMPERE_OR_LATER]] as const) {
      const m = pattern.exec(t);
      if (m && !found.has(generation)) found.set(generation, m[1]);
    }
  };
  for (const c of facts.comments) look(c.text);
  for (const t of facts.stringLiterals) look(t);
  if (found.size !== 1) return { generation: 'unknown' };
  const [[generation, name]] = [...found];
  return { generation, name };
}

/** Which half-precision type to lead with on that GPU, in the words of each API. */
function precisionAdvice(gpu: NamedGpu, api: 'autocast' | 'lightning' | 'hf'): string {
  const older = gpu.generation === 'pre-ampere' || gpu.generation === 'no-tensor-cores';
  const on = older ? `On the ${gpu.name} named in this file (older than Ampere: no bfloat16), ` : gpu.generation === 'ampere' ? `On the ${gpu.name} named in this file (Ampere or newer), ` : '';
  if (api === 'lightning') {
    if (gpu.generation === 'ampere') return `${on}pass \`precision="bf16-mixed"\``;
    if (older) return `${on}pass \`precision="16-mixed"\` (float16 with loss scaling)`;
    return 'Pass `precision="bf16-mixed"` on Ampere and newer GPUs (A100, H100, RTX 30xx and later), or `precision="16-mixed"` on older ones (V100, T4)';
  }
  if (api === 'hf') {
    if (gpu.generation === 'ampere') return `${on}pass \`bf16=True\``;
    if (older) return `${on}pass \`fp16=True\``;
    return 'Pass `bf16=True` on Ampere and newer GPUs (A100, H100, RTX 30xx and later), or `fp16=True` on older ones (V100, T4)';
  }
  if (gpu.generation === 'ampere') return `${on}wrap the forward pass and loss in \`with torch.autocast("cuda", dtype=torch.bfloat16):\` (no loss scaling needed)`;
  if (older) {
    return (
      `${on}wrap the forward pass and loss in \`with torch.autocast("cuda", dtype=torch.float16):\` and scale the loss with \`scaler = torch.amp.GradScaler("cuda")\` ` +
      '(`scaler.scale(loss).backward()`, `scaler.step(optimizer)`, `scaler.update()`)'
    );
  }
  return (
    'Wrap the forward pass and loss in `with torch.autocast("cuda", dtype=torch.bfloat16):` on Ampere and newer GPUs (A100, H100, RTX 30xx and later), ' +
    'or `dtype=torch.float16` with `torch.amp.GradScaler("cuda")` scaling the loss on older ones (V100, T4)'
  );
}

/** Below this many parameters a fully-connected network gains nothing from mixed precision: launch overhead dominates its tiny matrix multiplications. */
const TINY_MODEL = 100_000;
/** Below this, the gain is modest: say so rather than promise 3×. */
const SMALL_MODEL = 2_000_000;

function millions(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : `${Math.round(n / 1000)}k`;
}

/**
 * What mixed precision can give this file, as the end of the finding's first
 * sentence: the sourced "up to 3×", or a modest gain for a small
 * fully-connected network, or undefined when the network is too small to
 * gain anything (then there is no finding).
 */
function scaledClaim(facts: Facts, gpu: NamedGpu): string | undefined {
  const size = modelSize(facts);
  if (size.kind === 'fully-connected' && size.parameters < TINY_MODEL) return undefined;
  if (size.kind === 'fully-connected' && size.parameters < SMALL_MODEL) {
    return `; for a fully-connected network this small (about ${millions(size.parameters)} parameters) expect a modest gain, as its matrix multiplications are too small to keep tensor cores busy: time an epoch before and after.`;
  }
  if (gpu.generation === 'no-tensor-cores') return `; the ${gpu.name} named in this file has no tensor cores, so expect little beyond the halved memory traffic: time an epoch before and after.`;
  return '; automatic mixed precision is up to 3× faster on Volta and newer GPUs.';
}

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

    const gpu = namedGpu(facts);
    const claim = scaledClaim(facts, gpu);
    // A tiny fully-connected network (a 2-layer MLP on a few hundred rows) gains nothing: no advice at all.
    if (claim === undefined) return reports;
    for (const call of facts.calls) {
      if (!lightningTrainerOnGpu(call) || hasUnpackedArguments(call) || argument(call, 'precision')) continue;
      reports.push({
        range: call.calleeRange,
        message: `This Lightning Trainer uses a GPU at the default 32-bit precision${claim} ${precisionAdvice(gpu, 'lightning')} to train with automatic mixed precision. ${EVIDENCE}`,
      });
    }
    if (facts.calls.some(isLightningTrainer) || !runsOnCuda(facts)) return reports;

    for (const call of facts.calls) {
      if (!call.imported || !HF_TRAINING_ARGUMENTS.test(call.name) || hasUnpackedArguments(call)) continue;
      if (argument(call, 'fp16') || argument(call, 'bf16')) continue;
      reports.push({
        range: call.calleeRange,
        message: `These TrainingArguments train on the GPU in float32${claim} ${precisionAdvice(gpu, 'hf')} so the Trainer uses automatic mixed precision. ${EVIDENCE}`,
      });
    }

    const backward = PRECISION_ELSEWHERE.some((p) => importsPackage(facts, p)) ? undefined : firstBackward(facts);
    if (backward) {
      reports.push({
        range: backward.nameRange,
        message:
          `This CUDA training loop runs every operation in float32${claim} ${precisionAdvice(gpu, 'autocast')}, ` +
          `so matrix multiplications and convolutions run on tensor cores with half the memory traffic. ${EVIDENCE}`,
      });
    }
    return reports;
  },
};
