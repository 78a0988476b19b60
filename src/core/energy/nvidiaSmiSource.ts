/**
 * NVIDIA GPUs through `nvidia-smi`.
 *
 * One long-lived `nvidia-smi --query-gpu=… -lms <interval>` prints a line
 * per GPU per interval; spawning it once per sample would cost more than the
 * rest of the meter together. Energy per GPU comes from the
 * `total_energy_consumption` counter (mJ since the driver loaded, Volta and
 * later), differenced exactly; where it reads [N/A], goes back (the driver
 * was reloaded), or jumps by more than the GPU could draw (see gpuCeiling),
 * `power.draw` (W) is integrated with the trapezoid rule for that step. A
 * separate, infrequent `--query-compute-apps` tells which processes use each
 * GPU, so the run gets its share of a GPU it shares; energy read before the
 * first answer waits for it, so a short run gets its share too.
 *
 * nvidia-smi can be missing, hang (a stuck driver), die, or print something
 * unexpected: the probe has a time limit, every line is validated and
 * rejected lines are logged (nvidiaSmiQuery.ts), and stop() kills the child
 * by its pid (SIGTERM, then SIGKILL) within a bound, whatever the child does.
 */
import { spawn, type ChildProcess } from 'child_process';
import { runBounded, waitAtMost, type BoundedRun } from './boundedExec';
import { formatWatts, judgeCounterStep } from './counterSanity';
import { trapezoidJ } from './integrate';
import { COMPUTE_APPS_ARGS, gpuCeiling, gpuQueryArgs, parseComputeAppLine, parseGpuLine, type ComputeApp, type GpuCeiling, type GpuInfo, type GpuReading } from './nvidiaSmiQuery';
import type { MeterLog, Provenance } from './types';

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
  /** When total_energy_consumption last changed (the meter's clock, ms). */
  counterMovedT?: number;
  lastPowerLimitW?: number;
  energyJ: number;
  processEnergyJ: number;
  /** Energy read before the first compute-apps answer; that answer's share attributes it. */
  unattributedJ: number;
  counterSteps: number;
  powerSteps: number;
  skippedSteps: number;
  /** Counter steps above the GPU's ceiling (replaced by power.draw), the largest power one implied, and the ceiling. */
  implausibleSteps: number;
  maxImpliedW: number;
  ceiling?: GpuCeiling;
  utilSum: number;
  utilCount: number;
  lastUtilization?: number;
  readings: number;
  /** Share of this GPU attributed to the run (0..1), from the last compute-apps answer; undefined before the first. */
  share?: number;
}

export interface NvidiaStreamOptions {
  smiPath: string;
  gpus: GpuInfo[];
  intervalMs: number;
  /** How often to ask which processes use the GPUs (ms). */
  appsEveryMs: number;
  /** Limit for each compute-apps query (ms). */
  queryTimeoutMs: number;
  /** How long stop() waits after SIGTERM before SIGKILL (ms), and at most for a first compute-apps answer. */
  killGraceMs: number;
  now: () => number;
  log: MeterLog;
  /**
   * The pids of the run's process tree, all those seen so far: a compute-apps
   * answer describes the moment it was asked, and the run's processes may
   * have exited by the time it arrives.
   */
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
  /** Set once stop() is over: a compute-apps answer arriving later changes nothing. */
  private finished = false;
  private appsTimer: NodeJS.Timeout | undefined;
  private appsRun: BoundedRun | undefined;
  private appsPoll: Promise<void> | undefined;
  /** The last compute-apps answer, to re-judge a GPU no process was listed on when it turns busy or idle. */
  private lastApps: ComputeApp[] | undefined;
  private warnedInvisible = false;
  private warnedReset = false;
  private readonly onExit = () => this.killNow('SIGKILL');

  constructor(private readonly o: NvidiaStreamOptions) {
    for (const info of o.gpus) {
      this.state.set(info.index, {
        info,
        energyJ: 0,
        processEnergyJ: 0,
        unattributedJ: 0,
        counterSteps: 0,
        powerSteps: 0,
        skippedSteps: 0,
        implausibleSteps: 0,
        maxImpliedW: 0,
        utilSum: 0,
        utilCount: 0,
        readings: 0,
      });
    }
  }

  start(): void {
    this.spawnChild();
    // A child still running when Node exits without stop() would outlive us.
    process.once('exit', this.onExit);
    this.startAppsPoll();
    this.appsTimer = setInterval(() => this.startAppsPoll(), this.o.appsEveryMs);
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
    // Its pipes must not keep Node alive on their own: the run's lifecycle keeps Node alive while
    // it runs, and stop() (whose timers are ref'd, so Node waits for it) ends the child.
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
      const wasBusy = (s.lastUtilization ?? 0) > 0;
      s.utilSum += r.utilizationPercent;
      s.utilCount++;
      s.lastUtilization = r.utilizationPercent;
      // A GPU no process is listed on counts for the run only while busy (see shareOf): re-judge when that changes.
      if (this.lastApps && wasBusy !== r.utilizationPercent > 0 && !this.lastApps.some((a) => a.uuid === s.info.uuid)) s.share = this.shareOf(s, this.lastApps);
    }
    if (r.powerLimitW !== undefined) s.lastPowerLimitW = r.powerLimitW;
    if (s.lastT === undefined) {
      s.firstT = t;
      s.firstPowerW = r.powerW;
    } else {
      const dtS = (t - s.lastT) / 1000;
      let stepJ: number | undefined;
      if (r.energyMj !== undefined && s.lastEnergyMj !== undefined) stepJ = this.counterStepJ(s, r.energyMj, t);
      if (stepJ === undefined && r.powerW !== undefined && s.lastPowerW !== undefined) {
        stepJ = trapezoidJ(s.lastPowerW, r.powerW, dtS);
        s.powerSteps++;
      }
      if (stepJ === undefined) s.skippedSteps++;
      else {
        s.energyJ += stepJ;
        if (s.share === undefined) s.unattributedJ += stepJ;
        else s.processEnergyJ += stepJ * s.share;
      }
      // Without power.draw, the counter step gives the power for the timeline.
      if (r.powerW === undefined && stepJ !== undefined && dtS > 0) r = { ...r, powerW: stepJ / dtS };
    }
    if (r.energyMj !== s.lastEnergyMj) s.counterMovedT = t;
    s.lastT = t;
    s.lastPowerW = r.powerW ?? s.lastPowerW;
    s.lastEnergyMj = r.energyMj;
  }

  /** The counter's step (J) up to reading time `t`, or undefined when it went back or cannot be energy (power.draw then stands in). */
  private counterStepJ(s: GpuState, energyMj: number, t: number): number | undefined {
    const ceiling = gpuCeiling(s.lastPowerLimitW);
    // Judged over the time since the counter last moved: a driver that updates it more slowly than
    // nvidia-smi prints shows flat steps, then one holding all of them. And over one of nvidia-smi's
    // intervals at least: lines queue in the pipe while Node is busy and then arrive a moment apart.
    const sinceS = (t - (s.counterMovedT ?? s.lastT!)) / 1000;
    const step = judgeCounterStep({ previous: s.lastEnergyMj!, current: energyMj, unitsPerJoule: 1000, dtS: Math.max(sinceS, this.o.intervalMs / 1000), ceilingW: ceiling.watts });
    if (step.counted) {
      s.counterSteps++;
      return step.joules;
    }
    if (step.why === 'went back') {
      if (!this.warnedReset) {
        this.warnedReset = true;
        this.o.log('warn', `GPU ${s.info.index}: total_energy_consumption went backwards (driver reloaded?); that step uses power.draw.`);
      }
      return undefined;
    }
    if (++s.implausibleSteps === 1) this.o.log('warn', `GPU ${s.info.index}: a total_energy_consumption step implied ${formatWatts(step.impliedW)}, above its ${formatWatts(ceiling.watts)} ceiling; that step uses power.draw.`);
    s.maxImpliedW = Math.max(s.maxImpliedW, step.impliedW);
    s.ceiling = ceiling;
    return undefined;
  }

  private startAppsPoll(): void {
    if (this.appsPoll || this.stopping) return;
    this.appsPoll = this.pollApps().finally(() => (this.appsPoll = undefined));
  }

  private async pollApps(): Promise<void> {
    const run = runBounded(this.o.smiPath, COMPUTE_APPS_ARGS, this.o.queryTimeoutMs);
    this.appsRun = run;
    const r = await run.result;
    this.appsRun = undefined;
    if (this.finished) return;
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

  /** Sets every GPU's share from a compute-apps answer; energy read before the first answer gets its share now. */
  updateShares(apps: ComputeApp[]): void {
    this.lastApps = apps;
    for (const s of this.state.values()) {
      s.share = this.shareOf(s, apps);
      if (s.unattributedJ) {
        s.processEnergyJ += s.unattributedJ * s.share;
        s.unattributedJ = 0;
      }
    }
  }

  /**
   * A GPU's share for the run: the run's part of the GPU memory its compute
   * processes hold (all of it when only the run's processes are there, none
   * when none are). When the processes on a busy GPU are not visible from
   * here (containers see other pid numbers, or none), the whole GPU counts
   * for the run, and a warning says so.
   */
  private shareOf(s: GpuState, apps: ComputeApp[]): number {
    const on = apps.filter((a) => a.uuid === s.info.uuid);
    if (!on.length) {
      // Nothing listed anywhere while this GPU works: the listing is blind, not the GPU idle.
      const busy = (s.lastUtilization ?? 0) > 0;
      return busy && !apps.length ? this.assumeWhole(s, 'nvidia-smi lists no compute processes') : 0;
    }
    if (!on.some((a) => this.o.pidVisible(a.pid))) return this.assumeWhole(s, 'its compute processes are not visible from here');
    const mine = this.o.runPids();
    const weight = (a: ComputeApp) => a.usedMiB ?? 0;
    const total = on.reduce((sum, a) => sum + weight(a), 0);
    const ours = on.filter((a) => mine.has(a.pid));
    return total > 0 ? ours.reduce((sum, a) => sum + weight(a), 0) / total : ours.length / on.length;
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
      proc += (s.lastPowerW ?? 0) * (s.share ?? 0);
    }
    return { machine, process: proc };
  }

  /** Energy integrated so far (J), without the edge corrections of totals(); the run's part only where its share is known. */
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
      const processEnergyJ = s.processEnergyJ + (headJ + tailJ) * (s.share ?? 0);
      const source =
        s.counterSteps && !s.powerSteps
          ? 'NVIDIA total_energy_consumption via nvidia-smi'
          : s.powerSteps && !s.counterSteps
            ? 'NVIDIA power.draw via nvidia-smi, integrated by the trapezoid rule'
            : s.counterSteps
              ? 'NVIDIA total_energy_consumption via nvidia-smi (power.draw integrated where the counter was unavailable or rejected)'
              : 'NVIDIA power.draw via nvidia-smi (a single reading)';
      if (s.skippedSteps) this.warn(`GPU ${s.info.index}: ${s.skippedSteps} of ${s.readings - 1} steps had neither energy counter nor power and were not counted.`);
      if (s.implausibleSteps && s.ceiling) {
        this.warn(
          `GPU ${s.info.index}: ${s.implausibleSteps} of ${s.readings - 1} total_energy_consumption step(s) implied up to ${formatWatts(s.maxImpliedW)}, ` +
            `above the ${formatWatts(s.ceiling.watts)} ceiling (${s.ceiling.basis}), so they are not energy; power.draw was integrated for those steps instead.`,
        );
      }
      if (s.share === undefined && energyJ > 0) {
        this.warn(`GPU ${s.info.index}: nvidia-smi did not say which processes used it before the run ended (--query-compute-apps gave no answer), so none of its energy is attributed to the run.`);
      }
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
   * time to go). Meanwhile, when a GPU's share is still unknown (a run shorter
   * than nvidia-smi's first compute-apps answer), a query already asked gets
   * as long to answer. The timers that bound these waits are ref'd: a process
   * with nothing else to do still waits for stop() to finish.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.appsTimer) clearInterval(this.appsTimer);
    const shareUnknown = [...this.state.values()].some((s) => s.share === undefined);
    const firstAnswer = shareUnknown && this.appsPoll ? waitAtMost(this.appsPoll, this.o.killGraceMs) : undefined;
    if (!firstAnswer) this.appsRun?.kill();
    await Promise.all([this.stopChild(), firstAnswer]);
    this.finished = true;
    this.appsRun?.kill();
    process.removeListener('exit', this.onExit);
  }

  private async stopChild(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<boolean>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(true);
      child.once('exit', () => resolve(true));
    });
    this.killNow('SIGTERM');
    if (!(await waitAtMost(exited, this.o.killGraceMs))) {
      this.killNow('SIGKILL');
      if (!(await waitAtMost(exited, this.o.killGraceMs))) this.o.log('warn', `nvidia-smi (pid ${child.pid}) did not exit after SIGKILL.`);
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    this.child = undefined;
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
