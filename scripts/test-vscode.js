#!/usr/bin/env node
// `npm run test:vscode`: GreenLens in a real VS Code (code-server + headless Chromium).
//   1. installs code-server / Node 24 / Chromium on first use (scripts/install-code-server.sh)
//   2. builds (production) and packages the .vsix
//   3. UI steps with Playwright against a server with the .vsix installed   -> vscode-ui
//   4. mocha suites inside the real extension host, extension from source   -> vscode-host
// Prints one "N passed, N failed" line per stage, writes test-results/vscode-summary.json,
// exits non-zero on any failure, and always stops the servers it started.
// Options: --ui-only, --host-only, --no-prepare (skip install/build/package).
'use strict';
const fs = require('fs');
const path = require('path');
const prepare = require('./lib/prepare');

const argv = process.argv.slice(2);
const stages = { ui: !argv.includes('--host-only'), host: !argv.includes('--ui-only') };

async function main() {
  const t0 = Date.now();
  if (!argv.includes('--no-prepare')) {
    prepare.install();
    prepare.build();
    if (stages.ui) prepare.packageVsix();
  }
  const harness = prepare.loadHarness();
  const summary = {};
  const stage = async (name, fn) => {
    const s0 = Date.now();
    console.log(`\n[greenlens] ${name} ...`);
    let result;
    try {
      result = await fn();
    } catch (err) {
      // The stage could not even run (server failed to start, ...): that is one failure.
      console.error(`[greenlens] ${name} could not run: ${err instanceof Error ? err.message : String(err)}`);
      result = { passed: 0, failed: 1, failures: [String(err instanceof Error ? err.message : err)] };
    }
    result.seconds = Math.round((Date.now() - s0) / 100) / 10;
    summary[name] = result;
    for (const f of result.failures) console.log(`  FAILED ${f.split('\n')[0]}`);
  };
  if (stages.ui) await stage('vscode-ui', () => harness.runUiTests({ vsix: prepare.vsixPath }));
  if (stages.host) await stage('vscode-host', () => harness.runHostTests());

  console.log('');
  for (const [name, r] of Object.entries(summary)) console.log(`${name}: ${r.passed} passed, ${r.failed} failed (${r.seconds}s)`);
  const results = path.join(prepare.root, 'test-results');
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(path.join(results, 'vscode-summary.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(`[greenlens] test:vscode took ${((Date.now() - t0) / 1000).toFixed(1)}s; screenshots in test-results/vscode-ui/`);
  const failed = Object.values(summary).some((r) => r.failed > 0);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(`[greenlens] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
