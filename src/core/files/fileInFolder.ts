/**
 * Decides whether a path a webview asks the editor to open names a regular
 * file inside a workspace folder. The webview is not trusted to say so: its
 * messages carry paths taken from history files and findings, which anyone
 * who can write the workspace can shape (`../../.ssh/id_rsa`, an absolute
 * path, or a symbolic link in the folder that points elsewhere).
 */
import * as fs from 'fs';
import * as path from 'path';
import { describeIoError } from './ioError';

export type FileInFolder =
  /** `path` is the file as the folder names it (not its real path), so the editor treats it as a workspace file. */
  | { ok: true; path: string }
  /** `reason` is a short phrase for the log and a message, e.g. "is outside the workspace folder". */
  | { ok: false; reason: string };

/** True when `target` is `folder` itself or lies below it (both absolute, normalised). */
function isWithin(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Resolves `file` (relative to `folder`, or absolute) and accepts it only
 * when both its path and its real path (symbolic links followed) lie inside
 * the real path of `folder`, and it is a regular file: a FIFO or device
 * would hang or flood the editor that opens it.
 */
export function fileInFolder(folder: string, file: string): FileInFolder {
  if (typeof folder !== 'string' || typeof file !== 'string' || !path.isAbsolute(folder)) return { ok: false, reason: 'is not a path in a workspace folder' };
  if (file === '' || file.includes('\0')) return { ok: false, reason: 'is not a file name' };
  const root = path.resolve(folder);
  const target = path.resolve(root, file);
  if (target === root || !isWithin(root, target)) return { ok: false, reason: 'is outside the workspace folder' };
  let realRoot: string;
  let realTarget: string;
  try {
    realRoot = fs.realpathSync(root);
    realTarget = fs.realpathSync(target);
  } catch (e) {
    return { ok: false, reason: `cannot be opened: ${describeIoError(e)}` };
  }
  if (!isWithin(realRoot, realTarget)) return { ok: false, reason: 'is a link to a file outside the workspace folder' };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(realTarget);
  } catch (e) {
    return { ok: false, reason: `cannot be opened: ${describeIoError(e)}` };
  }
  if (!stat.isFile()) return { ok: false, reason: stat.isDirectory() ? 'is a folder, not a file' : 'is not a regular file' };
  return { ok: true, path: target };
}
