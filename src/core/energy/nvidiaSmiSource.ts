/**
 * NVIDIA GPUs through `nvidia-smi`.
 *
 * One long-lived `nvidia-smi --query-gpu=… -lms <interval>` prints a line
 * per GPU per interval; spawning it once per sample would cost more than the
 * rest of the meter together. Energy per GPU comes from the
 * `total_energy_consumption` counter (mJ since the driver loaded, Volta and
 * later), differenced exactly; where it reads [N/A], `power.draw` (W) is
 * integrated with the trapezoid rule. A separate, infrequent
 * `--query-compute-apps` tells which processes use each GPU, so the run gets
 * its share of a GPU it shares.
 *
 * nvidia-smi can be missing, hang (a stuck driver), die, or print something
 * unexpected: the probe has a time limit, every line is validated and
 * rejected lines are logged, and stop() kills the child by its pid (SIGTERM,
 * then SIGKILL) within a bound, whatever the child does.
 */
import { spawn, type ChildProcess } from 'child_process';
import { runBounded, type BoundedRun } from './boundedExec';
import { trapezoidJ } from './integrate';
import type { MeterLog, Provenance } from './types';

export const DEFAULT_NVIDIA_SMI = 'nvidia-smi';

/** The fields of the long-lived query, in this order. `uuid` maps compute apps to GPUs. */
export const GPU_QUERY_FIELDS = ['index', 'uuid', 'name', 'power.draw', 'total_energy_consumption', 'utilization.gpu', 'memory.used'] as const;

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
  const [index, uuid, name, power, energy, util, memory] = f;
  if (!/^\d{1,3}$/.test(index) || !/^(GPU|MIG)-[A-Za-z0-9-]+$/.test(uuid) || !/^[\x20-\x7e]{1,100}$/.test(name)) return undefined;
  const powerW = numeric(power, 10_000);
  const energyMj = numeric(energy, Number.MAX_SAFE_INTEGER);
  const utilizationPercent = numeric(util, 100);
  const memoryUsedMiB = numeric(memory, 10_000_000);
  if (powerW === null || energyMj === null || utilizationPercent === null || memoryUsedMiB === null) return undefined;
  return { index: Number(index), uuid, name, powerW, energyMj, utilizationPercent, memoryUsedMiB };
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
export async function probeNvidiaSmi(smiPath: string, timeoutMs: number, explicitPath: boolean): Promise<NvidiaProbe> {
  const r = await runBounded(smiPath, gpuQueryArgs(), timeoutMs).result;
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

/** What one GPU accumulated between start and stop. */
export interface GpuTotals {
  info: GpuInfo;
  energyJ: number;
  processEnergyJ: number;
  provenance: Provenance;
  source: string;
  utilizationPercent?: number;
  /** Readings received. */
  readings: number;
}

interface GpuState {
  info: GpuInfo;
  firstT?: number;
  firstPowerW?: number;
  lastT?: number;
  lastPowerW?: number;
  lastEnergyMj?: number;
  energyJ: number;
  processEnergyJ: number;
  counterSteps: number;
  powerSteps: number;
  skippedSteps: number;
  utilSum: number;
  utilCount: number;
  lastUtilization?: number;
  readings: number;
  /** Share of this GPU attributed to the run (0..1), from the last compute-apps answer. */
  share: number;
}

export interface NvidiaStreamOptions {
  smiPath: string;
  gpus: GpuInfo[];
  intervalMs: number;
  /** How often to ask which processes use the GPUs (ms). */
  appsEveryMs: number;
  /** Limit for each compute-apps query (ms). */
  queryTimeoutMs: number;
  /** How long stop() waits after SIGTERM before SIGKILL (ms). */
  killGraceMs: number;
  now: () => number;
  log: MeterLog;
  /** The live pids of the run's process tree. */
  runPids: () => ReadonlySet<number>;
  /** Whether a pid is visible in this pid namespace (containers see other pids in nvidia-smi). */
  pidVisible: (pid: number) => boolean;
}

const MAX_RESTARTS = 3;
const MAX_LOGGED_REJECTS = 5;

/** The long-lived nvidia-smi and what it reported. */
export class NvidiaSmiStream {
  readonly warnings: string[] = [];
  private readonly state = new Map<number, GpuState>();
  private child: ChildProcess | undefined;
  private buffer = '';
  private rejected = 0;
  private firstRejected = '';
  private restarts = 0;
  private stopping = false;
  private appsTimer: NodeJS.Timeout | undefined;
  private appsRun: BoundedRun | undefined;
  private warnedInvisible = false;
  private warnedReset = false;
  private readonly onExit = () => this.killNow('SIGKILL');

  constructor(private readonly o: NvidiaStreamOptions) {
    for (const info of o.gpus) {
      this.state.set(info.index, { info, energyJ: 0, processEnergyJ: 0, counterSteps: 0, powerSteps: 0, skippedSteps: 0, utilSum: 0, utilCount: 0, readings: 0, share: 0 });
    }
  }

  start(): void {
    this.spawnChild();
    // A child still running when Node exits without stop() would outlive us.
    process.once('exit', this.onExit);
    void this.pollApps();
    this.appsTimer = setInterval(() => void this.pollApps(), this.o.appsEveryMs);
    this.appsTimer.unref();
  }

  /** The pid of the long-lived child, if it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawnChild(): void {
    let child: ChildProcess;
    try {
      child = spawn(this.o.smiPath, gpuQueryArgs(this.o.intervalMs), { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      this.warn(`Could not start ${this.o.smiPath}: ${(e as Error).message}; GPU readings stop here.`);
      return;
    }
    this.child = child;
    this.buffer = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.onData(chunk));
    child.stderr!.on('data', (b: Buffer) => this.o.log('debug', `nvidia-smi: ${b.toString('utf8').trim().slice(0, 200)}`));
    child.on('error', (e) => this.o.log('warn', `nvidia-smi: ${e.message}`));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stopping) return;
      if (this.restarts < MAX_RESTARTS) {
        this.restarts++;
        this.o.log('warn', `nvidia-smi exited during the run (${signal ?? `code ${code}`}); restarting it (${this.restarts}/${MAX_RESTARTS}).`);
        this.spawnChild();
      } else {
        this.warn(`nvidia-smi kept exiting during the run (${signal ?? `code ${code}`}); GPU energy after its last reading is extrapolated from its last power.`);
      }
    });
    // Its pipes must not keep Node alive on their own; the meter's stop() ends it anyway.
    child.unref();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
  }

  private onData(chunk: string): void {
    const t = this.o.now();
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    if (this.buffer.length > 64 * 1024) {
      this.reject(this.buffer.slice(0, 200));
      this.buffer = '';
    }
    for (const line of lines) {
      if (!line.trim()) continue;
      const r = parseGpuLine(line);
      const s = r && this.state.get(r.index);
      if (!r || !s || s.info.uuid !== r.uuid) this.reject(line);
      else this.onReading(s, r, t);
    }
  }

  private reject(line: string): void {
    this.rejected++;
    if (this.rejected === 1) this.firstRejected = line.trim().slice(0, 120);
    if (this.rejected <= MAX_LOGGED_REJECTS) this.o.log('warn', `ignored a line from nvidia-smi that is not a reading: ${JSON.stringify(line.slice(0, 200))}`);
  }

  private onReading(s: GpuState, r: GpuReading, t: number): void {
    s.readings++;
    if (r.utilizationPercent !== undefined) {
      s.utilSum += r.utilizationPercent;
      s.utilCount++;
      s.lastUtilization = r.utilizationPercent;
    }
    if (s.lastT === undefined) {
      s.firstT = t;
      s.firstPowerW = r.powerW;
    } else {
      const dtS = (t - s.lastT) / 1000;
      let stepJ: number | undefined;
      if (r.energyMj !== undefined && s.lastEnergyMj !== undefined) {
        if (r.energyMj >= s.lastEnergyMj) {
          stepJ = (r.energyMj - s.lastEnergyMj) / 1000;
          s.counterSteps++;
        } else if (!this.warnedReset) {
          this.warnedReset = true;
          this.o.log('warn', `GPU ${s.info.index}: total_energy_consumption went backwards (driver reloaded?); that step uses power.draw.`);
        }
      }
      if (stepJ === undefined && r.powerW !== undefined && s.lastPowerW !== undefined) {
        stepJ = trapezoidJ(s.lastPowerW, r.powerW, dtS);
        s.powerSteps++;
      }
      if (stepJ === undefined) s.skippedSteps++;
      else {
        s.energyJ += stepJ;
        s.processEnergyJ += stepJ * s.share;
      }
      // Without power.draw, the counter step gives the power for the timeline.
      if (r.powerW === undefined && stepJ !== undefined && dtS > 0) r = { ...r, powerW: stepJ / dtS };
    }
    s.lastT = t;
    s.lastPowerW = r.powerW ?? s.lastPowerW;
    s.lastEnergyMj = r.energyMj;
  }

  private async pollApps(): Promise<void> {
    if (this.appsRun || this.stopping) return;
    const run = runBounded(this.o.smiPath, COMPUTE_APPS_ARGS, this.o.queryTimeoutMs);
    this.appsRun = run;
    const r = await run.result;
    this.appsRun = undefined;
    if (this.stopping) return;
    if (r.error || r.timedOut || r.code !== 0) {
      this.o.log('debug', `nvidia-smi --query-compute-apps failed (${r.error?.code ?? (r.timedOut ? 'timed out' : `code ${r.code}`)}); GPU shares unchanged.`);
      return;
    }
    const apps: ComputeApp[] = [];
    for (const line of r.stdout.split('\n')) {
      if (!line.trim()) continue;
      const app = parseComputeAppLine(line);
      if (app) apps.push(app);
      else this.o.log('debug', `ignored compute-apps line: ${JSON.stringify(line.slice(0, 200))}`);
    }
    this.updateShares(apps);
  }

  /**
   * A GPU's share for the run: the run's part of the GPU memory its compute
   * processes hold (all of it when only the run's processes are there, none
   * when none are). When the processes on a busy GPU are not visible from
   * here (containers see other pid numbers, or none), the whole GPU counts
   * for the run, and a warning says so.
   */
  updateShares(apps: ComputeApp[]): void {
    const mine = this.o.runPids();
    for (const s of this.state.values()) {
      const on = apps.filter((a) => a.uuid === s.info.uuid);
      if (!on.length) {
        // Nothing listed anywhere while this GPU works: the listing is blind, not the GPU idle.
        const busy = (s.lastUtilization ?? 0) > 0;
        s.share = busy && !apps.length ? this.assumeWhole(s, 'nvidia-smi lists no compute processes') : 0;
        continue;
      }
      if (!on.some((a) => this.o.pidVisible(a.pid))) {
        s.share = this.assumeWhole(s, 'its compute processes are not visible from here');
        continue;
      }
      const weight = (a: ComputeApp) => a.usedMiB ?? 0;
      const total = on.reduce((sum, a) => sum + weight(a), 0);
      const ours = on.filter((a) => mine.has(a.pid));
      s.share = total > 0 ? ours.reduce((sum, a) => sum + weight(a), 0) / total : ours.length / on.length;
    }
  }

  private assumeWhole(s: GpuState, why: string): number {
    if (!this.warnedInvisible) {
      this.warnedInvisible = true;
      this.warn(`GPU ${s.info.index} is busy but ${why} (usual inside a container); the whole GPU is attributed to the run.`);
    }
    return 1;
  }

  /** Machine and run GPU power at the last readings (W). */
  currentPowerW(): { machine: number; process: number } {
    let machine = 0;
    let proc = 0;
    for (const s of this.state.values()) {
      machine += s.lastPowerW ?? 0;
      proc += (s.lastPowerW ?? 0) * s.share;
    }
    return { machine, process: proc };
  }

  /** Energy integrated so far (J), without the edge corrections of totals(). */
  energySoFarJ(): { machine: number; process: number } {
    let machine = 0;
    let proc = 0;
    for (const s of this.state.values()) {
      machine += s.energyJ;
      proc += s.processEnergyJ;
    }
    return { machine, process: proc };
  }

  /** Average utilisation over all GPUs and readings (%), if any reading had one. */
  utilizationPercent(): number | undefined {
    let sum = 0;
    let n = 0;
    for (const s of this.state.values()) {
      sum += s.utilSum;
      n += s.utilCount;
    }
    return n ? sum / n : undefined;
  }

  /**
   * Per-GPU energy over [startMs, stopMs]. Readings arrive on nvidia-smi's own
   * clock, so the stretch before the first and after the last reading (at
   * most about one interval) is filled with the nearest power.
   */
  totals(startMs: number, stopMs: number): GpuTotals[] {
    const out: GpuTotals[] = [];
    for (const s of this.state.values()) {
      if (s.firstT === undefined || s.lastT === undefined) {
        this.warn(`GPU ${s.info.index} (${s.info.name}): nvidia-smi gave no reading during the run; its energy is not counted.`);
        continue;
      }
      const spanS = (s.lastT - s.firstT) / 1000;
      const meanW = spanS > 0 ? s.energyJ / spanS : (s.lastPowerW ?? 0);
      const headJ = (s.firstPowerW ?? meanW) * Math.max(0, (s.firstT - startMs) / 1000);
      const tailJ = (s.lastPowerW ?? meanW) * Math.max(0, (stopMs - s.lastT) / 1000);
      const energyJ = s.energyJ + headJ + tailJ;
      const processEnergyJ = s.processEnergyJ + (headJ + tailJ) * s.share;
      const source =
        s.counterSteps && !s.powerSteps
          ? 'NVIDIA total_energy_consumption via nvidia-smi'
          : s.powerSteps && !s.counterSteps
            ? 'NVIDIA power.draw via nvidia-smi, integrated by the trapezoid rule'
            : s.counterSteps
              ? 'NVIDIA total_energy_consumption via nvidia-smi (power.draw integrated where the counter was unavailable)'
              : 'NVIDIA power.draw via nvidia-smi (a single reading)';
      if (s.skippedSteps) this.warn(`GPU ${s.info.index}: ${s.skippedSteps} of ${s.readings - 1} steps had neither energy counter nor power and were not counted.`);
      out.push({
        info: s.info,
        energyJ,
        processEnergyJ,
        provenance: 'measured',
        source,
        utilizationPercent: s.utilCount ? s.utilSum / s.utilCount : undefined,
        readings: s.readings,
      });
    }
    if (this.rejected) this.warn(`nvidia-smi printed ${this.rejected} line(s) that were not readings; they were ignored (first: ${JSON.stringify(this.firstRejected)}).`);
    return out;
  }

  /**
   * Ends the long-lived child: SIGTERM, then SIGKILL after `killGraceMs`.
   * Resolves within about twice `killGraceMs` even if the child ignores both
   * (it cannot ignore SIGKILL, but a process stuck in the kernel may take
   * time to go).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.appsTimer) clearInterval(this.appsTimer);
    this.appsRun?.kill();
    const child = this.child;
    if (child) {
      const exited = new Promise<boolean>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve(true);
        child.once('exit', () => resolve(true));
      });
      const within = (ms: number) => Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
      this.killNow('SIGTERM');
      if (!(await within(this.o.killGraceMs))) {
        this.killNow('SIGKILL');
        if (!(await within(this.o.killGraceMs))) this.o.log('warn', `nvidia-smi (pid ${child.pid}) did not exit after SIGKILL.`);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
    this.child = undefined;
    process.removeListener('exit', this.onExit);
  }

  private killNow(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }

  private warn(message: string): void {
    if (this.warnings.includes(message)) return;
    this.warnings.push(message);
    this.o.log('warn', message);
  }
}
