/**
 * Entry of the suites that run INSIDE VS Code's extension host (code-server's,
 * loaded through `extensionTestsPath`). scripts/build.js bundles this file to
 * dist/test/suite.js; VS Code calls `run()` and takes its promise as the result.
 */
import * as fs from 'fs';
import Mocha from 'mocha';
import { defineEditorTests } from './editor.suite';
import { defineEstimateTests } from './estimate.suite';
import { defineRunTests } from './run.suite';
import { defineWorkspaceTests } from './workspace.suite';

export interface HostTestResult {
  passes: number;
  failures: number;
  pending: number;
  failed: { title: string; error: string }[];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
  // The suites are bundled into this file, so define them by hand instead of mocha.addFile().
  mocha.suite.emit('pre-require', globalThis, 'greenlens-vscode-suite', mocha);
  defineEditorTests();
  defineWorkspaceTests();
  defineEstimateTests();
  defineRunTests();

  return new Promise((resolve, reject) => {
    const failed: HostTestResult['failed'] = [];
    const runner = mocha.run((failures) => {
      const s = runner.stats!;
      const result: HostTestResult = { passes: s.passes, failures: s.failures, pending: s.pending, failed };
      const out = process.env.GREENLENS_TEST_RESULT;
      if (out) fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
      if (failures > 0) reject(new Error(`${failures} in-editor test(s) failed`));
      else resolve();
    });
    runner.on('fail', (test, err) => failed.push({ title: test.fullTitle(), error: err instanceof Error ? err.message : String(err) }));
  });
}
