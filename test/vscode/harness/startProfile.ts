/**
 * The VS Code that `npm start` opens for people: which settings its profile
 * gets and where they are written, and the scratch copy of examples/ it opens.
 * One function for the options, so that the UI test of a newcomer's first run
 * starts code-server exactly as `npm start` does (a fresh profile, nothing
 * written by the test itself).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { CodeServerOptions } from './codeServer';

export interface StartProfileOptions {
  /** Holds the profile; `npm start` keeps it between runs (layout, trust decisions). */
  profileDir: string;
  /** The folder the window opens. */
  folder: string;
  vsix: string;
  port?: number;
  /** Delete the profile first: what a newcomer's first `npm start` sees. */
  fresh?: boolean;
  log?: (line: string) => void;
}

/** Whether `python` can import PyTorch (what the examples need). */
function hasTorch(python: string): boolean {
  return spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/**
 * The examples need PyTorch. When `python3` on PATH lacks it but Debian's
 * /usr/bin/python3 has it (python3-torch, as in ENVIRONMENT.md), the profile
 * runs scripts with the latter. Undefined: `python3` on PATH will do, or nothing will.
 */
export function pythonWithTorch(log: (line: string) => void = () => undefined): string | undefined {
  if (hasTorch('python3')) return undefined;
  if (fs.existsSync('/usr/bin/python3') && hasTorch('/usr/bin/python3')) {
    log('python3 on PATH has no PyTorch; the examples run with /usr/bin/python3 (greenlens.pythonPath in the profile\'s Machine settings)');
    return '/usr/bin/python3';
  }
  log('warning: no Python with PyTorch found: the PyTorch examples will fail to import torch (install python3-torch or set greenlens.pythonPath)');
  return undefined;
}

/**
 * The code-server options of `npm start`. Workspace trust stays on (it guards
 * running code), without the startup dialog: the folder opens in Restricted
 * Mode and is trusted with one click. `greenlens.pythonPath` has scope
 * `machine-overridable`, which a code-server window reads from the Machine
 * (remote) settings only, so that is where it goes; a value already there is kept.
 */
export function startProfileOptions(opts: StartProfileOptions): CodeServerOptions {
  const python = pythonWithTorch(opts.log);
  return {
    profileDir: opts.profileDir,
    fresh: opts.fresh,
    vsix: opts.vsix,
    port: opts.port,
    folder: opts.folder,
    workspaceTrust: true,
    settings: { 'security.workspace.trust.startupPrompt': 'never' },
    machineSettings: python ? { 'greenlens.pythonPath': python } : undefined,
    log: opts.log,
  };
}

/** What a copy of the examples leaves out: what running them writes, never part of an example. */
const NOT_COPIED = new Set(['.greenlens', '__pycache__', '.ipynb_checkpoints', '.vscode']);

/**
 * The folder `npm start` opens: a scratch copy of `source` (examples/) at
 * `target` (.cache/workspace/examples, git-ignored), so that a newcomer's
 * edits, runs, quick fixes and exports never touch a tracked file. Each start
 * copies only the files missing from the copy: edits made there survive a
 * restart, an example deleted there comes back, and a file edited in both
 * places keeps the copy's version (delete the copy to start afresh). Run
 * output (`.greenlens/`, `__pycache__/`, …) in `source` is not copied.
 * Regular files and folders only. Returns the paths copied, relative to `target`.
 */
export function copyMissingFiles(source: string, target: string): string[] {
  const copied: string[] = [];
  const walk = (rel: string) => {
    fs.mkdirSync(path.join(target, rel), { recursive: true });
    for (const entry of fs.readdirSync(path.join(source, rel), { withFileTypes: true })) {
      if (NOT_COPIED.has(entry.name)) continue;
      const child = path.join(rel, entry.name);
      // lstat: a link or anything else the user put in the copy counts as there (and is kept).
      const there = fs.lstatSync(path.join(target, child), { throwIfNoEntry: false });
      if (entry.isDirectory()) {
        if (!there || there.isDirectory()) walk(child);
      } else if (entry.isFile() && !there) {
        // COPYFILE_EXCL: never overwrite, even a file that appeared since the check.
        fs.copyFileSync(path.join(source, child), path.join(target, child), fs.constants.COPYFILE_EXCL);
        copied.push(child);
      }
    }
  };
  walk('');
  return copied.sort();
}
