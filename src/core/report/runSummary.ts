/**
 * The plain-text summary of a profiled run, printed by `greenlens run` and
 * shown in the editor: duration, energy per component with its provenance,
 * CO2e with the region, intensity and PUE used, where it was saved.
 */
import * as path from 'path';
import type { RunRecord } from '../history/runRecord';
import type { RunComparison } from '../../shared/protocol';
import { formatCo2, formatDuration, formatEnergy, formatWatts, sig } from './units';

const LABEL = { cpu: 'CPU', gpu: 'GPU', ram: 'RAM' } as const;

/** One line: "18.2 Wh, 8.6 g CO2e (estimated)". */
export function runHeadline(record: RunRecord): string {
  return `${formatEnergy(record.energy.totalKWh)}, ${formatCo2(record.carbon.kgCO2e)} (${provenanceOf(record)})`;
}

/** `measured`, `estimated`, or `partly measured` when the components differ. */
export function provenanceOf(record: RunRecord): string {
  const kinds = new Set(record.energy.components.map((c) => c.provenance));
  if (kinds.size === 1) return [...kinds][0];
  return kinds.size === 0 ? 'nothing measured' : 'partly measured';
}

/** The region line: "FR France, 56 gCO2e/kWh (from greenlens.region)". */
export function regionLine(record: RunRecord): string {
  const r = record.carbon.region;
  return `${r.name} (${r.code}), ${sig(record.carbon.gPerKWh)} gCO2e/kWh — ${r.isDefault ? 'default: ' : ''}${r.reason}; source: ${r.source}`;
}

/** What the meter could not use, in a few words: "RAPL via powercap not available: /sys/class/powercap does not exist". */
function unusedSources(record: RunRecord, component: 'cpu' | 'ram' | 'gpu'): string {
  return (record.sources ?? [])
    .filter((s) => s.component === component && s.status !== 'used')
    .map((s) => `${s.name} ${s.status === 'absent' ? 'not available' : s.status}: ${s.detail.replace(/\s*\(.*\)\s*$/, '')}`)
    .join('; ');
}

/**
 * Why each figure of a run is estimated rather than measured, one short
 * sentence per component ("CPU estimated: RAPL via powercap not available:
 * /sys/class/powercap does not exist"), and one when no GPU was measured.
 * Empty when everything was measured. The model each estimate used is in the
 * component's source. Records of earlier versions keep no probe results:
 * their sentences say only that the figure is estimated.
 */
export function estimateReasons(record: RunRecord): string[] {
  const out: string[] = [];
  for (const c of record.energy.components) {
    if (c.provenance !== 'estimated') continue;
    const reason = unusedSources(record, c.component);
    const fallback = c.component === 'ram' ? 'no RAPL dram counter' : 'no energy counter';
    out.push(`${LABEL[c.component]} estimated: ${reason || fallback}`);
  }
  if (!record.energy.components.some((c) => c.component === 'gpu')) {
    const reason = unusedSources(record, 'gpu');
    if (reason) out.push(`No GPU measured: ${reason}`);
  }
  return out;
}

/**
 * The comparison line: "vs the last completed run of train.py: ↑ 12% energy
 * (1.2 Wh → 1.34 Wh)", or "not comparable: …" with the reason; the same text
 * the sidebar, the report and the notification show.
 */
export function comparisonLine(comparison: RunComparison): string {
  return comparison.outcome === 'compared' && comparison.detail ? `${comparison.text} (${comparison.detail})` : comparison.text;
}

/** @param comparison the run compared with the last completed run of its script (`comparisonForRecord`), when the history could be read */
export function formatRunSummary(record: RunRecord, savedFiles: string[], cwd = process.cwd(), comparison?: RunComparison): string {
  const out: string[] = [];
  const status = record.status === 'completed' ? 'completed' : `${record.status}${record.signal ? ` (${record.signal})` : record.exitCode !== null ? ` (exit ${record.exitCode})` : ''}`;
  out.push(`GreenLens run ${record.runId.slice(0, 8)} ${status} in ${formatDuration(record.durationS)}`);
  for (const c of record.energy.components) {
    out.push(`  ${LABEL[c.component]}  ${formatEnergy(c.energyKWh).padEnd(11)} avg ${formatWatts(c.powerW).padEnd(8)} ${c.provenance.padEnd(9)} ${c.source}`);
  }
  const machine = record.energy.machineKWh !== undefined ? `; whole machine ${formatEnergy(record.energy.machineKWh)}` : '';
  out.push(`  Energy ${formatEnergy(record.energy.totalKWh)} for this run's processes${machine} (${provenanceOf(record)})`);
  out.push(`  CO2e   ${formatCo2(record.carbon.kgCO2e)} at PUE ${sig(record.carbon.pue)}${record.carbon.pueIsDefault ? ' (default)' : ''}`);
  if (comparison) out.push(`  ${comparisonLine(comparison)}`);
  out.push(`  Region ${regionLine(record)}`);
  for (const note of record.carbon.notes) if (!record.carbon.region.reason.includes(note) && !note.includes(record.carbon.region.reason)) out.push(`  Note   ${note}`);
  for (const reason of estimateReasons(record)) out.push(`  Why    ${reason}`);
  if (record.stopSignal) out.push(`  Stopped by ${record.stopSignal}: the command's process group was stopped and the run recorded as ${record.status}`);
  if (record.leftovers) {
    const { stopped, killed } = record.leftovers;
    out.push(`  Left   ${stopped} process${stopped === 1 ? '' : 'es'} still running in the command's process group after it exited; metered until stopped (SIGTERM${killed ? `, then SIGKILL for ${killed}` : ''})`);
  }
  for (const warning of record.warnings) out.push(`  Warning ${warning}`);
  if (savedFiles.length) out.push(`  Saved  ${savedFiles.map((f) => path.relative(cwd, f) || f).join(', ')}`);
  return out.join('\n') + '\n';
}
