#!/usr/bin/env node
// `npm start`: a real VS Code (code-server in your browser) with the packaged GreenLens
// installed, opened on a scratch copy of examples/ in .cache/workspace/examples. Everything it
// installs or writes stays in .cache/ (git-ignored): edits, quick fixes, runs and exports made in
// the window never touch a tracked file. Each start copies the examples missing from the copy and
// keeps the ones there as they are (your edits survive a restart); delete .cache/workspace to
// start again from examples/.
//   npm start                 # http://127.0.0.1:18180 or the next free port
//   npm start -- --port 9000  # or GREENLENS_PORT=9000
// Stays in the foreground; Ctrl+C (or SIGTERM) stops code-server and everything it started.
//
// Workspace trust stays ON (it guards running code, e.g. "Run with Energy Profile"), but the
// startup prompt is off: the folder opens in Restricted Mode without a modal dialog, and
// GreenLens's analysis works there (package.json: untrustedWorkspaces "limited"). Click
// "Restricted Mode" in the status bar to trust the folder; the choice is kept in .cache/vscode-start.
// When python3 on PATH lacks PyTorch, greenlens.pythonPath goes into the profile's Machine
// settings (.cache/vscode-start/user-data/Machine/settings.json), which the window reads.
'use strict';
const fs = require('fs');
const path = require('path');
const prepare = require('./lib/prepare');

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

let server;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (server) {
    console.log('\n[greenlens] stopping code-server ...');
    await server.stop();
    console.log('[greenlens] stopped');
  }
  // A server still starting is killed by the harness's exit hook.
  process.exit(code);
}
process.on('SIGINT', () => void stop(130));
process.on('SIGTERM', () => void stop(143));
process.on('SIGHUP', () => void stop(129));

async function main() {
  const t0 = Date.now();
  prepare.install();
  prepare.build();
  const vsix = prepare.packageVsix();
  const harness = prepare.loadHarness();
  harness.setSignalHandling(false); // stop() below handles Ctrl+C and SIGTERM

  const examples = path.join(prepare.root, 'examples');
  if (!fs.existsSync(examples)) throw new Error(`${examples} does not exist: npm start opens a copy of it`);
  const folder = path.join(prepare.cache, 'workspace', 'examples');
  const copied = harness.copyMissingFiles(examples, folder);
  const where = path.relative(prepare.root, folder);
  console.log(
    copied.length
      ? `[greenlens] copied ${copied.length} file(s) from examples/ to ${where}: ${copied.join(', ')}`
      : `[greenlens] ${where} already holds every example (your edits there are kept)`,
  );
  const port = Number(option('--port') ?? process.env.GREENLENS_PORT ?? 18180);
  // The same options the UI test of a newcomer's first run starts code-server with
  // (test/vscode/harness/startProfile.ts): trust on, Machine settings for the interpreter.
  server = await harness.startCodeServer(
    harness.startProfileOptions({
      // Kept between runs so open editors, layout and the trust decision survive a restart.
      profileDir: path.join(prepare.cache, 'vscode-start'),
      vsix,
      port,
      folder,
      log: (s) => console.log(`[greenlens] ${s}`),
    }),
  );

  server.exited.then((code) => {
    if (stopping) return;
    console.error(`[greenlens] code-server exited unexpectedly (code ${code}). Log ${server.logFile}:\n${harness.logTail(server.logFile)}`);
    process.exit(1);
  });

  console.log(`\n[greenlens] ready in ${((Date.now() - t0) / 1000).toFixed(1)}s - VS Code with GreenLens on ${where}:`);
  console.log(`\n    ${server.folderUrl(folder)}\n`);
  console.log(`[greenlens] the window works on a scratch copy: ${folder}`);
  console.log('[greenlens] edits, runs and exports stay there, never in examples/; delete the folder to start afresh.');
  console.log(`[greenlens] log: ${path.relative(prepare.root, server.logFile)}; press Ctrl+C to stop.`);
}

main().catch((err) => {
  console.error(`[greenlens] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
