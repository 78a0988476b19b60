import * as fs from 'fs';
import * as path from 'path';

/** The repository root, found from wherever the compiled test runs. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'src'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('project root not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

/** A path under test/fixtures. */
export function fixturePath(...parts: string[]): string {
  return path.join(projectRoot(), 'test', 'fixtures', ...parts);
}
