/**
 * The run report: what the report panel shows for one run, the carbon
 * statement a user pastes into a paper's appendix, and the run's CSV and
 * JSON exports.
 *
 * Every figure keeps its provenance: each component says whether it was
 * measured or estimated and from what, the carbon figure names its region,
 * intensity, the intensity's source and the PUE, and defaults are called
 * defaults.
 */
import { greenerRegions, type GreenerOption } from '../energy/carbon';
import { EMISSIONS_HEADER, emissionsRow } from '../history/emissionsCsv';
import type { ComponentEnergy, RunRecord } from '../history/runRecord';
import { formatCo2, formatDuration, formatEnergy, formatWatts, sig } from '../report/units';
import { greenlensVersion } from '../version';
import type { GreenerRegion, ReportComponent, RunComparison, RunReport } from '../../shared/protocol';
import { scriptOfRecord } from './aggregate';
import { equivalentsOf, formatEquivalent } from './equivalents';

export interface RunReportOptions {
  /** Absolute path of the workspace folder the run belongs to. */
  folder: string;
  /**
   * The run compared with the last completed run of its script before it
   * (`comparisonForRecord`, the same computation the sidebar shows).
   */
  comparison?: RunComparison;
  /** Greener regions; computed from the record's energy, region and PUE when absent. */
  greener?: readonly GreenerOption[];
  /** How many greener regions to list (default 3). */
  greenerLimit?: number;
}

export type ExportFormat = 'markdown' | 'csv' | 'json';

export interface ExportedRun {
  /** A file name to offer in the save dialog, e.g. `greenlens-run-1a2b3c4d.md`. */
  fileName: string;
  /** MIME type of the content. */
  mimeType: string;
  content: string;
}

const LABEL = { cpu: 'CPU', gpu: 'GPU', ram: 'RAM' } as const;

function reportComponent(c: ComponentEnergy): ReportComponent {
  const out: ReportComponent = { component: c.component, energyKWh: c.energyKWh, powerW: c.powerW, provenance: c.provenance, source: c.source };
  if (c.machineEnergyKWh !== undefined) out.machineEnergyKWh = c.machineEnergyKWh;
  return out;
}

function greenerOf(record: RunRecord, options: RunReportOptions): GreenerRegion[] {
  const found = options.greener ?? greenerRegions(record.energy.totalKWh, { region: record.carbon.region, pue: record.carbon.pue }, options.greenerLimit ?? 3);
  return found.map((g) => ({ name: g.region.name, code: g.region.code, gPerKWh: g.region.gPerKWh, kgCO2e: g.kgCO2e, savedPercent: g.savedPercent }));
}

/** Record warnings and carbon notes, each once (the region's reason is shown beside the region already). */
function reportWarnings(record: RunRecord): string[] {
  const out: string[] = [];
  const reason = record.carbon.region.reason;
  for (const w of [...record.warnings, ...record.carbon.notes]) {
    if (w === reason || out.includes(w)) continue;
    out.push(w);
  }
  return out;
}

/** The report panel's data for one run. */
export function buildRunReport(record: RunRecord, options: RunReportOptions): RunReport {
  const region = record.carbon.region;
  const report: RunReport = {
    runId: record.runId,
    folder: options.folder,
    command: [...record.command.argv],
    cwd: record.command.cwd,
    status: record.status,
    exitCode: record.exitCode,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    durationS: record.durationS,
    energyKWh: record.energy.totalKWh,
    components: record.energy.components.map(reportComponent),
    timeline: record.timeline.map((p) => ({ ...p })),
    carbon: {
      kgCO2e: record.carbon.kgCO2e,
      gPerKWh: record.carbon.gPerKWh,
      pue: record.carbon.pue,
      pueIsDefault: record.carbon.pueIsDefault,
      region: region.name,
      regionCode: region.code,
      regionIsDefault: region.isDefault,
      regionReason: region.reason,
      source: region.source,
    },
    equivalents: equivalentsOf(record.carbon.kgCO2e),
    greener: greenerOf(record, options),
    warnings: reportWarnings(record),
    hardware: {
      cpuModel: record.hardware.cpuModel,
      cpuCount: record.hardware.cpuCount,
      gpuModels: [...record.hardware.gpuModels],
      ramTotalGb: record.hardware.ramTotalGb,
    },
  };
  if (record.command.file) report.script = scriptOfRecord(record, options.folder);
  if (record.git) report.git = { ...record.git };
  if (record.energy.machineKWh !== undefined) report.machineEnergyKWh = record.energy.machineKWh;
  // Only a comparison of this very run: a stale one (another run's) is left out rather than shown under this run's name.
  if (options.comparison && options.comparison.runId === record.runId) report.comparison = options.comparison;
  return report;
}

// ---------------------------------------------------------------- carbon statement

/** Escapes text for a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function hardwareText(record: RunRecord): string {
  const h = record.hardware;
  const parts: string[] = [];
  if (h.cpuModel || h.cpuCount) parts.push(`CPU: ${h.cpuModel ?? 'unknown model'}${h.cpuCount ? ` (${h.cpuCount} logical CPUs)` : ''}`);
  if (h.gpuModels.length) {
    const counts = new Map<string, number>();
    for (const g of h.gpuModels) counts.set(g, (counts.get(g) ?? 0) + 1);
    parts.push(`GPU: ${[...counts].map(([m, n]) => `${n} × ${m}`).join(', ')}`);
  } else {
    parts.push('GPU: none metered');
  }
  if (h.ramTotalGb) parts.push(`RAM: ${sig(h.ramTotalGb)} GB`);
  parts.push(`OS: ${h.os}`);
  if (h.onCloud) parts.push('cloud instance');
  return parts.join('; ');
}

/** `measured` / `estimated` / `partly measured` over the components. */
function provenanceWord(record: RunRecord): string {
  const kinds = new Set(record.energy.components.map((c) => c.provenance));
  if (kinds.size === 0) return 'not metered';
  if (kinds.size === 1) return [...kinds][0];
  return 'partly measured, partly estimated';
}

function pueText(record: RunRecord): string {
  return record.carbon.pueIsDefault
    ? `${sig(record.carbon.pue)} (default: no PUE was set; 1.0 counts the machine alone, as CodeCarbon does for local machines)`
    : `${sig(record.carbon.pue)} (set with greenlens.pue)`;
}

/**
 * A carbon statement for a paper's appendix, in Markdown: a sentence to
 * quote, then a table with the hardware, duration, energy per component
 * (measured or estimated, and from what), region, grid intensity and its
 * source, PUE and CO2e, then the method.
 */
export function carbonStatementMarkdown(record: RunRecord, options: { folder?: string } = {}): string {
  const c = record.carbon;
  const region = c.region;
  const version = record.greenlensVersion || greenlensVersion();
  const script = record.command.file ? (options.folder ? scriptOfRecord(record, options.folder) : record.command.file) : record.command.argv.join(' ');
  const facility = record.energy.totalKWh * c.pue;
  const out: string[] = [];
  out.push(`# Carbon statement: ${script}`);
  out.push('');
  out.push(
    `The run of \`${script}\` (GreenLens run ${record.runId}, ${record.status}) took ${formatDuration(record.durationS)} and used ` +
      `${formatEnergy(record.energy.totalKWh)} of electricity (${provenanceWord(record)}), which at a PUE of ${sig(c.pue)} and a grid intensity of ` +
      `${sig(c.gPerKWh)} gCO2e/kWh (${region.name}) corresponds to ${formatCo2(c.kgCO2e)}. ` +
      `Energy was recorded with GreenLens ${version} in CodeCarbon-compatible form.`,
  );
  out.push('');
  out.push('| Item | Value |');
  out.push('|---|---|');
  const row = (k: string, v: string) => out.push(`| ${cell(k)} | ${cell(v)} |`);
  row('Hardware', hardwareText(record));
  row('Started / ended (UTC)', `${record.startedAt} / ${record.endedAt}`);
  row('Duration', `${formatDuration(record.durationS)} (${sig(record.durationS)} s)`);
  for (const comp of record.energy.components) {
    const machine = comp.machineEnergyKWh !== undefined ? `; whole machine ${formatEnergy(comp.machineEnergyKWh)}` : '';
    row(`Energy, ${LABEL[comp.component]}`, `${formatEnergy(comp.energyKWh)}, mean ${formatWatts(comp.powerW)}${machine}: ${comp.provenance} (${comp.source})`);
  }
  const scope = record.trackingMode === 'process' ? "the run's own processes" : 'the whole machine';
  const machineTotal = record.trackingMode === 'process' && record.energy.machineKWh !== undefined ? `; whole machine over the same interval ${formatEnergy(record.energy.machineKWh)}` : '';
  row('Energy, total', `${formatEnergy(record.energy.totalKWh)} (${sig(record.energy.totalKWh, 4)} kWh) for ${scope}${machineTotal}`);
  row('Region', `${region.name} (${region.code})${region.isDefault ? ', a default' : ''}: ${region.reason}`);
  const year = region.year && !region.source.includes(String(region.year)) ? ` (${region.year})` : '';
  row('Grid carbon intensity', `${sig(c.gPerKWh)} gCO2e/kWh${year}; source: ${region.source}`);
  row('PUE', pueText(record));
  row('Emissions', `${formatCo2(c.kgCO2e)} (${sig(c.kgCO2e, 4)} kg CO2e) = ${sig(record.energy.totalKWh, 4)} kWh × ${sig(c.pue)} PUE = ${sig(facility, 4)} kWh × ${sig(c.gPerKWh)} gCO2e/kWh`);
  if (record.git) row('Code version', `git ${record.git.commit}${record.git.branch ? ` (${record.git.branch})` : ''}`);
  const equivalents = equivalentsOf(c.kgCO2e);
  if (equivalents.length) row('For scale', equivalents.map(formatEquivalent).join('; ') + ' (U.S. EPA factors)');
  out.push('');
  out.push('## Method');
  out.push('');
  out.push(
    `Measured with GreenLens ${version}, which samples power while the script runs and integrates it over time. ` +
      'Figures marked *measured* come from hardware energy counters (Intel/AMD RAPL for CPU packages, NVIDIA power readings through nvidia-smi for GPUs); ' +
      'figures marked *estimated* come from a model (thermal design power scaled by utilisation for CPUs, a per-gigabyte model for RAM) and name it in their source. ' +
      (record.trackingMode === 'process'
        ? "Energy is attributed to the run's own process tree (CodeCarbon's tracking mode `process`). "
        : 'Energy covers the whole machine (CodeCarbon\'s tracking mode `machine`). ') +
      'Emissions = energy × PUE × grid carbon intensity of the region; embodied emissions of the hardware are not included. ' +
      'The run is recorded in `.greenlens/emissions.csv` with CodeCarbon\'s columns and units (and in full in `.greenlens/runs/' +
      `${record.runId}.json\`), so tools that read CodeCarbon's output read it too.`,
  );
  const notes = reportWarnings(record);
  if (notes.length) {
    out.push('');
    out.push('## Notes');
    out.push('');
    for (const n of notes) out.push(`- ${n}`);
  }
  if (equivalents.length) {
    out.push('');
    out.push('## Equivalence factors');
    out.push('');
    for (const e of equivalents) out.push(`- ${e.label}: ${e.factor}. Source: ${e.source}.`);
  }
  return out.join('\n') + '\n';
}

/** The run as CodeCarbon's emissions.csv: header and one row. */
export function runCsv(record: RunRecord): string {
  return `${EMISSIONS_HEADER}\n${emissionsRow(record)}\n`;
}

/** The run record as pretty-printed JSON. */
export function runJson(record: RunRecord): string {
  return JSON.stringify(record, null, 2) + '\n';
}

/** The content and a file name for the report panel's export buttons. */
export function exportRun(record: RunRecord, format: ExportFormat, options: { folder?: string } = {}): ExportedRun {
  const base = `greenlens-run-${record.runId.slice(0, 8)}`;
  switch (format) {
    case 'markdown':
      return { fileName: `${base}-carbon-statement.md`, mimeType: 'text/markdown', content: carbonStatementMarkdown(record, options) };
    case 'csv':
      return { fileName: `${base}.csv`, mimeType: 'text/csv', content: runCsv(record) };
    case 'json':
      return { fileName: `${base}.json`, mimeType: 'application/json', content: runJson(record) };
  }
}
