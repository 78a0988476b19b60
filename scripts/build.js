#!/usr/bin/env node
// Bundles the extension and the CLI with esbuild and copies the wasm files the
// tree-sitter parser loads at run time next to the bundles.
// Usage: node scripts/build.js [--production] [--watch]
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = path.join(root, 'dist');

function copyWasm() {
  fs.mkdirSync(dist, { recursive: true });
  const files = [
    [require.resolve('web-tree-sitter/tree-sitter.wasm', { paths: [root] }), 'tree-sitter.wasm'],
    [require.resolve('tree-sitter-python/tree-sitter-python.wasm', { paths: [root] }), 'tree-sitter-python.wasm'],
  ];
  for (const [from, name] of files) fs.copyFileSync(from, path.join(dist, name));
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
// The webviews run in a browser: one script per panel, and its stylesheet
// (media/*.css with common.css inlined), all under dist/webview/.
const webview = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};
builds.push(
  { ...webview, entryPoints: ['src/webview/sidebar/main.ts'], outfile: 'dist/webview/sidebar.js' },
  { ...webview, entryPoints: ['src/webview/report/main.ts'], outfile: 'dist/webview/report.js' },
  { ...webview, entryPoints: { sidebar: 'media/sidebar.css', report: 'media/report.css' }, outdir: 'dist/webview' },
);
// The real-editor test suites run inside VS Code's extension host.
if (fs.existsSync(path.join(root, 'test/vscode/suite/index.ts'))) {
  builds.push({ ...common, entryPoints: ['test/vscode/suite/index.ts'], outfile: 'dist/test/suite.js', external: ['vscode', 'mocha'], sourcemap: true, minify: false });
}

async function main() {
  fs.rmSync(dist, { recursive: true, force: true });
  copyWasm();
  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
    console.log('[greenlens] watching for changes');
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
