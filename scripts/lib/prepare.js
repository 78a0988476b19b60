// Steps shared by `npm start` and `npm run test:vscode`: install code-server once,
// build, package the .vsix (and check what it holds), bundle the test harness.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const cache = process.env.GREENLENS_CACHE || path.join(root, '.cache');
const vsixPath = path.join(cache, 'greenlens.vsix');

function timed(label, fn) {
  const t0 = Date.now();
  const result = fn();
  console.log(`[greenlens] ${label} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  return result;
}

function run(cmd, args, what, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (res.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal})`);
  return res;
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/**
 * The environment without what `npm run` adds: under `npm test` the variable
 * npm_config_user_agent says "node/v20", and the npm that installs code-server would
 * pass it on to code-server's postinstall, which then refuses to build for Node 24.
 */
function withoutNpmRunEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
  return env;
}

/** code-server, Node 24 and Chromium (first run only), then the project's own node_modules. */
function install() {
  timed('code-server ready', () =>
    run('bash', [path.join(root, 'scripts', 'install-code-server.sh')], 'Installing code-server', { env: withoutNpmRunEnv() }),
  );
  if (!fs.existsSync(path.join(root, 'node_modules', '.bin', 'vsce'))) {
    timed('npm install', () => run('npm', ['install', '--no-audit', '--no-fund'], 'npm install'));
  }
}

/** Production build: dist/extension.js, dist/cli.js, the wasm files and dist/test/suite.js. */
function build() {
  timed('built dist/', () => run(process.execPath, [path.join(root, 'scripts', 'build.js'), '--production'], 'Building'));
}

/** Files the .vsix may hold (besides vsce's own manifest files), mirroring the .vscodeignore allow-list. */
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/dist\/(extension|cli)\.js$/,
  /^extension\/dist\/[^/]+\.wasm$/,
  /^extension\/docs\/.+/,
  /^extension\/media\/.+/,
  /^extension\/dist\/webview\/[^/]+\.(js|css)$/,
  /^extension\/(README\.md|readme\.md)$/,
  /^extension\/(LICENSE|LICENSE\.txt|LICENSE\.md|NOTICE|NOTICE\.txt)$/,
];
const REQUIRED = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/tree-sitter.wasm', 'extension/dist/tree-sitter-python.wasm'];

/** Entry names of a zip file, read from its central directory (no unzip needed). */
function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function checkVsix(file) {
  const entries = zipEntries(file);
  const names = entries.map((e) => e.name).filter((n) => !n.endsWith('/'));
  const extra = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
  const missing = REQUIRED.filter((n) => !names.includes(n));
  if (extra.length || missing.length) {
    throw new Error(`${file} does not match the .vscodeignore allow-list:` +
      (extra.length ? `\n  unexpected: ${extra.join(', ')}` : '') + (missing.length ? `\n  missing: ${missing.join(', ')}` : ''));
  }
  const kb = Math.round(fs.statSync(file).size / 1024);
  console.log(`[greenlens] ${path.relative(root, file)}: ${names.length} files, ${kb} KiB (allow-list respected)`);
  return names;
}

/** Files that end up in the .vsix (the .vscodeignore allow-list), for the packaging cache key. */
function packagedInputs() {
  const files = ['package.json', 'README.md', 'LICENSE', 'NOTICE', '.vscodeignore', 'dist/extension.js', 'dist/cli.js'];
  const walk = (dir) => {
    if (!fs.existsSync(path.join(root, dir))) return;
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk('docs');
  walk('media');
  walk('dist/webview');
  for (const f of fs.readdirSync(path.join(root, 'dist'))) if (f.endsWith('.wasm')) files.push(`dist/${f}`);
  return files.filter((f) => fs.existsSync(path.join(root, f))).sort();
}

function inputsHash() {
  const hash = require('crypto').createHash('sha256');
  for (const f of packagedInputs()) hash.update(f).update('\0').update(fs.readFileSync(path.join(root, f))).update('\0');
  return hash.digest('hex');
}

/**
 * vsce package --no-dependencies: the bundles already hold every runtime dependency.
 * vsce walks the whole project (including .cache/, ~14,000 files) and takes ~10 s, so an
 * unchanged package (same bytes in every packaged file) is reused instead.
 */
function packageVsix() {
  fs.mkdirSync(cache, { recursive: true });
  const stamp = `${vsixPath}.sha256`;
  const key = inputsHash();
  if (fs.existsSync(vsixPath) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === key && !process.env.GREENLENS_REPACKAGE) {
    console.log('[greenlens] packaged files unchanged: reusing .cache/greenlens.vsix');
    checkVsix(vsixPath);
    return vsixPath;
  }
  fs.rmSync(stamp, { force: true });
  const args = ['package', '--no-dependencies', '--allow-missing-repository', '-o', vsixPath];
  // vsce asks interactively when there is no LICENSE file; never let it wait for an answer.
  if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(root, f)))) {
    console.warn('[greenlens] warning: no LICENSE file; packaging without one');
    args.push('--skip-license');
  }
  timed('packaged .vsix', () => run(bin('vsce'), args, 'Packaging the .vsix', { stdio: ['ignore', 'inherit', 'inherit'] }));
  checkVsix(vsixPath);
  fs.writeFileSync(stamp, key);
  return vsixPath;
}

/** Bundles test/vscode/main.ts (the harness) to .cache/vscode-harness/main.js and loads it. */
function loadHarness() {
  const esbuild = require(require.resolve('esbuild', { paths: [root] }));
  const outfile = path.join(cache, 'vscode-harness', 'main.js');
  esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: ['test/vscode/main.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    sourcemap: 'inline',
    external: ['vscode', 'mocha', 'playwright-core'],
    logLevel: 'warning',
  });
  return require(outfile);
}

module.exports = { root, cache, vsixPath, install, build, packageVsix, checkVsix, zipEntries, loadHarness, timed };
