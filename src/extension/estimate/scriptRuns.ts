/**
 * The completed runs of one script in a workspace's history, newest first,
 * for calibrating its estimate. Lenses ask on every refresh, so the answer is
 * kept until the emissions files change (a run from the editor or the CLI
 * appends a row to one of them).
 */
import * as fs from 'fs';
import * as path from 'path';
import { EMISSIONS_FILE, FALLBACK_EMISSIONS_FILE, readHistory, readRun } from '../../core/history/runStore';
import type { RunRecord } from '../../core/history/runRecord';

/** Enough runs to calibrate from; the estimate uses the newest that fits. */
export const MAX_CALIBRATION_RUNS = 3;
/** Run files read at most per script and history change, so a long history never stalls the lenses. */
const MAX_RECORDS_READ = 40;

interface Cached {
  stamp: string;
  runs: RunRecord[];
}

export class ScriptRuns {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly onProblem: (message: string) => void) {}

  /**
   * Completed runs of `script` (relative to the workspace folder, with `/`)
   * recorded in `dir`, newest first, at most MAX_CALIBRATION_RUNS.
   */
  completedRuns(dir: string, script: string): RunRecord[] {
    const key = `${dir}\n${script}`;
    const stamp = historyStamp(dir);
    const hit = this.cache.get(key);
    if (hit && hit.stamp === stamp) return hit.runs;
    const runs = stamp === '' ? [] : this.read(dir, script);
    this.cache.set(key, { stamp, runs });
    return runs;
  }

  private read(dir: string, script: string): RunRecord[] {
    const rows = readHistory(dir).runs;
    const out: RunRecord[] = [];
    let read = 0;
    for (let i = rows.length - 1; i >= 0 && out.length < MAX_CALIBRATION_RUNS && read < MAX_RECORDS_READ; i--) {
      read++;
      try {
        const record = readRun(dir, rows[i].runId);
        if (record && record.status === 'completed' && sameScript(record.command.file, script)) out.push(record);
      } catch (err) {
        // A damaged record is left out of the calibration; the sidebar reports it to the user.
        this.onProblem(`Estimate calibration skipped run ${rows[i].runId}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return out;
  }

  clear(): void {
    this.cache.clear();
  }
}

function sameScript(recorded: string | undefined, script: string): boolean {
  return recorded !== undefined && path.posix.normalize(recorded.split(path.sep).join('/')) === path.posix.normalize(script);
}

/** Size and modification time of both emissions files: '' when neither exists (no history). */
function historyStamp(dir: string): string {
  const parts: string[] = [];
  for (const name of [EMISSIONS_FILE, FALLBACK_EMISSIONS_FILE]) {
    try {
      const st = fs.statSync(path.join(dir, name));
      parts.push(`${name}:${st.size}:${st.mtimeMs}`);
    } catch {
      // Missing: that file adds nothing to the stamp.
    }
  }
  return parts.join('|');
}
