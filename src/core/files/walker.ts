/**
 * Finds the Python files under a folder, in a stable (sorted) order, without
 * descending into version-control data, virtual environments, caches or
 * excluded folders: a virtual environment's site-packages alone would bury a
 * project's own findings under thousands of third-party ones.
 */
import * as fs from 'fs';
import * as path from 'path';
import { notRegularFileReason, type FileKind } from './sourceReader';

/** Folder names never searched when walking (a folder named explicitly is still checked). */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'venv',
  '.venv',
  '.tox',
  '.nox',
  '__pycache__',
]);

export type WalkEvent =
  | { kind: 'file'; path: string }
  /** A `*.py` name that is no regular file (a FIFO, a device, a socket, or a link to one): never opened. */
  | { kind: 'skipped'; path: string; reason: string }
  /** A folder or entry that could not be read; the walk goes on with the rest. */
  | { kind: 'error'; path: string; error: NodeJS.ErrnoException };

export interface WalkOptions {
  /** True for files and folders to leave out (see createExcludeMatcher). */
  isExcluded?: (file: string) => boolean;
}

/** Whether a file name is one the walker yields. */
export function isPythonFile(file: string): boolean {
  return file.endsWith('.py');
}

/**
 * Yields every `*.py` file under `dir`, depth first in name order. Symbolic
 * links to files are followed; links to folders are not, which rules out
 * cycles. `dir` itself is searched even when its name is a skipped one.
 * A `*.py` entry that is neither a file nor a folder is yielded as skipped,
 * so that the user learns why it was not checked; a dangling link is left out.
 */
export function* walkPythonFiles(dir: string, options: WalkOptions = {}): Generator<WalkEvent> {
  const isExcluded = options.isExcluded ?? (() => false);
  if (isExcluded(dir)) return;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch (error) {
      yield { kind: 'error', path: current, error: error as NodeJS.ErrnoException };
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && !isExcluded(full)) subdirs.push(full);
        continue;
      }
      if (!isPythonFile(entry.name) || isExcluded(full)) continue;
      // A link is judged by its target; links to folders are not followed.
      let kind: FileKind = entry;
      if (entry.isSymbolicLink()) {
        try {
          kind = fs.statSync(full);
        } catch {
          continue; // A dangling link is not a file to check.
        }
        if (kind.isDirectory()) continue;
      }
      const notRegular = notRegularFileReason(kind);
      yield notRegular ? { kind: 'skipped', path: full, reason: notRegular } : { kind: 'file', path: full };
    }
    // Pushed in reverse so that folders are visited in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]);
  }
}
