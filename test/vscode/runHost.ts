/**
 * Runs the in-editor mocha suites (dist/test/suite.js) inside code-server's
 * real extension host, the way @vscode/test-electron does for desktop VS Code:
 * the workbench URL carries extensionDevelopmentPath + extensionTestsPath, the
 * server runs with the smoke-test driver so the workbench honours them, and the
 * exit code comes back through `window.codeAutomationExit`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import { launchBrowser, type Browser } from './harness/browser';
import { startCodeServer } from './harness/codeServer';
import { copyFixture, harnessPaths } from './harness/paths';
import type { HostTestResult } from './suite/index';

export interface StageResult {
  passed: number;
  failed: number;
  failures: string[];
}

// Workbench chatter that says nothing about our tests.
const NOISE = /Ignoring fetching additional builtin extensions|Creating a socket|AgentHost|AccountPolicyGate|Service Worker|workbench contribution|\[perf\]/;

export async function runHostTests(opts: { timeoutMs?: number; log?: (s: string) => void } = {}): Promise<StageResult> {
  const paths = harnessPaths();
  const log = opts.log ?? ((s: string) => console.log(s));
  const scratch = path.join(paths.cache, 'vscode-test', 'host');
  const testsPath = path.join(paths.root, 'dist', 'test', 'suite.js');
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} is missing: run node scripts/build.js first`);
  if (!fs.existsSync(path.join(paths.root, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run node scripts/build.js first');
  const workspace = copyFixture(path.join(paths.root, 'test', 'vscode', 'workspace'), path.join(scratch, 'workspace'));
  const resultFile = path.join(scratch, 'result.json');
  fs.rmSync(resultFile, { force: true });

  const server = await startCodeServer({
    profileDir: path.join(scratch, 'profile'),
    fresh: true,
    smokeTestDriver: true,
    workspaceTrust: false,
    env: { GREENLENS_TEST_RESULT: resultFile },
    log,
  });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser(path.join(scratch, 'browser'));
    const { page } = browser;
    let finish!: (code: number) => void;
    const exited = new Promise<number>((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = util.format(...(args ?? []));
      if (!NOISE.test(line)) log(`  ${type === 'error' ? '[host error] ' : ''}${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
    // The authority must be the host:port the page itself is served from.
    const remote = (p: string) => `vscode-remote://${new URL(server.url).host}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(paths.root)],
      ['extensionTestsPath', remote(testsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(`${server.folderUrl(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeoutMs = opts.timeoutMs ?? 240_000;
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<number>((r) => (timer = setTimeout(() => r(124), timeoutMs))),
      server.exited.then(() => -1),
    ]);
    clearTimeout(timer);
    fs.mkdirSync(path.join(paths.results, 'vscode-host'), { recursive: true });
    await page.screenshot({ path: path.join(paths.results, 'vscode-host', 'final.png') }).catch(() => undefined);
    if (fs.existsSync(resultFile)) {
      const r = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as HostTestResult;
      return { passed: r.passes, failed: r.failures, failures: r.failed.map((f) => `${f.title}: ${f.error}`) };
    }
    const why =
      code === 124 ? `no result after ${timeoutMs / 1000}s waiting for the extension host to finish the suites`
      : code === -1 ? 'code-server exited during the run'
      : `the extension host exited with code ${code} before the suites reported (load error?)`;
    return { passed: 0, failed: 1, failures: [why] };
  } finally {
    await browser?.close();
    await server.stop();
  }
}
