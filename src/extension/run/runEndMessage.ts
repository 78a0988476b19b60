/**
 * What the editor says when a profiled run ends: how severe the notification
 * is, its text, and the line the run terminal ends with. Plain data (no
 * `vscode` import), so the wording is checked without a window.
 */
import type { RunRecord } from '../../core/history/runRecord';
import { estimateReasons, runHeadline } from '../../core/report/runSummary';
import type { RunComparison } from '../../shared/protocol';

export type Severity = 'information' | 'warning' | 'error';

export interface RunEndMessage {
  severity: Severity;
  /** The notification's text. */
  text: string;
  /** The run terminal's last line. */
  terminalLine: string;
}

/** "completed", "failed with exit code 3", "killed by SIGKILL", "cancelled". */
export function outcomeOf(record: Pick<RunRecord, 'status' | 'exitCode' | 'signal'>): string {
  switch (record.status) {
    case 'completed':
      return 'completed';
    case 'cancelled':
      return 'cancelled (stopped before it finished)';
    case 'killed':
      return `killed by ${record.signal ?? 'a signal'}`;
    case 'failed':
      return record.signal ? `failed (ended by ${record.signal})` : record.exitCode !== null ? `failed with exit code ${record.exitCode}` : 'failed';
  }
}

/** Capitalised and ended with a full stop, for the notification's sentences. */
function sentence(text: string): string {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** A failed or killed run is an error; a cancelled one a warning; a completed one information. */
export function severityOf(status: RunRecord['status']): Severity {
  return status === 'completed' ? 'information' : status === 'cancelled' ? 'warning' : 'error';
}

/**
 * @param script the script's file name
 * @param savedTo where the run was saved, relative to the folder when inside it
 * @param fallbackFile set when the history folder could not be written and the record went there instead
 * @param comparison the run compared with the last completed run of its script (`comparisonForRecord`), as the sidebar and report show it
 */
export function runEndMessage(record: RunRecord, script: string, savedTo: string, fallbackFile?: string, comparison?: RunComparison): RunEndMessage {
  const outcome = outcomeOf(record);
  const headline = runHeadline(record);
  const region = record.carbon.region;
  const why = estimateReasons(record);
  const parts = [
    `GreenLens: ${script} ${outcome} — ${headline}.`,
    ...why.map((w) => (/[.!?]$/.test(w) ? w : `${w}.`)),
    // The first run of a script has nothing to say yet; anything else (a change, or why there is none) is said.
    ...(comparison && comparison.outcome !== 'first' ? [sentence(comparison.outcome === 'compared' ? `This run ${comparison.text}` : comparison.text)] : []),
    `Grid: ${region.name}${region.isDefault ? ' (default, set greenlens.region)' : ''}.`,
  ];
  if (fallbackFile) parts.push(`The history folder could not be written; the run was saved to ${fallbackFile}.`);
  return {
    severity: severityOf(record.status),
    text: parts.join(' '),
    terminalLine: `GreenLens: ${outcome} — ${headline}. ${fallbackFile ? `Saved to ${fallbackFile} (the history folder could not be written).` : `Saved to ${savedTo}.`}`,
  };
}
