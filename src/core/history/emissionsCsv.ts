/**
 * `.greenlens/emissions.csv`: one row per run with CodeCarbon's columns, in
 * CodeCarbon's order and units, so tools that read CodeCarbon's output
 * (pandas scripts, its dashboard) read GreenLens's history too. Numeric
 * columns hold plain numbers; text columns (project_name, run_id, os,
 * cpu_model, …) that would start a spreadsheet formula are written with a
 * leading `'` and read back without it (see csv.ts).
 */
import { csvRow, endsInsideQuotes, parseCsvRecord, restoreFormulaText } from './csv';
import type { RunRecord } from './runRecord';

/** CodeCarbon's emissions.csv columns, in order (CodeCarbon 2.8/3.x). */
export const EMISSIONS_COLUMNS = [
  'timestamp',
  'project_name',
  'run_id',
  'experiment_id',
  'duration',
  'emissions',
  'emissions_rate',
  'cpu_power',
  'gpu_power',
  'ram_power',
  'cpu_energy',
  'gpu_energy',
  'ram_energy',
  'energy_consumed',
  'water_consumed',
  'country_name',
  'country_iso_code',
  'region',
  'cloud_provider',
  'cloud_region',
  'os',
  'python_version',
  'codecarbon_version',
  'cpu_count',
  'cpu_model',
  'gpu_count',
  'gpu_model',
  'longitude',
  'latitude',
  'ram_total_size',
  'tracking_mode',
  'cpu_utilization_percent',
  'gpu_utilization_percent',
  'ram_utilization_percent',
  'ram_used_gb',
  'on_cloud',
  'pue',
  'wue',
] as const;

export type EmissionsColumn = (typeof EMISSIONS_COLUMNS)[number];

export const EMISSIONS_HEADER = EMISSIONS_COLUMNS.join(',');

/** Columns a file must have for its rows to be read as runs. */
const REQUIRED: readonly EmissionsColumn[] = ['timestamp', 'run_id', 'duration', 'emissions', 'energy_consumed'];

/** A run as the emissions file tells it (the run JSON has the rest). */
export interface HistoryRun {
  /** The file the row came from and its 1-based line number. */
  file: string;
  line: number;
  /** CodeCarbon's format: local time `YYYY-MM-DDTHH:MM:SS`, no zone. */
  timestamp: string;
  runId: string;
  projectName: string;
  experimentId: string;
  durationS: number;
  emissionsKg: number;
  energyKWh: number;
  cpuEnergyKWh?: number;
  gpuEnergyKWh?: number;
  ramEnergyKWh?: number;
  cpuPowerW?: number;
  gpuPowerW?: number;
  ramPowerW?: number;
  countryName: string;
  countryIsoCode: string;
  region: string;
  cloudProvider: string;
  cloudRegion: string;
  trackingMode: string;
  pue?: number;
  cpuModel: string;
  gpuModel: string;
}

/** CodeCarbon's timestamp: the local time, to the second, without a zone. */
export function codecarbonTimestamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** GPU models as CodeCarbon writes them: `2 x NVIDIA A100-SXM4-40GB`, groups joined by `, `. */
export function gpuModelText(models: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].map(([m, n]) => `${n} x ${m}`).join(', ');
}

/** The CSV line (without its line break) for a run. */
export function emissionsRow(record: RunRecord): string {
  const energy = (c: 'cpu' | 'gpu' | 'ram') => record.energy.components.find((x) => x.component === c);
  const region = record.carbon.region;
  const cloud = region.kind === 'cloud';
  const values: Record<EmissionsColumn, string | number | undefined> = {
    timestamp: codecarbonTimestamp(new Date(record.endedAt)),
    project_name: record.projectName,
    run_id: record.runId,
    experiment_id: record.experimentId,
    duration: record.durationS,
    emissions: record.carbon.kgCO2e,
    emissions_rate: record.durationS > 0 ? record.carbon.kgCO2e / record.durationS : 0,
    cpu_power: energy('cpu')?.powerW ?? 0,
    gpu_power: energy('gpu')?.powerW ?? 0,
    ram_power: energy('ram')?.powerW ?? 0,
    cpu_energy: energy('cpu')?.energyKWh ?? 0,
    gpu_energy: energy('gpu')?.energyKWh ?? 0,
    ram_energy: energy('ram')?.energyKWh ?? 0,
    energy_consumed: record.energy.totalKWh,
    // GreenLens does not model water (WUE 0, CodeCarbon's default).
    water_consumed: 0,
    country_name: region.countryName ?? '',
    country_iso_code: region.countryIso3 ?? '',
    region: cloud ? region.cloudRegion : '',
    cloud_provider: cloud ? region.provider : '',
    cloud_region: cloud ? region.cloudRegion : '',
    os: record.hardware.os,
    python_version: record.pythonVersion ?? '',
    codecarbon_version: '',
    cpu_count: record.hardware.cpuCount,
    cpu_model: record.hardware.cpuModel ?? '',
    gpu_count: record.hardware.gpuModels.length,
    gpu_model: gpuModelText(record.hardware.gpuModels),
    longitude: '',
    latitude: '',
    ram_total_size: record.hardware.ramTotalGb,
    tracking_mode: record.trackingMode,
    cpu_utilization_percent: record.utilisation.cpuPercent,
    gpu_utilization_percent: record.utilisation.gpuPercent,
    ram_utilization_percent: record.utilisation.ramPercent,
    ram_used_gb: record.utilisation.ramUsedGb,
    on_cloud: record.hardware.onCloud ? 'Y' : 'N',
    pue: record.carbon.pue,
    wue: 0,
  };
  // Numbers stay numbers (plain, as CodeCarbon writes them); text cells are neutralised against formulas by csvRow.
  return csvRow(EMISSIONS_COLUMNS.map((c) => values[c] ?? ''));
}

/** How the rows of a file map to columns, from its header line. */
export interface HeaderLayout {
  /** True when the header is exactly GreenLens's (CodeCarbon's current) header. */
  exact: boolean;
  /** Field count every row must have. */
  width: number;
  index: Partial<Record<EmissionsColumn, number>>;
}

/**
 * Reads a header line. Another CodeCarbon version's header (columns added or
 * dropped) is still readable by name; a header without the required columns
 * is not an emissions file and gives `undefined`.
 */
export function headerLayout(line: string): HeaderLayout | undefined {
  const names = parseCsvRecord(line.replace(/^\uFEFF/, '').trimEnd());
  if (!names) return undefined;
  const index: Partial<Record<EmissionsColumn, number>> = {};
  for (const c of EMISSIONS_COLUMNS) {
    const i = names.indexOf(c);
    if (i >= 0) index[c] = i;
  }
  if (REQUIRED.some((c) => index[c] === undefined)) return undefined;
  const exact = names.length === EMISSIONS_COLUMNS.length && EMISSIONS_COLUMNS.every((c, i) => names[i] === c);
  return { exact, width: names.length, index };
}

export interface ParsedRows {
  runs: HistoryRun[];
  warnings: string[];
}

/**
 * Parses an emissions file. Each bad line (torn by a crash, written by
 * another tool, hand-edited) is skipped with a warning naming its line;
 * the other rows are kept. A quoted field that spans lines is accepted only
 * when the joined lines make a whole row.
 */
export function parseEmissions(text: string, file: string): ParsedRows {
  const lines = text.split('\n');
  const warnings: string[] = [];
  const runs: HistoryRun[] = [];
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  if (first >= lines.length) return { runs, warnings };
  const layout = headerLayout(lines[first]);
  if (!layout) {
    warnings.push(`${file}: line ${first + 1} is not an emissions.csv header (it lacks ${REQUIRED.join(', ')}); the file was not read`);
    return { runs, warnings };
  }
  const header = lines[first].replace(/^\uFEFF/, '').trimEnd();
  for (let i = first + 1; i < lines.length; i++) {
    let text = stripCr(lines[i]);
    if (text.trim() === '' || text === header) continue;
    const lineNo = i + 1;
    let fields = parseCsvRecord(text);
    if (!fields && endsInsideQuotes(text)) {
      // Join at most a few lines: a torn line must not swallow the rows after it.
      for (let j = i + 1; j < Math.min(lines.length, i + 4) && !fields; j++) {
        text += '\n' + stripCr(lines[j]);
        const joined = parseCsvRecord(text);
        if (joined && joined.length === layout.width) {
          fields = joined;
          i = j;
        }
      }
    }
    const skip = (why: string) => warnings.push(`${file}: line ${lineNo} ${why}; skipped`);
    if (!fields) {
      skip('is not well-formed CSV (a torn or foreign line)');
      continue;
    }
    if (fields.length !== layout.width) {
      skip(`has ${fields.length} fields where the header has ${layout.width}`);
      continue;
    }
    const run = toRun(fields, layout, file, lineNo);
    if (typeof run === 'string') skip(run);
    else runs.push(run);
  }
  return { runs, warnings };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The run of a row, or a description of what is wrong with it. */
function toRun(fields: string[], layout: HeaderLayout, file: string, line: number): HistoryRun | string {
  // A text cell written as `'=…` (neutralised against spreadsheet formulas) reads back as the text it was.
  const get = (c: EmissionsColumn) => {
    const i = layout.index[c];
    return i === undefined ? '' : restoreFormulaText(fields[i]);
  };
  const num = (c: EmissionsColumn) => {
    const s = get(c).trim();
    if (s === '') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  };
  const runId = get('run_id').trim();
  const timestamp = get('timestamp').trim();
  if (!runId) return 'has no run_id';
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(timestamp)) return `has no valid timestamp (${JSON.stringify(timestamp.slice(0, 40))})`;
  const durationS = num('duration');
  const emissionsKg = num('emissions');
  const energyKWh = num('energy_consumed');
  if (durationS === undefined || emissionsKg === undefined || energyKWh === undefined) return 'lacks a number in duration, emissions or energy_consumed';
  return {
    file,
    line,
    timestamp,
    runId,
    projectName: get('project_name'),
    experimentId: get('experiment_id'),
    durationS,
    emissionsKg,
    energyKWh,
    cpuEnergyKWh: num('cpu_energy'),
    gpuEnergyKWh: num('gpu_energy'),
    ramEnergyKWh: num('ram_energy'),
    cpuPowerW: num('cpu_power'),
    gpuPowerW: num('gpu_power'),
    ramPowerW: num('ram_power'),
    countryName: get('country_name'),
    countryIsoCode: get('country_iso_code'),
    region: get('region'),
    cloudProvider: get('cloud_provider'),
    cloudRegion: get('cloud_region'),
    trackingMode: get('tracking_mode'),
    pue: num('pue'),
    cpuModel: get('cpu_model'),
    gpuModel: get('gpu_model'),
  };
}
