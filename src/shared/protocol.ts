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
  /** How much work the run did, when its record says (progress read from its output, or its arguments). */
  work?: RunWork;
}

/** Units of training work a comparison can be made per. */
export type WorkUnit = 'epoch' | 'step' | 'sample';

/** A count of work units and where it was read, e.g. `{ count: 6, source: '--epochs 6' }`. */
export interface WorkCount {
  count: number;
  source: string;
}

/**
 * The work a run did, per unit, as far as it is known. For a run that did not
 * complete only what it actually did counts (epochs read from its output), not
 * what its arguments asked for.
 */
export type RunWork = Partial<Record<WorkUnit, WorkCount>>;

/**
 * A run compared with an earlier one, computed once in the core
 * (`src/core/insights/comparison.ts`) and shown as is by the sidebar, the run
 * report, the end-of-run notification and the CLI, so they always agree.
 *
 * A run is compared only with a completed run of the same script. When the
 * two did different amounts of work (epochs, steps, samples), energy per unit
 * of work is compared and the text says so; when that is not possible the
 * outcome is `not-comparable` and `reason` says why.
 */
export interface RunComparison {
  /** The run compared, its script and its status. */
  runId: string;
  script: string;
  status: RunPoint['status'];
  /** `compared`: the figures below are set; `first`: the script's first run, completed; `not-comparable`: see `reason`. */
  outcome: 'compared' | 'first' | 'not-comparable';
  /** The last completed run of the same script before this one, when there is one. */
  baseline?: { runId: string; endedAt: number; energyKWh: number; durationS: number };
  /** `run`: whole runs (the same work, or work not recorded for either); otherwise energy per unit of work. */
  basis?: 'run' | WorkUnit;
  /** The work of both runs in the basis unit, with where each count was read. */
  work?: { unit: WorkUnit; run: WorkCount; baseline: WorkCount };
  /** Energy of this run and of the baseline in the basis (per run, per epoch…), kWh. */
  energyKWh?: number;
  baselineEnergyKWh?: number;
  /** Relative change of energy in the basis: −0.43 for 43% less. */
  ratio?: number;
  /** Relative change of duration in the same basis. */
  durationRatio?: number;
  /** `flat` within ±5% (run-to-run noise of metered energy); `none` when not compared. */
  direction: 'up' | 'down' | 'flat' | 'none';
  /** `good` only for a completed run that used less: a failed or stopped run is never shown as a saving. */
  tone: 'good' | 'bad' | 'neutral';
  /** A few characters for a list: "↑ 12%", "↓ 43%/epoch", "≈", "new", "–". */
  badge: string;
  /** The comparison in one line, the same everywhere: "vs the last completed run of train.py: ↑ 12% energy". */
  text: string;
  /** The figures behind it: "1.2 Wh → 1.34 Wh", "per epoch: 30 mWh → 26 mWh". */
  detail?: string;
  /** Why the runs are not compared, when `outcome` is `not-comparable`. */
  reason?: string;
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
  /** The cheapest run that may stand as best: a completed one, or one whose status was never recorded; absent when every run failed or was stopped. */
  best?: RunPoint;
  /** The last run compared with the last completed run before it. */
  comparison: RunComparison;
}

/**
 * What a suggestion does. A script gets at most one suggestion of each kind;
 * `training-hygiene` and `loop` group several different changes, so for them
 * the kind together with the rule `code` names one change.
 */
export type SuggestionKind = 'lighter-model' | 'mixed-precision' | 'quantization' | 'pruning' | 'distillation' | 'training-hygiene' | 'loop';

/** Something in the script that a suggestion exists because of. */
export interface SuggestionEvidence {
  /** `architecture`: the layer or constructor that decides whose figures apply (a conv net's, a transformer's). */
  kind: 'finding' | 'model-save' | 'model-export' | 'model-served' | 'checkpoint' | 'architecture' | 'cuda-device';
  /** 0-based line in the suggestion's file. */
  line: number;
  /** What it is, as a phrase: "saves the trained model", "GL304 no-mixed-precision", "puts the work on a CUDA device". */
  what: string;
  /** The source line, trimmed (and shortened when long). */
  excerpt?: string;
}

/** What a suggestion saves on this script's measured runs (from its last completed run). */
export interface RunSaving {
  /** Energy saved per run, kWh: `runKWh × ratio`. */
  kWh: number;
  /** The relative saving applied, e.g. 0.076 for −7.6%. */
  ratio: number;
  /** The ratio is an upper bound ("up to 3× faster"). */
  upTo: boolean;
  /** What the ratio is a saving of, e.g. "FLOPs", "CO2", "training time". */
  metric: string;
  /** The completed run the energy comes from. */
  runId: string;
  runKWh: number;
  provenance?: 'measured' | 'estimated' | 'mixed';
}

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
  /** Why this script gets it: the first item is at `line`; more items (a CUDA device) support it. */
  evidence: SuggestionEvidence[];
  /** Further lines where the same finding was reported (0-based), shown as "also line …". */
  alsoAt?: number[];
  /** The saving on this script's last completed run, when it has one and the change saves energy per run. */
  runSaving?: RunSaving;
}

/** One open finding, as the sidebar's findings list and the run report show it. */
export interface FindingItem {
  code: string;
  ruleName: string;
  family: 'GL1' | 'GL2' | 'GL3' | 'GL4' | 'GL5' | 'GL6';
  severity: 'error' | 'warning' | 'information' | 'hint';
  /** The message's first sentence (Markdown code spans kept as `…`). */
  summary: string;
  /** File relative to the workspace folder and 0-based line. */
  file: string;
  line: number;
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
  /** The open findings themselves, for the list the family tiles filter (absent: only the counts are known). */
  findings?: FindingItem[];
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
  timeline: { tS: number; cpuW?: number; gpuW?: number; ramW?: number; processW?: number }[];
  carbon: { kgCO2e: number; gPerKWh: number; pue: number; pueIsDefault: boolean; region: string; regionCode: string; regionIsDefault: boolean; regionReason: string; source: string };
  equivalents: Equivalent[];
  greener: GreenerRegion[];
  /** The run compared with the last completed run of the same script before it (the sidebar shows the same object). */
  comparison?: RunComparison;
  warnings: string[];
  hardware: { cpuModel?: string; cpuCount?: number; gpuModels: string[]; ramTotalGb?: number };
}

/** The report's "What would save the most": the script's suggestions and findings, each leading to its line. */
export interface ReportSavings {
  /** The script, relative to the workspace folder. */
  script: string;
  /** Ranked, best first. */
  suggestions: Suggestion[];
  /** Every open finding of the script (those without a figure too). */
  findings: FindingItem[];
  /** Why nothing or less could be listed, e.g. "the script is no longer in the folder", "CUDA-only advice is left out: this run used no GPU". */
  notes: string[];
}

export type HostToReport =
  | { type: 'report'; report: RunReport }
  | { type: 'error'; message: string }
  /** "What would save the most" for the run's script, sent after the report (the script is analysed first). */
  | { type: 'savings'; runId: string; savings: ReportSavings };

export type ReportToHost =
  | { type: 'ready' }
  | { type: 'export'; format: 'markdown' | 'csv' | 'json' }
  | { type: 'openRun'; runId: string }
  /** Open a file of the report's workspace folder at a 0-based line (checked by the host: only regular files inside the folder). */
  | { type: 'openLocation'; file: string; line: number };

/** What a report panel keeps in `setState` so it can be restored after a window reload. */
export interface ReportPanelState {
  folder: string;
  runId: string;
}
