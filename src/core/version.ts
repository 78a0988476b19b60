/**
 * The GreenLens version, read from package.json at run time.
 *
 * Importing package.json would make tsc copy it into the output folder, where it
 * would be mistaken for the project root; reading it here works the same from
 * the tsc output (out/src/core), the bundles (dist/) and an installed package.
 */
import * as fs from 'fs';
import * as path from 'path';

let cached: string | undefined;

/** The `version` of the nearest package.json named `greenlens` above this file, or `0.0.0`. */
export function greenlensVersion(): string {
  if (cached !== undefined) return cached;
  cached = '0.0.0';
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'greenlens' && typeof pkg.version === 'string') {
        cached = pkg.version;
        break;
      }
    } catch {
      // No readable package.json here: keep looking further up.
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return cached;
}
