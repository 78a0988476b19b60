/**
 * The machine an estimate runs on: its peak throughput at the script's
 * precision, the share of that peak training reaches (a prior per model
 * class), and the power it draws meanwhile.
 */
import * as os from 'os';
import type { Facts } from '../analysis/facts';
import { lookupCpuTdp, CPU_POWER_SOURCE } from '../knowledge/cpuPower';
import { lookupGpu, type GpuSpec } from '../knowledge/gpus';
import type { Assumption } from './index';
import type { ModelClass } from './work';
import { RAM_MODEL_SOURCE, RAM_WATTS_PER_GB } from '../energy/sources/ramModel';

export type Precision = 'fp16' | 'tf32' | 'fp32';

/** This machine's CPU, as the estimate sees it; tests pass their own. */
export interface CpuInfo {
  model: string;
  threads: number;
  mhz: number;
  ramGb: number;
  /** True when the OS reported no clock speed and a default stood in. */
  mhzAssumed?: boolean;
}

/** Clock assumed when the OS reports none (virtual machines often report 0). */
const DEFAULT_MHZ = 2000;

export function thisMachine(): CpuInfo {
  const cpus = os.cpus();
  const speed = cpus[0]?.speed;
  return { model: cpus[0]?.model ?? 'unknown CPU', threads: Math.max(1, cpus.length), mhz: speed || DEFAULT_MHZ, mhzAssumed: !speed, ramGb: os.totalmem() / 1024 ** 3 };
}

/**
 * Share of peak throughput training reaches (model FLOPs utilisation), low–mid–high.
 * Conv nets: NVIDIA DeepLearningExamples ResNet-50 v1.5 training throughputs
 * correspond to roughly 20–60% of the dense peak (A100 AMP ≈ 20%, V100 FP32 ≈ 60%).
 * Transformers: Chowdhery et al. 2022 (PaLM) Table 3 reports 46% MFU for PaLM and
 * 21–33% for GPT-3, Gopher and Megatron-Turing NLG. Small MLPs are bound by per-step
 * overhead, not arithmetic: GreenLens's own prior, kept wide.
 */
const UTILISATION: Record<ModelClass, { low: number; mid: number; high: number; source: string }> = {
  conv: { low: 0.2, mid: 0.35, high: 0.6, source: 'NVIDIA DeepLearningExamples ResNet-50 v1.5 throughput tables (≈ 20–60% of dense peak)' },
  transformer: { low: 0.2, mid: 0.35, high: 0.5, source: 'Chowdhery et al. 2022 (PaLM), Table 3: MFU 21–46% for large-model training' },
  mlp: { low: 0.01, mid: 0.03, high: 0.2, source: 'GreenLens prior: eager PyTorch on small layers reaches a few % of peak (≈ 3% measured for examples/tiny_cpu_train.py on a 2-thread VM)' },
};

/** FLOPs per cycle per thread of a CPU core at fp32: AVX2 with two FMA units, 8 lanes × 2 FLOPs × 2 units, shared by 2 hyperthreads. */
const CPU_FLOPS_PER_CYCLE_PER_THREAD = 16;
/** Per-thread power when the CPU is not in the TDP table (CodeCarbon's and Green Algorithms' fallback). */
const WATTS_PER_THREAD = 4;
// The same RAM model as measured runs use, so an estimate and a run of the same script agree on it.
const RAM_W_PER_GB = RAM_WATTS_PER_GB;
const RAM_SOURCE = RAM_MODEL_SOURCE;

export interface Platform {
  hardware: string;
  gpus: number;
  gpu?: GpuSpec;
  precision: Precision;
  /** Peak of the whole platform at that precision, FLOP/s. */
  peakFlops: number;
  utilisation: { low: number; mid: number; high: number };
  /** Power while training, W (GPUs + CPU + RAM), at the mid utilisation and at the range ends. */
  powerW: number;
  powerLowW: number;
  powerHighW: number;
  assumptions: Assumption[];
  /** Sentences for the user (a partial name matched, an unknown name ignored). */
  notes: string[];
}

/** The precision a script trains at: autocast/GradScaler/fp16=True/mixed policy → half; else fp32 (TF32 where PyTorch enables it). */
export function precisionOf(facts: Facts, modelClass: ModelClass): { precision: Precision; source: string } {
  const half = facts.calls.some((c) => /autocast|GradScaler|set_global_policy/.test(c.name) || c.args.some((a) => (a.keyword === 'fp16' || a.keyword === 'bf16') && a.literal === true) || c.args.some((a) => a.keyword === 'precision' && typeof a.literal === 'string' && /16/.test(a.literal)));
  if (half) return { precision: 'fp16', source: 'the script uses mixed precision (autocast / GradScaler / fp16 / 16-bit precision)' };
  const tf32 = facts.calls.some((c) => c.name.endsWith('set_float32_matmul_precision')) || facts.assignments.some((a) => /allow_tf32$/.test(a.target) && a.literal === true);
  if (tf32 || modelClass === 'conv') return { precision: 'tf32', source: tf32 ? 'the script enables TF32' : 'PyTorch CUDA semantics: cuDNN convolutions use TF32 by default on Ampere and later' };
  return { precision: 'fp32', source: 'no mixed precision in the script' };
}

function peakOf(gpu: GpuSpec, precision: Precision): { tflops: number; label: string } {
  if (precision === 'fp16') return { tflops: gpu.fp16Tflops, label: 'fp16/bf16 tensor' };
  if (precision === 'tf32' && gpu.tf32Tflops) return { tflops: gpu.tf32Tflops, label: 'TF32 tensor' };
  return { tflops: gpu.fp32Tflops, label: 'fp32' };
}

/** The platform an estimate runs on: `hardware` names a GPU (closest table entry), else this machine's CPU. */
export function platformOf(modelClass: ModelClass, precision: { precision: Precision; source: string }, options: { hardware?: string; gpus?: number; cpu?: CpuInfo }): Platform {
  const cpu = options.cpu ?? thisMachine();
  const notes: string[] = [];
  const u = UTILISATION[modelClass];
  const cpuTdp = lookupCpuTdp(cpu.model);
  const cpuW = cpuTdp ? cpuTdp.tdpW : cpu.threads * WATTS_PER_THREAD;
  const cpuSource = cpuTdp ? `${cpuTdp.name} TDP, ${CPU_POWER_SOURCE}` : `${cpu.threads} threads × ${WATTS_PER_THREAD} W (CodeCarbon / Green Algorithms fallback for CPUs not in the TDP table)`;
  const ramW = cpu.ramGb * RAM_W_PER_GB;
  const match = options.hardware ? lookupGpu(options.hardware) : undefined;
  if (options.hardware && !match) notes.push(`no GPU in the table matches "${options.hardware}"; estimated on this machine's CPU`);
  const assumptions: Assumption[] = [];
  if (match) {
    const gpu = match.gpu;
    const gpus = Math.max(1, Math.floor(options.gpus ?? 1));
    if (!match.exact) notes.push(`"${options.hardware}" taken as ${gpu.name}, the closest entry of the GPU table`);
    const peak = peakOf(gpu, precision.precision);
    // The host CPU feeds the GPUs at a fraction of its load; counted at half its power.
    const hostW = cpuW * 0.5 + ramW;
    const gpuPower = (usage: number) => gpus * gpu.tdpW * usage;
    assumptions.push(
      { name: 'hardware', value: `${gpus} × ${gpu.name}${match.exact ? '' : ` (closest entry to "${options.hardware}")`}`, source: gpu.source },
      { name: 'precision', value: `${precision.precision} → ${peak.label} peak ${peak.tflops} TFLOPS per GPU`, source: `${precision.source}; peak: ${gpu.source}` },
      { name: 'utilisation', value: `${pct(u.mid)} of peak (range ${pct(u.low)}–${pct(u.high)})`, source: u.source },
      { name: 'GPU power', value: `${gpu.tdpW} W TDP per GPU while training (range 70–100% of TDP)`, source: `${gpu.source}; usage factor 1.0 as Green Algorithms and ML CO2 Impact assume` },
      { name: 'host power', value: `CPU ${round(cpuW * 0.5)} W (half of ${round(cpuW)} W) + RAM ${round(ramW)} W`, source: `${cpuSource}; ${RAM_SOURCE}; host taken as this machine` },
    );
    return {
      hardware: gpu.name,
      gpus,
      gpu,
      precision: precision.precision,
      peakFlops: gpus * peak.tflops * 1e12,
      utilisation: u,
      powerW: gpuPower(1) + hostW,
      powerLowW: gpuPower(0.7) + hostW,
      powerHighW: gpuPower(1) + hostW,
      assumptions,
      notes,
    };
  }
  const peakFlops = cpu.threads * cpu.mhz * 1e6 * CPU_FLOPS_PER_CYCLE_PER_THREAD;
  assumptions.push(
    { name: 'hardware', value: `this machine's CPU: ${cpu.model}, ${cpu.threads} threads at ${cpu.mhz} MHz${cpu.mhzAssumed ? ' (clock not reported by the OS: assumed)' : ''}`, source: 'os.cpus() on this machine (no GPU named: pass --hardware to estimate on one)' },
    { name: 'precision', value: `fp32: peak ${round(peakFlops / 1e9)} GFLOPS = threads × clock × ${CPU_FLOPS_PER_CYCLE_PER_THREAD} FLOPs per cycle`, source: 'AVX2: 2 FMA units × 8 fp32 lanes × 2 FLOPs per core cycle, shared by 2 hardware threads' },
    { name: 'utilisation', value: `${pct(u.mid)} of peak (range ${pct(u.low)}–${pct(u.high)})`, source: u.source },
    { name: 'CPU power', value: `${round(cpuW)} W at full load (range 50–100%)`, source: cpuSource },
    { name: 'RAM power', value: `${round(ramW)} W for ${round(cpu.ramGb)} GB`, source: RAM_SOURCE },
  );
  return {
    hardware: `CPU: ${cpu.model}`,
    gpus: 0,
    precision: 'fp32',
    peakFlops,
    utilisation: u,
    powerW: cpuW + ramW,
    powerLowW: cpuW * 0.5 + ramW,
    powerHighW: cpuW + ramW,
    assumptions,
    notes,
  };
}

/** Peak of `platform` at another precision (for the mixed-precision saving). */
export function peakAt(platform: Platform, precision: Precision): number {
  if (!platform.gpu) return platform.peakFlops;
  return platform.gpus * peakOf(platform.gpu, precision).tflops * 1e12;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function round(x: number): number {
  return x >= 10 ? Math.round(x) : Math.round(x * 10) / 10;
}
