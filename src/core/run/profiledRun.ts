/**
 * A profiled run: starts a command, meters its energy while it runs, follows
 * its progress in the output to predict the total, and when it ends — however
 * it ends — records it in the history folder. Shared by `greenlens run` and
 * the editor's "Run with Energy Profile".
 */
import * as path from 'path';
import { startMeter, type MeterOptions } from '../energy/meter';
import { checkBudget, EnergyPredictor, type BudgetCheck, type Prediction } from '../energy/prediction';
import { ProgressTracker, type Progress } from '../energy/progress';
import type { LiveReading, MeterReport } from '../energy/types';
import { gitCommitOf } from '../history/gitCommit';
import { buildRunRecord, type MeterSummary, type RunRecord } from '../history/runRecord';
import { appendRun, type AppendResult } from '../history/runStore';
import { startProcess, type ProcessExit, type StopGrace } from './processRunner';

export interface ProfiledRunOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** The history folder (`.greenlens`) the run is recorded in. */
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
  meter?: Omit<MeterOptions, 'pid' | 'log'>;
  /** Epoch count read from the script, for outputs that do not print it (Lightning). */
  totalEpochsHint?: number;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Called about once a second while the run goes on. */
  onLive?: (live: LiveStatus) => void;
  /** Called once, when the predicted total first exceeds the budget. */
  onBudgetExceeded?: (check: BudgetCheck) => void;
  log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

export interface LiveStatus {
  reading: LiveReading;
  progress?: Progress;
  prediction?: Prediction;
}

export interface ProfiledRunResult {
  record: RunRecord;
  exit: ProcessExit;
  saved: AppendResult;
  report: MeterReport;
}

export interface ProfiledRun {
  pid: number | undefined;
  /** Stops the command (SIGINT → SIGTERM → SIGKILL); the run is still recorded, as cancelled. */
  stop(grace?: StopGrace): Promise<void>;
  done: Promise<ProfiledRunResult>;
}

/** Thrown when the command cannot be started at all: nothing ran, so nothing is recorded. */
export class RunStartError extends Error {}

export async function startProfiledRun(options: ProfiledRunOptions): Promise<ProfiledRun> {
  const log = options.log ?? (() => undefined);
  const tracker = new ProgressTracker({ totalEpochs: options.totalEpochsHint });
  const predictor = new EnergyPredictor();
  const startedAt = new Date();
  const started = performance.now();
  let progress: Progress | undefined;
  let prediction: Prediction | undefined;
  let budgetWarned = false;
  // Output can arrive before the meter has started; progress seen then waits for the next line.
  const metering: { meter?: Awaited<ReturnType<typeof startMeter>> } = {};

  const observe = () => {
    if (!metering.meter || progress?.completedFraction === undefined) return;
    const reading = metering.meter.current();
    prediction =
      predictor.observe({
        // The record counts the run's own processes (tracking mode `process`), so the prediction does too.
        energyKWh: reading.processEnergyKWh,
        elapsedS: (performance.now() - started) / 1000,
        fraction: progress.completedFraction,
        epochsCompleted: progress.epochsCompleted,
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
    throw new RunStartError(`cannot start ${options.command}: ${exit.spawnError?.message ?? 'unknown error'}`);
  }

  const meter = await startMeter({ ...options.meter, pid: child.pid, log });
  metering.meter = meter;
  const liveTimer = setInterval(() => {
    observe();
    options.onLive?.({ reading: meter.current(), progress, prediction });
  }, 1000);

  const done = (async (): Promise<ProfiledRunResult> => {
    const exit = await child.exited;
    clearInterval(liveTimer);
    const report = await meter.stop();
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
      carbon: { region: options.region, pue: options.pue },
      git: safeGitCommit(options.cwd),
      progress: final
        ? { epoch: final.epoch, totalEpochs: final.totalEpochs, completedFraction: final.completedFraction, predictedTotalKWh: prediction?.totalKWh }
        : undefined,
    });
    const saved = appendRun(options.historyDir, record);
    return { record, exit, saved, report };
  })();

  return {
    pid: child.pid,
    async stop(grace) {
      await child.stop(grace);
    },
    done,
  };
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
    timeline: report.timeline.map((p) => (hasGpu ? { tS: p.t, cpuW: p.cpuW, gpuW: p.gpuW, ramW: p.ramW } : { tS: p.t, cpuW: p.cpuW, ramW: p.ramW })),
    warnings: report.warnings,
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
