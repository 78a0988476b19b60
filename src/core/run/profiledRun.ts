/**
 * A profiled run: starts a command, meters its energy while it runs, follows
 * its progress in the output to predict the total, and when it ends — however
 * it ends — records it in the history folder. Shared by `greenlens run` and
 * the editor's "Run with Energy Profile".
 */
import * as path from 'path';
import { startMeter, type Meter, type MeterOptions } from '../energy/meter';
import { checkBudget, EnergyPredictor, type BudgetCheck, type Prediction } from '../energy/prediction';
import { ProgressTracker, type Progress } from '../energy/progress';
import type { LiveReading, MeterReport } from '../energy/types';
import { gitCommitOf } from '../history/gitCommit';
import { buildRunRecord, type MeterSummary, type RunRecord } from '../history/runRecord';
import { appendRun } from '../history/runStore';
import { checkHistoryWritable, saveFallbackRecord } from './historyPreflight';
import { startProcess, type OutputSink, type ProcessExit, type StopGrace } from './processRunner';

export interface ProfiledRunOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** The history folder (`.greenlens`) the run is recorded in; checked before the command starts. */
  historyDir: string;
  /**
   * The script, when the command runs one, relative to the project folder
   * (`train.py`, `src/train.py`). Reports group runs by it, and it is stored as
   * the CSV's `experiment_id` so the history says which script each row ran.
   */
  file?: string;
  projectName?: string;
  /** `greenlens.region`: ISO country code or `provider:region`; unset → from the time zone. */
  region?: string;
  pue?: number;
  budgetKWh?: number;
  meter?: Omit<MeterOptions, 'pid' | 'log' | 'signal'>;
  /** Epoch count read from the script, for outputs that do not print it (Lightning). */
  totalEpochsHint?: number;
  /** Every chunk of the command's output, as text (terminals, tests). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Streams the output is forwarded to with backpressure (the CLI's own stdout and stderr). */
  sinks?: { stdout?: OutputSink; stderr?: OutputSink };
  /** Called about once a second while the run goes on. */
  onLive?: (live: LiveStatus) => void;
  /** Called once, when the (trusted) predicted total first exceeds the budget. */
  onBudgetExceeded?: (check: BudgetCheck) => void;
  log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

export interface LiveStatus {
  reading: LiveReading;
  progress?: Progress;
  /** Undefined until the rate it rests on was measured after start-up (see EnergyPredictor). */
  prediction?: Prediction;
}

/** Where the record went. */
export interface SavedRun {
  /** The emissions file the row went to, and the run's JSON; undefined when the history could not be written. */
  csvFile?: string;
  runFile?: string;
  /** Sentences for the user, e.g. that the row went to the fallback CSV. */
  warnings: string[];
  /** When the history could not be written: why, and the file the record was saved to instead. */
  error?: string;
  fallbackFile?: string;
}

export interface ProfiledRunResult {
  record: RunRecord;
  exit: ProcessExit;
  saved: SavedRun;
  report: MeterReport;
}

export interface ProfiledRun {
  pid: number | undefined;
  /**
   * Stops the command's whole process group (SIGINT → SIGTERM → SIGKILL, or
   * `signal` first → SIGKILL); the run is still recorded, as cancelled. A
   * `signal` says which signal GreenLens itself received, and is recorded.
   */
  stop(grace?: StopGrace, signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL to the whole group now (a second Ctrl+C); the run is still recorded. */
  kill(): void;
  done: Promise<ProfiledRunResult>;
}

/**
 * Thrown when nothing ran: the command could not be started (`command`), or
 * the history folder cannot take its record (`history`, checked first).
 */
export class RunStartError extends Error {
  constructor(
    message: string,
    readonly kind: 'command' | 'history',
  ) {
    super(message);
    this.name = 'RunStartError';
  }
}

/**
 * Starts a profiled run and returns at once, before the sources are probed
 * (nvidia-smi may take seconds to answer), so a stop is possible from the first
 * instant. The lifecycle, each step with its failure path:
 * check the history folder (else RunStartError, nothing runs) → start the
 * command (else RunStartError) → probe the sources and meter → wait for the
 * command → stop what is left of its process group, metered until it is gone →
 * finalise the meter → record (else a fallback file). Until the record is
 * written a timer keeps Node's event loop alive: the meter's own children and
 * timers are unref'd, and without it a CLI could exit mid-way with code 0.
 */
export async function startProfiledRun(options: ProfiledRunOptions): Promise<ProfiledRun> {
  const log = options.log ?? (() => undefined);
  const problem = checkHistoryWritable(options.historyDir);
  if (problem) throw new RunStartError(problem, 'history');

  const tracker = new ProgressTracker({ totalEpochs: options.totalEpochsHint });
  const predictor = new EnergyPredictor();
  const startedAt = new Date();
  let progress: Progress | undefined;
  let prediction: Prediction | undefined;
  let budgetWarned = false;
  let meter: Meter | undefined;
  let stopSignal: NodeJS.Signals | undefined;

  const observe = () => {
    if (!meter || progress?.completedFraction === undefined) return;
    const reading = meter.current();
    // Energy is known as of the last sample (up to an interval ago); progress lines arrive in
    // between, so bring it up to now at the run's current power. Without this, epochs shorter
    // than the interval got rates off by 2× on the example.
    const sinceSampleS = Math.max(0, reading.durationS - reading.sampledS);
    prediction =
      predictor.observe({
        // The record counts the run's own processes (tracking mode `process`), so the prediction does too.
        energyKWh: reading.processEnergyKWh + (reading.processWatts * sinceSampleS) / 3_600_000,
        elapsedS: reading.durationS,
        fraction: progress.completedFraction,
        epochsCompleted: progress.epochsCompleted,
        totalEpochs: progress.totalEpochs,
      }) ?? prediction;
    if (prediction && options.budgetKWh && !budgetWarned) {
      const check = checkBudget(prediction, { kWh: options.budgetKWh }, reading.processEnergyKWh);
      if (check?.exceeds) {
        budgetWarned = true;
        options.onBudgetExceeded?.(check);
      }
    }
  };

  const child = startProcess({
    command: options.command,
    args: options.args,
    cwd: options.cwd,
    env: options.env,
    sinks: options.sinks,
    onSinkClosed: (stream, error) => log('info', `${stream} closed (${error.code ?? error.message}); the command's ${stream} was closed too`),
    onOutput: (text, stream) => {
      options.onOutput?.(text, stream);
      const p = tracker.push(text);
      if (p) {
        progress = p;
        observe();
      }
    },
  });
  if (child.pid === undefined) {
    const exit = await child.exited;
    throw new RunStartError(`cannot start ${options.command}: ${exit.spawnError?.message ?? 'unknown error'}`, 'command');
  }

  // Ref'd on purpose: it holds the event loop until the record is written.
  const keepAlive = setInterval(() => undefined, 60_000);
  // The first sample is taken now; the nvidia-smi probe goes on while the command runs.
  const stopped = new AbortController();
  const meterReady = startMeter({ ...options.meter, pid: child.pid, log, signal: stopped.signal }).then((m) => (meter = m));
  const liveTimer = setInterval(() => {
    if (!meter) return;
    observe();
    options.onLive?.({ reading: meter.current(), progress, prediction });
  }, 1000);

  const done = (async (): Promise<ProfiledRunResult> => {
    try {
      const exit = await child.exited;
      clearInterval(liveTimer);
      // Processes still in the group are metered until they are stopped.
      const leftovers = await child.finish();
      const report = await (await meterReady).stop();
      const final = tracker.flush() ?? progress;
      const record = buildRunRecord({
        meter: toMeterSummary(report),
        projectName: options.projectName ?? path.basename(options.cwd),
        experimentId: options.file,
        command: { argv: [options.command, ...options.args], cwd: options.cwd, file: options.file },
        startedAt,
        exitCode: exit.exitCode,
        signal: exit.signal,
        stoppedByUser: child.stopRequested,
        stopSignal,
        leftovers: { stopped: leftovers.stopped.length, killed: leftovers.killed.length },
        carbon: { region: options.region, pue: options.pue },
        git: safeGitCommit(options.cwd),
        progress: final
          ? { epoch: final.epoch, totalEpochs: final.totalEpochs, completedFraction: final.completedFraction, predictedTotalKWh: prediction?.totalKWh }
          : undefined,
      });
      return { record, exit, saved: save(options, record), report };
    } finally {
      clearInterval(liveTimer);
      clearInterval(keepAlive);
    }
  })();

  return {
    pid: child.pid,
    async stop(grace, signal) {
      stopSignal ??= signal;
      stopped.abort();
      await child.stop(grace, signal === 'SIGHUP' || signal === 'SIGTERM' ? signal : 'SIGINT');
    },
    kill() {
      stopped.abort();
      child.kill();
    },
    done,
  };
}

/** Appends the record to the history; when that fails at the end (disk full), saves it to a fallback file. */
function save(options: ProfiledRunOptions, record: RunRecord): SavedRun {
  try {
    return appendRun(options.historyDir, record);
  } catch (e) {
    const error = `the run could not be written to ${options.historyDir}: ${(e as Error).message}`;
    return { warnings: [], error, fallbackFile: saveFallbackRecord(record, options.cwd) };
  }
}

/**
 * The meter's report in the shape the history records: the run's own share
 * of each component (tracking mode `process`), the whole machine beside it.
 */
export function toMeterSummary(report: MeterReport): MeterSummary {
  const hasGpu = report.components.some((c) => c.component === 'gpu');
  return {
    durationS: report.durationS,
    trackingMode: 'process',
    components: report.components.map((c) => ({
      component: c.component,
      energyKWh: c.process.energyKWh,
      powerW: c.process.powerW,
      provenance: c.provenance,
      source: `${c.source}; ${c.attribution}`,
      machineEnergyKWh: c.energyKWh,
    })),
    // Without a GPU the meter's gpuW is a placeholder 0: leave it out, so no report draws a GPU that is not there.
    timeline: report.timeline.map((p) => (hasGpu ? { tS: p.t, cpuW: p.cpuW, gpuW: p.gpuW, ramW: p.ramW, processW: p.processW } : { tS: p.t, cpuW: p.cpuW, ramW: p.ramW, processW: p.processW })),
    warnings: report.warnings,
    sources: report.sources,
    cpuModel: report.cpuModel,
    cpuCount: report.cpuCount,
    gpuModels: report.gpuModels,
    ramTotalGb: report.ramTotalGb,
    utilisation: {
      cpuPercent: report.cpuUtilizationPercent,
      gpuPercent: report.gpuUtilizationPercent,
      ramPercent: report.ramUtilizationPercent,
      ramUsedGb: report.ramUsedGb,
    },
  };
}

/** The commit the run's folder is at; a broken repository never costs the run its record. */
function safeGitCommit(dir: string) {
  try {
    return gitCommitOf(dir, { spawnGit: true });
  } catch {
    return undefined;
  }
}
