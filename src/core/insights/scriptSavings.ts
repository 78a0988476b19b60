/**
 * The run report's "What would save the most": the script that ran, read
 * from the workspace folder and analysed as the editor analyses it, turned
 * into ranked suggestions and its list of findings, each with its line.
 *
 * The script's path comes from the run record, which anyone who can write
 * the workspace can shape, so it is opened only when it names a regular
 * file inside the folder (`fileInFolder`).
 */
import { analyzePython } from '../analysis/analyzer';
import type { RuleSetting } from '../analysis/engine';
import { fileInFolder } from '../files/fileInFolder';
import { readSourceFile } from '../files/sourceReader';
import type { RunRecord } from '../history/runRecord';
import type { ReportSavings } from '../../shared/protocol';
import { findingItemsOf } from './findingsList';
import { scriptSuggestions, type ScriptContext } from './suggestions';

export interface ReportSavingsInput {
  /** Absolute path of the workspace folder. */
  folder: string;
  /** The script that ran, relative to the folder (as `scriptOfRecord` gives it). */
  script: string;
  /** Rule settings (VS Code settings over `[tool.greenlens]`), so the report agrees with the editor. */
  rules?: Record<string, RuleSetting>;
  /** What the run says about the script (`scriptContextOfRecord`). */
  context?: ScriptContext;
}

/**
 * What a run record says about its script: its energy, when the run
 * completed (a failed or cancelled run's energy is not what the script
 * costs), and whether it used a GPU at all (a GPU component that metered
 * energy for the run).
 */
export function scriptContextOfRecord(record: Pick<RunRecord, 'runId' | 'status' | 'energy'>): ScriptContext {
  const components = record.energy.components;
  const context: ScriptContext = { usedGpu: components.some((c) => c.component === 'gpu' && c.energyKWh > 0) };
  if (record.status === 'completed' && record.energy.totalKWh > 0) {
    const kinds = new Set(components.map((c) => c.provenance));
    const provenance = kinds.size === 1 ? [...kinds][0] : kinds.size > 1 ? 'mixed' : undefined;
    context.run = { runId: record.runId, kWh: record.energy.totalKWh, ...(provenance ? { provenance } : {}) };
  }
  return context;
}

/** "What would save the most" for the script of a run; never throws for a missing or unreadable script, says why instead. */
export async function reportSavings(input: ReportSavingsInput): Promise<ReportSavings> {
  const empty = (note: string): ReportSavings => ({ script: input.script, suggestions: [], findings: [], notes: [note] });
  if (!/\.py$/i.test(input.script)) return empty(`GreenLens analyses Python scripts; ${input.script} is not one, so it has no suggestions.`);
  const target = fileInFolder(input.folder, input.script);
  if (!target.ok) return empty(`${input.script} ${target.reason}, so its suggestions cannot be listed.`);
  const read = readSourceFile(target.path);
  if (read.kind === 'skipped') return empty(`${input.script} was not analysed: ${read.reason}.`);
  if (read.kind === 'error') return empty(`${input.script} could not be read: ${read.error.message}.`);
  const analysis = await analyzePython(read.text, { rules: input.rules });
  analysis.tree.delete();
  const { suggestions, notes } = scriptSuggestions({ file: input.script, findings: analysis.findings, facts: analysis.facts }, input.context);
  return { script: input.script, suggestions, findings: findingItemsOf(input.script, analysis.findings), notes };
}
