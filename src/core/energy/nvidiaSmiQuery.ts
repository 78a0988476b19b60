/**
 * The questions the meter asks nvidia-smi and how their answers are read:
 * the GPU query (one line per GPU, every field validated: a line that is not
 * a well-formed reading is rejected, never misread), the compute-apps query
 * (which processes use each GPU), the probe that finds the GPUs within a
 * time limit, and the ceiling a GPU's energy counter is judged against.
 */
import { runBounded } from './boundedExec';

export const DEFAULT_NVIDIA_SMI = 'nvidia-smi';

/** The fields of the long-lived query, in this order. `uuid` maps compute apps to GPUs. */
export const GPU_QUERY_FIELDS = ['index', 'uuid', 'name', 'power.draw', 'total_energy_consumption', 'utilization.gpu', 'memory.used', 'power.limit'] as const;

export function gpuQueryArgs(intervalMs?: number): string[] {
  const args = [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  return intervalMs === undefined ? args : [...args, '-lms', String(intervalMs)];
}

export const COMPUTE_APPS_ARGS = ['--query-compute-apps=gpu_uuid,pid,used_memory', '--format=csv,noheader,nounits'];

/** One GPU at one moment, as one line of the query reports it. */
export interface GpuReading {
  index: number;
  uuid: string;
  name: string;
  powerW?: number;
  /** total_energy_consumption (mJ). */
  energyMj?: number;
  utilizationPercent?: number;
  memoryUsedMiB?: number;
  /** The board's software power limit (W), which it holds its average power to. */
  powerLimitW?: number;
}

/** What nvidia-smi prints for a field it cannot give. */
const NOT_AVAILABLE = /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU is lost|Requested functionality has been deprecated)\]?$/i;
const NUMBER = /^\d+(\.\d+)?$/;

/** A numeric field: a number, undefined for "[N/A]"-like values, or null for anything else (garbage). */
function numeric(text: string, max: number): number | undefined | null {
  if (NOT_AVAILABLE.test(text)) return undefined;
  if (!NUMBER.test(text)) return null;
  const v = Number(text);
  return v <= max ? v : null;
}

/** Parses one line of the GPU query; undefined when it is not a well-formed reading. */
export function parseGpuLine(line: string): GpuReading | undefined {
  const f = line.split(',').map((s) => s.trim());
  if (f.length !== GPU_QUERY_FIELDS.length) return undefined;
  const [index, uuid, name, power, energy, util, memory, limit] = f;
  if (!/^\d{1,3}$/.test(index) || !/^(GPU|MIG)-[A-Za-z0-9-]+$/.test(uuid) || !/^[\x20-\x7e]{1,100}$/.test(name)) return undefined;
  const powerW = numeric(power, 10_000);
  const energyMj = numeric(energy, Number.MAX_SAFE_INTEGER);
  const utilizationPercent = numeric(util, 100);
  const memoryUsedMiB = numeric(memory, 10_000_000);
  const powerLimitW = numeric(limit, 10_000);
  if (powerW === null || energyMj === null || utilizationPercent === null || memoryUsedMiB === null || powerLimitW === null) return undefined;
  return { index: Number(index), uuid, name, powerW, energyMj, utilizationPercent, memoryUsedMiB, powerLimitW };
}

/** The most a GPU can draw on average over a step, for judging its energy counter (see counterSanity.ts). */
export interface GpuCeiling {
  watts: number;
  basis: string;
}

/** A multiple of the power limit: the board holds its average power to the limit, with excursions of milliseconds above it. */
export const GPU_LIMIT_MULTIPLE = 2;
/** Without a power limit: over twice the 1,400 W of the largest boards of 2025 (B300). */
export const GPU_CEILING_W = 3000;

export function gpuCeiling(powerLimitW?: number): GpuCeiling {
  if (powerLimitW !== undefined && powerLimitW > 0) return { watts: GPU_LIMIT_MULTIPLE * powerLimitW, basis: `${GPU_LIMIT_MULTIPLE} × its ${powerLimitW} W power limit` };
  return { watts: GPU_CEILING_W, basis: 'the fixed ceiling for a GPU whose power limit nvidia-smi does not give' };
}

/** One process on a GPU, from the compute-apps query. */
export interface ComputeApp {
  uuid: string;
  pid: number;
  usedMiB?: number;
}

export function parseComputeAppLine(line: string): ComputeApp | undefined {
  const f = line.split(',').map((s) => s.trim());
  if (f.length !== 3 || !/^(GPU|MIG)-[A-Za-z0-9-]+$/.test(f[0]) || !/^\d+$/.test(f[1])) return undefined;
  const used = numeric(f[2], 10_000_000);
  if (used === null) return undefined;
  return { uuid: f[0], pid: Number(f[1]), usedMiB: used };
}

export interface GpuInfo {
  index: number;
  uuid: string;
  name: string;
  /** total_energy_consumption answered at probe time. */
  counter: boolean;
}

export type NvidiaProbe =
  | { status: 'absent'; detail: string }
  | { status: 'failed'; detail: string; warning: string }
  | { status: 'ok'; gpus: GpuInfo[]; detail: string };

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 200);
}

/**
 * Asks nvidia-smi once which GPUs there are, within `timeoutMs`. A missing
 * executable is `absent` (most machines have no NVIDIA GPU) unless the
 * caller named it explicitly; anything else that goes wrong is `failed` with
 * a warning that says what happened.
 */
export async function probeNvidiaSmi(smiPath: string, timeoutMs: number, explicitPath: boolean, signal?: AbortSignal): Promise<NvidiaProbe> {
  const run = runBounded(smiPath, gpuQueryArgs(), timeoutMs);
  // A run stopped while nvidia-smi is still thinking need not wait for it.
  const cancel = () => run.kill();
  signal?.addEventListener('abort', cancel, { once: true });
  const r = await run.result;
  signal?.removeEventListener('abort', cancel);
  if (signal?.aborted) {
    return { status: 'failed', detail: 'the run was stopped before it answered', warning: `The run was stopped before ${smiPath} answered; GPUs are not measured.` };
  }
  if (r.error?.code === 'ENOENT') {
    const detail = `${smiPath} not found`;
    return explicitPath ? { status: 'failed', detail, warning: `The nvidia-smi given (${smiPath}) does not exist; GPUs are not measured.` } : { status: 'absent', detail };
  }
  if (r.error) return { status: 'failed', detail: r.error.message, warning: `Could not run ${smiPath} (${r.error.code ?? r.error.message}); GPUs are not measured.` };
  if (r.timedOut) return { status: 'failed', detail: 'timed out', warning: `${smiPath} did not answer within ${timeoutMs} ms (a hung driver?); GPUs are not measured.` };
  const readings = r.stdout.split('\n').filter((l) => l.trim()).map(parseGpuLine);
  const gpus = readings.filter((g): g is GpuReading => g !== undefined);
  if (r.code !== 0 || !gpus.length) {
    const said = firstLine(r.stderr) || firstLine(r.stdout) || `exit code ${r.code}`;
    return { status: 'failed', detail: said, warning: `${smiPath} gave no GPU readings (${said}); GPUs are not measured.` };
  }
  const unique = new Map(gpus.map((g) => [g.index, g]));
  return {
    status: 'ok',
    gpus: [...unique.values()].map((g) => ({ index: g.index, uuid: g.uuid, name: g.name, counter: g.energyMj !== undefined })),
    detail: [...unique.values()].map((g) => `GPU ${g.index} ${g.name}`).join(', '),
  };
}
