/**
 * Where a run's record goes is checked before the command starts: a training
 * run of hours that cannot be recorded at the end is worse than one that does
 * not start. And when a write still fails at the end (a full disk, the folder
 * removed during the run), the record goes to a fallback file, so what was
 * measured is never lost.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunRecord } from '../history/runRecord';
import { EMISSIONS_FILE, RUNS_FOLDER } from '../history/runStore';

/** The kind of thing at `p`, without following a final symlink's failure into an exception. */
function kindOf(p: string): 'missing' | 'file' | 'directory' | 'other' {
  try {
    const st = fs.statSync(p);
    return st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
  } catch (e) {
    // ENOTDIR: a file stands where a folder on the way should be; the parent check names it.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
    throw e;
  }
}

/** Writes and removes an empty file in `folder`: a real write, since root passes access() on a read-only file system. */
function probeWrite(folder: string): void {
  const probe = path.join(folder, `.greenlens-write-check-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  fs.writeFileSync(probe, '');
  fs.rmSync(probe, { force: true });
}

/**
 * Checks that the history folder `dir` can take a run — it is a folder or
 * can be created in a writable folder, its `runs/` is a folder and its
 * emissions file a writable file — without creating anything, so a command
 * that then fails to start leaves no trace. Returns one sentence naming the
 * path when not; undefined when all is well.
 */
export function checkHistoryWritable(dir: string): string | undefined {
  try {
    const kind = kindOf(dir);
    if (kind === 'missing') {
      // The nearest folder that exists is where the history would be created.
      let parent = path.dirname(dir);
      while (kindOf(parent) === 'missing' && path.dirname(parent) !== parent) parent = path.dirname(parent);
      if (kindOf(parent) !== 'directory') return `the output folder ${dir} cannot be created: ${parent} is not a folder`;
      probeWrite(parent);
      return undefined;
    }
    if (kind !== 'directory') return `the output folder ${dir} is not a folder`;
    const runs = path.join(dir, RUNS_FOLDER);
    const runsKind = kindOf(runs);
    if (runsKind !== 'missing' && runsKind !== 'directory') return `${runs} is not a folder`;
    probeWrite(runsKind === 'directory' ? runs : dir);
    const csv = path.join(dir, EMISSIONS_FILE);
    const csvKind = kindOf(csv);
    if (csvKind === 'directory' || csvKind === 'other') return `${csv} is not a file`;
    if (csvKind === 'file') fs.closeSync(fs.openSync(csv, 'a'));
    return undefined;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return `cannot write the run's record under ${err.path ?? dir}: ${err.code ?? err.message}`;
  }
}

/**
 * Saves a record that could not go into the history: first in the system's
 * temporary folder, else in the working folder. Returns the file written, or
 * undefined when both failed (the caller then prints the record).
 */
export function saveFallbackRecord(record: RunRecord, cwd: string): string | undefined {
  const name = `greenlens-run-${record.runId}.json`;
  for (const dir of [os.tmpdir(), cwd]) {
    const file = path.join(dir, name);
    try {
      fs.writeFileSync(file, JSON.stringify(record, null, 1) + '\n', { flag: 'wx' });
      return file;
    } catch {
      // Try the next place.
    }
  }
  return undefined;
}
