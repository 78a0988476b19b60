/**
 * The plain-text summary of a profiled run, printed by `greenlens run` and
 * shown in the editor: duration, energy per component with its provenance,
 * CO2e with the region, intensity and PUE used, where it was saved.
 */
import * as path from 'path';
import type { RunRecord } from '../history/runRecord';
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

export function formatRunSummary(record: RunRecord, savedFiles: string[], cwd = process.cwd()): string {
  const out: string[] = [];
  const status = record.status === 'completed' ? 'completed' : `${record.status}${record.signal ? ` (${record.signal})` : record.exitCode !== null ? ` (exit ${record.exitCode})` : ''}`;
  out.push(`GreenLens run ${record.runId.slice(0, 8)} ${status} in ${formatDuration(record.durationS)}`);
  for (const c of record.energy.components) {
    out.push(`  ${LABEL[c.component]}  ${formatEnergy(c.energyKWh).padEnd(11)} avg ${formatWatts(c.powerW).padEnd(8)} ${c.provenance.padEnd(9)} ${c.source}`);
  }
  const machine = record.energy.machineKWh !== undefined ? `; whole machine ${formatEnergy(record.energy.machineKWh)}` : '';
  out.push(`  Energy ${formatEnergy(record.energy.totalKWh)} for this run's processes${machine} (${provenanceOf(record)})`);
  out.push(`  CO2e   ${formatCo2(record.carbon.kgCO2e)} at PUE ${sig(record.carbon.pue)}${record.carbon.pueIsDefault ? ' (default)' : ''}`);
  out.push(`  Region ${regionLine(record)}`);
  for (const note of record.carbon.notes) if (!record.carbon.region.reason.includes(note) && !note.includes(record.carbon.region.reason)) out.push(`  Note   ${note}`);
  for (const warning of record.warnings) out.push(`  Warning ${warning}`);
  if (savedFiles.length) out.push(`  Saved  ${savedFiles.map((f) => path.relative(cwd, f) || f).join(', ')}`);
  return out.join('\n') + '\n';
}
