/**
 * What a check of several files produced, in the shape every report format
 * reads: findings per file, and the files that were skipped or unreadable.
 */
import * as path from 'path';
import type { Finding } from '../analysis/types';

export interface FileFindings {
  /** Absolute path. */
  file: string;
  findings: Finding[];
}

export interface FileNote {
  /** Absolute path. */
  file: string;
  /** Why the file was not analysed, e.g. "binary file (contains a NUL byte)". */
  reason: string;
}

export interface CheckResult {
  /** Files with at least one finding, in the order they were checked. */
  files: FileFindings[];
  /** How many files were analysed, with or without findings. */
  checkedCount: number;
  /** Files left out on purpose (too large, binary, not UTF-8). */
  skipped: FileNote[];
  /** Files or folders that could not be read or analysed. */
  errors: FileNote[];
}

/** `file` relative to `cwd` with forward slashes, as every report format shows paths. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  if (rel === '') return '.';
  // On another drive (Windows) no relative path exists.
  const shown = path.isAbsolute(rel) ? file : rel;
  return shown.split(path.sep).join('/');
}
