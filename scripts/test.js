#!/usr/bin/env node
// `npm test`: lint, type-check + compile, unit tests (mocha), then GreenLens in a real
// VS Code (`npm run test:vscode`). Runs every stage even after a failure, so one run shows
// everything; the last line is always "N passed, N failed" over all stages, and the exit
// code is non-zero when anything failed. Lint and compile are checks, not tests: they add
// nothing to "passed", and one to "failed" when they fail.
// Options: --no-vscode (skip the real-VS-Code stage).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const results = path.join(root, 'test-results');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const stages = [];

function run(name, cmd, args, env = {}) {
  console.log(`\n[greenlens] ${name}: ${path.basename(cmd)} ${args.join(' ')}`);
  const t0 = Date.now();
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = (Date.now() - t0) / 1000;
  return { ok: res.status === 0, code: res.status ?? res.signal, seconds };
}

function record(name, passed, failed, seconds, note = '') {
  stages.push({ name, passed, failed, seconds, note });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

fs.mkdirSync(results, { recursive: true });

// 1. Lint: the layer rules (no `vscode` in src/core) are enforced here.
let r = run('lint', 'npm', ['run', '-s', 'lint']);
record('lint', 0, r.ok ? 0 : 1, r.seconds, r.ok ? '' : 'eslint reported problems');

// 2. Type-check and compile into out/ (cleared first, so deleted tests do not linger).
fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
r = run('compile', bin('tsc'), ['-p', '.']);
// The webview code (DOM, no Node) has its own tsconfig.
const rw = run('compile webviews', bin('tsc'), ['-p', 'src/webview', '--noEmit']);
record('tsc', 0, r.ok && rw.ok ? 0 : 1, r.seconds + rw.seconds, r.ok && rw.ok ? '' : 'type errors');

// 3. Bundle dist/ (the CLI tests spawn dist/cli.js as users run it), then the unit tests
// (spec and options from .mocharc.json).
r = run('build', process.execPath, [path.join(__dirname, 'build.js')]);
record('build', 0, r.ok ? 0 : 1, r.seconds, r.ok ? '' : 'esbuild failed');
const counts = path.join(results, 'unit-counts.json');
fs.rmSync(counts, { force: true });
r = run('unit tests', bin('mocha'), ['--reporter', path.join(__dirname, 'lib', 'mochaCountReporter.js')], { GREENLENS_MOCHA_COUNTS: counts });
const unit = readJson(counts);
if (unit) record('unit', unit.passes, unit.failures, r.seconds);
else record('unit', 0, 1, r.seconds, `mocha exited with ${r.code} before reporting`);

// 4. The real VS Code (code-server + Chromium): UI steps, then suites in the extension host.
if (!process.argv.includes('--no-vscode')) {
  const summaryFile = path.join(results, 'vscode-summary.json');
  fs.rmSync(summaryFile, { force: true });
  r = run('real VS Code', 'npm', ['run', '-s', 'test:vscode']);
  const summary = readJson(summaryFile);
  if (summary) {
    for (const [name, s] of Object.entries(summary)) record(name, s.passed, s.failed, s.seconds);
  } else {
    record('vscode', 0, 1, r.seconds, `test:vscode exited with ${r.code} before reporting`);
  }
}

console.log('\n[greenlens] summary');
for (const s of stages) {
  const counts = ['lint', 'tsc', 'build'].includes(s.name) ? (s.failed ? 'FAILED'.padEnd(22) : 'ok'.padEnd(22)) : `${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(3)} failed`;
  console.log(`  ${s.name.padEnd(12)} ${counts}  ${s.seconds.toFixed(1)}s${s.note ? `  (${s.note})` : ''}`);
}
const passed = stages.reduce((n, s) => n + s.passed, 0);
const failed = stages.reduce((n, s) => n + s.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
