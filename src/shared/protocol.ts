/**
 * Every message between the extension host and the GreenLens webviews,
 * declared once. Host and webview import these types only (this file holds no
 * code), so a change to a message breaks the build on both sides.
 *
 * Handshake: the webview posts `ready` when its script has loaded; the host
 * answers with the full state, then sends small updates.
 */

// ---------------------------------------------------------------- sidebar

/** One run as the sidebar charts it. */
export interface RunPoint {
  runId: string;
  /** Epoch milliseconds when the run ended. */
  endedAt: number;
  /** Script path relative to the workspace folder, or the command when no script is known. */
  script: string;
  energyKWh: number;
  kgCO2e: number;
  durationS: number;
  status: 'completed' | 'failed' | 'cancelled' | 'killed' | 'unknown';
}

export interface Totals {
  energyKWh: number;
  kgCO2e: number;
  runs: number;
  thisWeekKg: number;
  lastWeekKg: number;
  thisWeekKWh: number;
  lastWeekKWh: number;
}

export interface ScriptSummary {
  script: string;
  runs: number;
  last: RunPoint;
  best: RunPoint;
  /** Last run against the mean of the earlier ones: `new` with one run. */
  trend: 'up' | 'down' | 'flat' | 'new';
  /** Relative change of the last run's energy against the earlier mean, e.g. -0.12. */
  trendRatio?: number;
}

export type SuggestionKind = 'lighter-model' | 'mixed-precision' | 'quantization' | 'pruning' | 'distillation' | 'training-hygiene' | 'loop';

export interface Suggestion {
  kind: SuggestionKind;
  title: string;
  /** What it saves, in words and numbers, e.g. "−64% FLOPs (11.5 → 4.1 GFLOPs)". */
  saving: string;
  /** Estimated relative saving used for ranking (0.64 for −64%). */
  savingRatio: number;
  /** Where the figure comes from. */
  source: string;
  /** Rule code when a finding prompted it. */
  code?: string;
  /** File relative to the workspace folder and 0-based line, to jump to. */
  file: string;
  line: number;
  /** A short code snippet for the script's framework. */
  snippet?: string;
  framework?: 'pytorch' | 'tensorflow' | 'huggingface' | 'sklearn' | 'other';
}

export interface FolderSummary {
  /** Workspace folder name and absolute path (the key for messages back). */
  name: string;
  path: string;
  totals: Totals;
  /** Runs in the order they ended (the chart's series). */
  runs: RunPoint[];
  scripts: ScriptSummary[];
  /** Open findings per family, GL1 … GL6. */
  findingsByFamily: Record<'GL1' | 'GL2' | 'GL3' | 'GL4' | 'GL5' | 'GL6', number>;
  suggestions: Suggestion[];
  /** Unreadable history lines and files, named, so nothing is lost silently. */
  warnings: string[];
}

export interface LiveRun {
  /** Workspace folder (absolute path) the script belongs to: the live block names it in multi-root workspaces. */
  folder: string;
  script: string;
  watts: number;
  energyKWh: number;
  predictedKWh?: number;
  epoch?: number;
  totalEpochs?: number;
  provenance: 'measured' | 'estimated' | 'mixed';
}

export interface SidebarState {
  folders: FolderSummary[];
  budgetKWh?: number;
  live?: LiveRun;
  /** True while the workspace is trusted (running scripts is possible). */
  canRun: boolean;
}

export type HostToSidebar =
  | { type: 'state'; state: SidebarState }
  | { type: 'live'; live: LiveRun | undefined }
  /** A run was recorded: append it without re-reading the whole history. */
  | { type: 'runAppended'; folder: string; run: RunPoint; totals: Totals; script: ScriptSummary };

export type SidebarToHost =
  | { type: 'ready' }
  | { type: 'openRun'; folder: string; runId: string }
  | { type: 'openLocation'; folder: string; file: string; line: number }
  | { type: 'runCommand'; command: 'openExample' | 'runActive' | 'analyzeWorkspace' | 'manageTrust' };

// ---------------------------------------------------------------- run report

export interface ReportComponent {
  component: 'cpu' | 'gpu' | 'ram';
  energyKWh: number;
  machineEnergyKWh?: number;
  powerW: number;
  provenance: 'measured' | 'estimated';
  source: string;
}

export interface Equivalent {
  /** e.g. "km driven by an average petrol car". */
  label: string;
  value: number;
  /** The factor used and where it comes from. */
  factor: string;
  source: string;
}

export interface GreenerRegion {
  name: string;
  code: string;
  gPerKWh: number;
  kgCO2e: number;
  savedPercent: number;
}

export interface RunReport {
  runId: string;
  folder: string;
  script?: string;
  command: string[];
  cwd: string;
  status: string;
  exitCode: number | null;
  startedAt: string;
  endedAt: string;
  durationS: number;
  git?: { commit: string; branch?: string };
  energyKWh: number;
  machineEnergyKWh?: number;
  components: ReportComponent[];
  timeline: { tS: number; cpuW?: number; gpuW?: number; ramW?: number }[];
  carbon: { kgCO2e: number; gPerKWh: number; pue: number; pueIsDefault: boolean; region: string; regionCode: string; regionIsDefault: boolean; regionReason: string; source: string };
  equivalents: Equivalent[];
  greener: GreenerRegion[];
  previous?: { runId: string; energyKWh: number; durationS: number; deltaEnergyRatio: number; deltaDurationRatio: number };
  warnings: string[];
  hardware: { cpuModel?: string; cpuCount?: number; gpuModels: string[]; ramTotalGb?: number };
}

export type HostToReport = { type: 'report'; report: RunReport } | { type: 'error'; message: string };

export type ReportToHost = { type: 'ready' } | { type: 'export'; format: 'markdown' | 'csv' | 'json' } | { type: 'openRun'; runId: string };

/** What a report panel keeps in `setState` so it can be restored after a window reload. */
export interface ReportPanelState {
  folder: string;
  runId: string;
}
