/**
 * One profiled run, as kept in `.greenlens/runs/<run_id>.json` and summarised
 * in a row of `.greenlens/emissions.csv`. The record keeps everything a
 * report needs to say how each figure was obtained: per-component energy with
 * its provenance and source, process versus machine energy, and the region,
 * intensity and PUE the carbon figure used.
 */
import * as crypto from 'crypto';
import * as os from 'os';
import { carbonOf, type CarbonInputs } from '../energy/carbon';
import type { ResolvedRegion } from '../knowledge/region';
import { greenlensVersion } from '../version';

export const RUN_RECORD_SCHEMA = 1;

export type RunStatus = 'completed' | 'failed' | 'cancelled' | 'killed';
export type Provenance = 'measured' | 'estimated';
export type EnergyComponent = 'cpu' | 'gpu' | 'ram';
/** `process`: energy attributed to the run's process tree; `machine`: the whole machine (CodeCarbon's terms). */
export type TrackingMode = 'process' | 'machine';

export interface ComponentEnergy {
  component: EnergyComponent;
  /** Energy of the run (per the tracking mode), kWh. */
  energyKWh: number;
  /** Mean power of the run over its duration, W. */
  powerW: number;
  provenance: Provenance;
  /** What produced the figure, e.g. `RAPL package-0`, `nvidia-smi power.draw`, `TDP model (65 W)`. */
  source: string;
  /** Whole-machine energy over the same interval, kWh, when the meter knows it. */
  machineEnergyKWh?: number;
}

/** One sample of the power timeline: seconds since the start and watts per component. */
export interface TimelinePoint {
  tS: number;
  /** Whole-machine power per component (W), over the interval that ends at tS. */
  cpuW?: number;
  gpuW?: number;
  ramW?: number;
  /** The run's own processes, all components together (W): what the run's energy adds up. Absent in records of earlier versions. */
  processW?: number;
}

/** What the meter's probe found for one kind of source, kept so reports can say why a figure is estimated. */
export interface SourceRecord {
  component: EnergyComponent;
  /** e.g. "RAPL via powercap", "nvidia-smi", "TDP model", "RAM model". */
  name: string;
  status: 'used' | 'absent' | 'unreadable' | 'failed';
  detail: string;
}

/** Processes left in the command's process group when it exited, which GreenLens stopped. */
export interface LeftoverProcesses {
  stopped: number;
  /** Of those, the ones that ignored SIGTERM and were killed. */
  killed: number;
}

export interface Utilisation {
  cpuPercent?: number;
  gpuPercent?: number;
  ramPercent?: number;
  ramUsedGb?: number;
}

/**
 * What the record builder needs from the meter. The meter's own report type
 * satisfies it structurally; fields the meter does not know stay undefined.
 */
export interface MeterSummary {
  durationS: number;
  components: readonly ComponentEnergy[];
  timeline: readonly TimelinePoint[];
  warnings: readonly string[];
  trackingMode?: TrackingMode;
  cpuModel?: string;
  gpuModels?: readonly string[];
  cpuCount?: number;
  ramTotalGb?: number;
  utilisation?: Utilisation;
  sources?: readonly SourceRecord[];
}

export interface GitInfo {
  commit: string;
  branch?: string;
}

export interface RunCommand {
  /** The command as run, program first. */
  argv: string[];
  cwd: string;
  /** The script the user ran, relative to the workspace folder, when there is one. */
  file?: string;
}

export interface RunProgress {
  epoch?: number;
  totalEpochs?: number;
  completedFraction?: number;
  /** The last predicted total before the run ended, kWh. */
  predictedTotalKWh?: number;
}

export interface RunRecord {
  schema: typeof RUN_RECORD_SCHEMA;
  runId: string;
  experimentId: string;
  projectName: string;
  /** ISO 8601, UTC. */
  startedAt: string;
  endedAt: string;
  durationS: number;
  command: RunCommand;
  exitCode: number | null;
  signal?: string;
  status: RunStatus;
  git?: GitInfo;
  trackingMode: TrackingMode;
  energy: {
    /** Energy of the run per the tracking mode (sum of the components), kWh. */
    totalKWh: number;
    /** Energy attributed to the run's processes, kWh (tracking mode `process`). */
    processKWh?: number;
    /** Energy of the whole machine over the run, kWh, when known. */
    machineKWh?: number;
    components: ComponentEnergy[];
  };
  carbon: {
    kgCO2e: number;
    gPerKWh: number;
    pue: number;
    pueIsDefault: boolean;
    region: ResolvedRegion;
    notes: string[];
  };
  hardware: {
    os: string;
    cpuModel?: string;
    cpuCount?: number;
    gpuModels: string[];
    ramTotalGb?: number;
    onCloud: boolean;
  };
  utilisation: Utilisation;
  timeline: TimelinePoint[];
  progress?: RunProgress;
  pythonVersion?: string;
  warnings: string[];
  /** The meter's sources as probed at the start (absent in records of earlier versions). */
  sources?: SourceRecord[];
  /** The signal GreenLens received that stopped the run (SIGINT, SIGTERM, SIGHUP). */
  stopSignal?: string;
  leftovers?: LeftoverProcesses;
  greenlensVersion: string;
}

export interface RunInput {
  meter: MeterSummary;
  projectName: string;
  command: RunCommand;
  startedAt: Date;
  /** Defaults to startedAt + meter.durationS. */
  endedAt?: Date;
  exitCode: number | null;
  signal?: string | null;
  /** True when the user stopped the run (the Stop button, Ctrl+C in the CLI). */
  stoppedByUser?: boolean;
  /** Overrides the status derived from exit code, signal and stoppedByUser. */
  status?: RunStatus;
  carbon?: CarbonInputs;
  git?: GitInfo;
  progress?: RunProgress;
  pythonVersion?: string;
  runId?: string;
  experimentId?: string;
  /** Defaults to `<os.type()>-<os.release()>-<os.arch()>`. */
  os?: string;
  stopSignal?: string;
  leftovers?: LeftoverProcesses;
}

/**
 * The status of a finished run: `cancelled` when the user stopped it,
 * `killed` when a signal ended it otherwise (the OOM killer's SIGKILL),
 * `completed` on exit code 0 and `failed` on any other.
 */
export function runStatusOf(exitCode: number | null, signal?: string | null, stoppedByUser = false): RunStatus {
  if (stoppedByUser) return 'cancelled';
  if (signal) return 'killed';
  return exitCode === 0 ? 'completed' : 'failed';
}

/** Builds the record of a finished run from the meter's summary and the run's facts. */
export function buildRunRecord(input: RunInput): RunRecord {
  const { meter } = input;
  const components = meter.components.map((c) => ({ ...c }));
  const totalKWh = components.reduce((sum, c) => sum + c.energyKWh, 0);
  const trackingMode = meter.trackingMode ?? 'process';
  const machineKnown = components.length > 0 && components.every((c) => c.machineEnergyKWh !== undefined);
  const machineKWh =
    trackingMode === 'machine' ? totalKWh : machineKnown ? components.reduce((sum, c) => sum + (c.machineEnergyKWh ?? 0), 0) : undefined;
  const carbon = carbonOf(totalKWh, input.carbon ?? {});
  const endedAt = input.endedAt ?? new Date(input.startedAt.getTime() + meter.durationS * 1000);
  const record: RunRecord = {
    schema: RUN_RECORD_SCHEMA,
    runId: input.runId ?? crypto.randomUUID(),
    experimentId: input.experimentId ?? '',
    projectName: input.projectName,
    startedAt: input.startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationS: meter.durationS,
    command: { ...input.command, argv: [...input.command.argv] },
    exitCode: input.exitCode,
    status: input.status ?? runStatusOf(input.exitCode, input.signal, input.stoppedByUser),
    trackingMode,
    energy: {
      totalKWh,
      processKWh: trackingMode === 'process' ? totalKWh : undefined,
      machineKWh,
      components,
    },
    carbon: {
      kgCO2e: carbon.kgCO2e,
      gPerKWh: carbon.gPerKWh,
      pue: carbon.pue,
      pueIsDefault: carbon.pueIsDefault,
      region: carbon.region,
      notes: carbon.notes,
    },
    hardware: {
      os: input.os ?? `${os.type()}-${os.release()}-${os.arch()}`,
      cpuModel: meter.cpuModel,
      cpuCount: meter.cpuCount,
      gpuModels: [...(meter.gpuModels ?? [])],
      ramTotalGb: meter.ramTotalGb,
      onCloud: carbon.region.kind === 'cloud',
    },
    utilisation: { ...meter.utilisation },
    timeline: meter.timeline.map((p) => ({ ...p })),
    warnings: [...meter.warnings],
    greenlensVersion: greenlensVersion(),
  };
  if (input.signal) record.signal = input.signal;
  if (input.git) record.git = { ...input.git };
  if (input.progress) record.progress = { ...input.progress };
  if (input.pythonVersion) record.pythonVersion = input.pythonVersion;
  if (meter.sources) record.sources = meter.sources.map((src) => ({ ...src }));
  if (input.stopSignal) record.stopSignal = input.stopSignal;
  if (input.leftovers && input.leftovers.stopped > 0) record.leftovers = { ...input.leftovers };
  return record;
}

/** Energy of one component of a record, kWh, or undefined when the meter had no such source. */
export function componentEnergy(record: RunRecord, component: EnergyComponent): ComponentEnergy | undefined {
  return record.energy.components.find((c) => c.component === component);
}
