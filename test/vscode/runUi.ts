/** Runs the Playwright UI steps against a plain code-server with the packaged .vsix installed. */
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import { launchBrowser, type Browser } from './harness/browser';
import { startCodeServer, type CodeServer } from './harness/codeServer';
import { copyFixture, harnessPaths } from './harness/paths';
import type { StageResult } from './runHost';
import { defineCarbonUiTests } from './ui/carbon.ui';
import { defineFirstRunUiTests } from './ui/firstRun.ui';
import { defineFolderUiTests } from './ui/folders.ui';
import { defineLayoutUiTests } from './ui/layout.ui';
import { defineUiTests, type UiContext } from './ui/workbench.ui';

export async function runUiTests(opts: { vsix: string; log?: (s: string) => void }): Promise<StageResult> {
  const paths = harnessPaths();
  const log = opts.log ?? ((s: string) => console.log(s));
  const scratch = path.join(paths.cache, 'vscode-test', 'ui');
  const shots = path.join(paths.results, 'vscode-ui');
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  const workspace = copyFixture(path.join(paths.root, 'test', 'vscode', 'workspace'), path.join(scratch, 'workspace'));

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let ctx: UiContext | undefined;
  // GREENLENS_UI_GREP runs only the matching steps (while working on them); the first step always runs.
  const grep = process.env.GREENLENS_UI_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'spec', ...(grep ? { grep: `loads the workbench|${grep}` } : {}) });
  mocha.suite.emit('pre-require', globalThis, 'greenlens-vscode-ui', mocha);
  // No toasts are shown under the smoke-test driver, so this server runs without it.
  before(async function () {
    this.timeout(180_000);
    server = await startCodeServer({ profileDir: path.join(scratch, 'profile'), fresh: true, vsix: opts.vsix, workspaceTrust: false, log });
    browser = await launchBrowser(path.join(scratch, 'browser'));
    browser.page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
    await browser.page.goto(server.folderUrl(workspace));
    const url = server.url;
    ctx = {
      page: browser.page,
      workspace,
      shots,
      scratch,
      root: paths.root,
      vsix: opts.vsix,
      log,
      urlFor: (target) => (target.endsWith('.code-workspace') ? `${url}/?workspace=${encodeURIComponent(target).replace(/%2F/g, '/')}` : server!.folderUrl(target)),
    };
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  const context = () => {
    if (!ctx) throw new Error('the workbench never loaded');
    return ctx;
  };
  defineUiTests(context);
  defineCarbonUiTests(context);
  // Sidebar widths and the report's timeline; its screenshots are the README's.
  defineLayoutUiTests(context);
  // npm start's own profile, in a code-server and a browser tab of its own.
  defineFirstRunUiTests(context);
  // Last: these steps open other workspaces in the page.
  defineFolderUiTests(context);

  const failures: string[] = [];
  let total = 0;
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats!));
    total = runner.total; // the steps selected to run
    runner.on('fail', (test, err) => failures.push(`${test.fullTitle()}: ${err instanceof Error ? err.message : String(err)}`));
  });
  // Steps that never ran (a failed `before`) count as failed: they did not show what they should.
  const failed = Math.max(stats.failures, total - stats.passes - stats.pending);
  return { passed: stats.passes, failed, failures };
}
