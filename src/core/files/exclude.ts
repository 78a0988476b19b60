/**
 * Exclude globs, matched the way Ruff matches its `exclude` setting:
 * a glob with a slash (`legacy/**`, `src/gen/*.py`) is matched against the
 * path relative to the settings' folder; a glob without one (`legacy`,
 * `*_pb2.py`) is matched against each file or folder name at any depth.
 * A path is excluded when it or a folder above it matches.
 */
import * as path from 'path';
import picomatch from 'picomatch';

/** Tells whether a path (absolute or relative to the process) is excluded. */
export type ExcludeMatcher = (file: string) => boolean;

/** Builds a matcher for `globs` relative to `root`. Paths outside `root` are never excluded. */
export function createExcludeMatcher(globs: readonly string[], root: string): ExcludeMatcher {
  const relative: string[] = [];
  const names: string[] = [];
  for (const raw of globs) {
    // "./x" and "/x" both mean x at the root; a trailing slash just marks a folder.
    const glob = raw.trim().replace(/\\/g, '/').replace(/^\.?\//, '').replace(/\/+$/, '');
    if (glob === '') continue;
    (glob.includes('/') ? relative : names).push(glob);
  }
  if (relative.length === 0 && names.length === 0) return () => false;
  const options = { dot: true };
  const matchRelative = relative.length > 0 ? picomatch(relative, options) : () => false;
  const matchName = names.length > 0 ? picomatch(names, options) : () => false;
  const base = path.resolve(root);
  return (file) => {
    if (!isInside(base, file)) return false;
    const rel = path.relative(base, path.resolve(file));
    // A file is excluded when it or any folder above it (up to the root) matches,
    // so an explicitly named file inside an excluded folder is skipped as well.
    const segments = rel.split(path.sep);
    for (let i = 1; i <= segments.length; i++) {
      if (matchName(segments[i - 1]) || matchRelative(segments.slice(0, i).join('/'))) return true;
    }
    return false;
  };
}

/** Whether `file` lies strictly inside `dir` (a name like `..data` inside it counts). */
export function isInside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
