/**
 * Finds the Python files under a folder, in a stable (sorted) order, without
 * descending into version-control data, virtual environments, caches or
 * excluded folders: a virtual environment's site-packages alone would bury a
 * project's own findings under thousands of third-party ones.
 */
import * as fs from 'fs';
import * as path from 'path';

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
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          isFile = fs.statSync(full).isFile();
        } catch {
          isFile = false; // A dangling link is not a file to check.
        }
        isDir = false;
      }
      if (isDir) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && !isExcluded(full)) subdirs.push(full);
      } else if (isFile && isPythonFile(entry.name) && !isExcluded(full)) {
        yield { kind: 'file', path: full };
      }
    }
    // Pushed in reverse so that folders are visited in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]);
  }
}
