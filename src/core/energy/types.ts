/**
 * The energy meter's vocabulary. Every figure says whether a counter or
 * meter measured it (`measured`) or a model derived it (`estimated`), and
 * from what (`source`), so reports never present a guess as a measurement.
 */

export type Component = 'cpu' | 'gpu' | 'ram';
export type Provenance = 'measured' | 'estimated';

/** Receives the meter's diagnostics; `warn` is for what a user may want to act on. */
export type MeterLog = (level: 'debug' | 'info' | 'warn', message: string) => void;

/** Joules and kilowatt-hours of one quantity, with its average power over the run. */
export interface Energy {
  energyJ: number;
  energyKWh: number;
  /** Average power over the metered duration (W). */
  powerW: number;
}

/** One component's energy for the whole machine and for the run's processes. */
export interface ComponentEnergy extends Energy {
  component: Component;
  provenance: Provenance;
  /** Where the figure comes from, e.g. "RAPL package-0 via powercap". */
  source: string;
  /** The share attributed to the run's process tree (same units, same provenance, see `attribution`). */
  process: Energy;
  /** How `process` was derived from the machine figure. */
  attribution: string;
}

/** One GPU's energy. */
export interface GpuEnergy extends Energy {
  index: number;
  uuid: string;
  name: string;
  provenance: Provenance;
  source: string;
  process: Energy;
  /** Average utilisation.gpu over the readings (%), undefined when nvidia-smi gave none. */
  utilizationPercent?: number;
}

/** Machine-wide power at one sample, in watts; `t` is seconds since the meter started. */
export interface TimelinePoint {
  t: number;
  cpuW: number;
  gpuW: number;
  ramW: number;
  /** The run's process tree, all components together. */
  processW: number;
}

/** What the probe at start found for one kind of source. */
export interface SourceStatus {
  component: Component;
  /** e.g. "RAPL via powercap", "nvidia-smi", "TDP model", "RAM model". */
  name: string;
  status: 'used' | 'absent' | 'unreadable' | 'failed';
  detail: string;
}

export interface MeterReport {
  /** Wall time between start and stop (s). */
  durationS: number;
  intervalMs: number;
  /** Samples taken, and those that failed and were skipped. */
  samples: number;
  failedSamples: number;
  /** Per component, whole machine and run's processes. */
  components: ComponentEnergy[];
  /** Totals over all components. */
  machineEnergy: Energy;
  processEnergy: Energy;
  /** `mixed` when some components are measured and others estimated. */
  provenance: Provenance | 'mixed';
  gpus: GpuEnergy[];
  /** Downsampled as the run grows (see `timelineStepS`) so a long run stays small. */
  timeline: TimelinePoint[];
  /** Seconds each timeline point stands for (a multiple of the interval). */
  timelineStepS: number;
  sources: SourceStatus[];
  /** Things the user may act on, e.g. RAPL present but unreadable, with the command that fixes it. */
  warnings: string[];
  cpuModel: string;
  cpuCount: number;
  gpuModels: string[];
  ramTotalGb: number;
  /** Machine-wide averages over the run (%), named like CodeCarbon's columns. */
  cpuUtilizationPercent: number;
  gpuUtilizationPercent?: number;
  ramUtilizationPercent: number;
  /** Average used memory of the machine (GB; every GB in the meter is 2^30 bytes). */
  ramUsedGb: number;
  /** CPU time of the run's process tree over the run, in cores (1.0 = one core busy throughout). */
  processCpuCores: number;
  /** Peak resident memory of the run's process tree (GB). */
  processRamPeakGb: number;
}

/** What `current()` says while the run goes on. */
export interface LiveReading {
  durationS: number;
  /** When the energy figures were last brought up to date (s since the start): the last sample. */
  sampledS: number;
  /** Machine power at the last sample, per component and in total (W). */
  watts: { cpu: number; gpu: number; ram: number; total: number };
  /** The run's process tree at the last sample (W). */
  processWatts: number;
  /** Energy so far (kWh). */
  energyKWh: number;
  processEnergyKWh: number;
  provenance: Provenance | 'mixed';
}
