/**
 * A newcomer's first run, the way `npm start` sets it up: a fresh profile made
 * by `startProfileOptions` (the function scripts/start.js calls; this file
 * writes no setting of its own), examples/ opened in Restricted Mode. The
 * palette's "Run with Energy Profile" is listed there and explains that the
 * folder must be trusted; once trusted, tiny_cpu_train.py runs to the end with
 * the interpreter npm start chose, its terminal shows the command line and
 * the output, and the run arrives in the sidebar. A script that fails at once
 * leaves its traceback in the terminal and an error naming exit code 3.
 *
 * Its own code-server (workspace trust on, unlike the other UI steps) and its
 * own browser tab; screenshots `first-run-NN-*.png`.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { startCodeServer, type CodeServer, type CodeServerOptions } from '../harness/codeServer';
import { copyFixture } from '../harness/paths';
import { startProfileOptions } from '../harness/startProfile';
import { step, waitUntil } from '../harness/steps';
import { frameWith, palette } from './uiHelpers';
import type { UiContext } from './workbench.ui';

/** Prints one line, opens a missing file, prints the traceback and exits with 3: all within a second. */
const FAILS_AT_ONCE = [
  '"""Fails at once: the run terminal must still show this traceback, the notification exit code 3."""',
  'import sys',
  'import traceback',
  '',
  'print("loading the data", flush=True)',
  'try:',
  '    open("/nonexistent/greenlens/data.csv")',
  'except OSError:',
  '    traceback.print_exc()',
  '    sys.exit(3)',
  '',
].join('\n');

/** Five epochs of 1.5 s busy work: the prediction after the second is far over a 0.1 mWh budget. */
const OVER_BUDGET = [
  'import time',
  '',
  'for epoch in range(5):',
  '    end = time.time() + 1.5',
  '    while time.time() < end:',
  '        pass',
  '    print(f"epoch {epoch + 1}/5", flush=True)',
  '',
].join('\n');

const LABEL: Record<string, string> = { cpu: 'CPU', gpu: 'GPU', ram: 'RAM' };

interface Run {
  runId: string;
  status: string;
  exitCode: number | null;
  command: { argv: string[]; file?: string };
  energy: { components: { component: string; provenance: string }[] };
}

/** The run records of a folder, oldest first. */
function runsOf(folder: string): Run[] {
  const dir = path.join(folder, '.greenlens', 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Run & { endedAt: string })
    .sort((a, b) => a.endedAt.localeCompare(b.endedAt));
}

/**
 * The text of the active terminal, as a user would copy it: the terminal draws
 * on a canvas, so "Select All" and "Copy" put it on the clipboard. Copied
 * again until `expected` is in it (xterm writes asynchronously).
 */
async function terminalText(page: Page, expected: RegExp, what: string): Promise<string> {
  let last = '';
  try {
    return await waitUntil(what, async () => {
      await palette(page, 'Terminal: Select All');
      await palette(page, 'Terminal: Copy and Clear Selection');
      last = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
      return expected.test(last) ? last : undefined;
    }, 30_000, 500);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}; the terminal held:\n${last}`);
  }
}

/** The notification toast matching `text`, and the severity its icon shows. */
async function toast(page: Page, text: RegExp, what: string, timeout = 30_000): Promise<{ text: string; severity: string }> {
  const item = page.locator('.notification-toast', { hasText: text }).first();
  await step(what, () => item.waitFor({ state: 'visible', timeout }));
  const icon = (await item.locator('.notification-list-item-icon').first().getAttribute('class')) ?? '';
  const severity = /codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning' : /codicon-info/.test(icon) ? 'info' : `unknown (${icon})`;
  return { text: (await item.innerText()).replace(/\s+/g, ' '), severity };
}

async function openFromExplorer(page: Page, name: string, contains: string): Promise<void> {
  // The sidebar may have taken the Explorer's place.
  if ((await page.locator('.explorer-folders-view').count()) === 0 || !(await page.locator('.explorer-folders-view').first().isVisible())) {
    await palette(page, 'View: Show Explorer');
  }
  await step(`click ${name} in the Explorer`, () => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click());
  await step(`${name} in the editor`, () => page.locator('.monaco-editor .view-lines', { hasText: contains }).first().waitFor({ timeout: 30_000 }));
}

export function defineFirstRunUiTests(ctx: () => UiContext): void {
  describe("A newcomer's first run (npm start's profile, Restricted Mode)", function () {
    let server: CodeServer | undefined;
    let page: Page | undefined;
    let folder = '';
    let options: CodeServerOptions;
    let shot = 0;
    const tab = () => {
      if (!page) throw new Error('the npm start window never opened (see the first step of this group)');
      return page;
    };

    before(async function () {
      this.timeout(180_000);
      const c = ctx();
      const dir = path.join(c.scratch, 'first-run');
      folder = copyFixture(path.join(c.root, 'examples'), path.join(dir, 'examples'));
      // A person's own runs in examples/ must not count here.
      fs.rmSync(path.join(folder, '.greenlens'), { recursive: true, force: true });
      fs.rmSync(path.join(folder, '.vscode'), { recursive: true, force: true });
      fs.writeFileSync(path.join(folder, 'fails_at_once.py'), FAILS_AT_ONCE);
      // Exactly what `npm start` does on a first start, in a profile of its own.
      options = startProfileOptions({ profileDir: path.join(dir, 'profile'), fresh: true, vsix: c.vsix, folder, log: c.log });
      server = await startCodeServer(options);
      page = await c.page.context().newPage();
      // The terminal's text is read through the clipboard (see terminalText).
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await page.goto(server.folderUrl(folder));
    });
    after(async () => {
      await page?.close().catch(() => undefined);
      await server?.stop();
    });
    afterEach(async function () {
      const title = this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 50);
      const failed = this.currentTest!.state === 'failed' ? '-FAILED' : '';
      await page?.screenshot({ path: path.join(ctx().shots, `first-run-${String(++shot).padStart(2, '0')}-${title}${failed}.png`) }).catch(() => undefined);
    });

    it('opens examples/ in Restricted Mode, as npm start does', async () => {
      const p = tab();
      await step('the workbench to render', () => p.locator('.monaco-workbench').waitFor({ timeout: 60_000 }));
      await step('tiny_cpu_train.py in the Explorer', () => p.locator('.explorer-folders-view .monaco-list-row', { hasText: 'tiny_cpu_train.py' }).waitFor({ timeout: 60_000 }));
      await step('"Restricted Mode" in the status bar', () => p.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 }));
    });

    it('lists "Run with Energy Profile" in Restricted Mode and explains that the folder must be trusted', async () => {
      const p = tab();
      await openFromExplorer(p, 'tiny_cpu_train.py', 'BCEWithLogitsLoss');
      // The editor-title button is there too, and leads to the same explanation.
      await step('the "Run with Energy Profile" button in the editor title', () => p.locator('.editor-actions a[aria-label="Run with Energy Profile"]').first().waitFor({ timeout: 30_000 }));
      // palette() fails unless the command is the first entry the palette lists for its title.
      await palette(p, 'GreenLens: Run with Energy Profile');
      const note = await toast(p, /only in a trusted workspace/, 'the notification that the folder must be trusted');
      assert.strictEqual(note.severity, 'warning', note.text);
      assert.match(note.text, /Restricted Mode/);
      const button = p.locator('.notification-toast', { hasText: /only in a trusted workspace/ }).getByRole('button', { name: 'Manage Workspace Trust' });
      assert.strictEqual(await button.count(), 1, `a "Manage Workspace Trust" button: ${note.text}`);
      assert.ok(!fs.existsSync(path.join(folder, '.greenlens')), 'nothing ran: no .greenlens/ in the folder');
      assert.strictEqual(await p.locator('.codelens-decoration a', { hasText: 'Run with Energy Profile' }).count(), 0, 'no CodeLens offers a run that would be refused');
      await step('click "Manage Workspace Trust"', () => button.click());
      await step('the Workspace Trust editor', () => p.locator('.workspace-trust-editor').first().waitFor({ timeout: 15_000 }));
    });

    it('trusts the folder in the Workspace Trust editor', async () => {
      const p = tab();
      await step('click "Trust"', () => p.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first().click());
      await step('"Restricted Mode" to leave the status bar', () => p.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'detached', timeout: 15_000 }));
      // The trust editor opens as a modal editor; close it if it stays.
      const modal = p.locator('.monaco-modal-editor-block');
      if ((await modal.count()) > 0) await modal.locator('a.codicon-close, [aria-label^="Close"]').first().click().catch(() => undefined);
      await step('the Workspace Trust editor to close', () => p.locator('.workspace-trust-editor').first().waitFor({ state: 'detached', timeout: 15_000 }));
      await openFromExplorer(p, 'tiny_cpu_train.py', 'BCEWithLogitsLoss');
      // The lens sits above `if __name__ == "__main__":`, the file's last lines.
      await p.locator('.monaco-editor .view-lines').first().click();
      await p.keyboard.press('Control+End');
      await step('the CodeLens, now that the folder is trusted', () => p.locator('.codelens-decoration a', { hasText: 'Run with Energy Profile' }).first().waitFor({ timeout: 30_000 }));
    });

    it('runs tiny_cpu_train.py to the end with the interpreter npm start chose, and lists it in the sidebar', async function () {
      this.timeout(180_000);
      const p = tab();
      await palette(p, 'GreenLens: Run with Energy Profile');
      const done = await toast(p, /tiny_cpu_train\.py (completed|failed|killed|cancelled)/, 'the end-of-run notification', 120_000);
      const [run] = runsOf(folder);
      assert.ok(run, 'the run is recorded in .greenlens/runs');
      const text = await terminalText(p, /GreenLens: \w+/, 'the run terminal to end with the outcome');
      assert.strictEqual(run.status, 'completed', `the example trained to the end; the terminal:\n${text}`);
      assert.strictEqual(run.exitCode, 0);
      assert.strictEqual(done.severity, 'info', done.text);
      assert.match(done.text, /tiny_cpu_train\.py completed — .*Wh/);
      // The interpreter: the one npm start put in the Machine settings, else python3 on PATH.
      const configured = options.machineSettings?.['greenlens.pythonPath'] as string | undefined;
      const firstLine = text.split('\n')[0];
      assert.ok(firstLine.startsWith(`$ ${configured ?? 'python3'} ${path.join(folder, 'tiny_cpu_train.py')}`), `the command line first: ${firstLine}`);
      assert.ok(firstLine.includes(configured ? '(interpreter: greenlens.pythonPath)' : '(interpreter: python3 on PATH)'), `the window read npm start's setting: ${firstLine}`);
      assert.strictEqual(run.command.argv[0], configured ?? 'python3');
      for (const line of ['epoch 1/3 loss', 'epoch 3/3 loss', 'GreenLens: completed']) assert.ok(text.includes(line), `"${line}" in the terminal:\n${text}`);

      await palette(p, 'GreenLens: Show Carbon Sidebar');
      const sidebar = await frameWith(p, /\b1\s*run\b/, 'the sidebar to show the first run');
      assert.ok((await sidebar.locator('body').innerText()).includes('tiny_cpu_train.py'), 'the sidebar lists the script');
    });

    it('shows the command line, the traceback and exit code 3 of a script that fails at once', async () => {
      const p = tab();
      await openFromExplorer(p, 'fails_at_once.py', 'traceback.print_exc');
      await palette(p, 'GreenLens: Run with Energy Profile');
      const failed = await toast(p, /fails_at_once\.py failed/, 'the notification of the failed run');
      assert.strictEqual(failed.severity, 'error', failed.text);
      assert.match(failed.text, /fails_at_once\.py failed with exit code 3 — /);
      const run = runsOf(folder).find((r) => r.command.file === 'fails_at_once.py');
      assert.ok(run, 'the failed run is recorded');
      assert.strictEqual(run.status, 'failed');
      assert.strictEqual(run.exitCode, 3);
      // Each estimated figure says why it is estimated.
      for (const c of run.energy.components.filter((c) => c.provenance === 'estimated')) {
        assert.match(failed.text, new RegExp(`${LABEL[c.component]} estimated[ :(]`), `why ${c.component} is estimated: ${failed.text}`);
      }
      const text = await terminalText(p, /failed with exit code 3/, 'the run terminal to end with the exit code');
      const lines = text.split('\n');
      assert.ok(lines[0].startsWith('$ ') && lines[0].includes(path.join(folder, 'fails_at_once.py')), `the command line first: ${lines[0]}`);
      for (const line of ['loading the data', 'Traceback (most recent call last):', "FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/greenlens/data.csv'"]) {
        assert.ok(text.includes(line), `"${line}" in the terminal:\n${text}`);
      }
    });

    it('closes the over-budget warning when the run ends (after setting a budget in the folder)', async function () {
      this.timeout(120_000);
      const p = tab();
      // The first-run checks are done: from here on the folder has a budget of its own.
      fs.writeFileSync(path.join(folder, 'over_budget.py'), OVER_BUDGET);
      fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'greenlens.budget.kWh': 1e-7 }));
      // A run started before VS Code has read the new settings file would have no budget: wait
      // until the sidebar measures the last run against it.
      await palette(p, 'GreenLens: Show Carbon Sidebar');
      await frameWith(p, /budget/, 'the sidebar to show the new budget');
      await openFromExplorer(p, 'over_budget.py', 'range(5)');
      await palette(p, 'GreenLens: Run with Energy Profile');
      const warning = p.locator('.notification-toast', { hasText: /over its budget/ }).first();
      await step('the over-budget warning', () => warning.waitFor({ state: 'visible', timeout: 30_000 }));
      await p.screenshot({ path: path.join(ctx().shots, 'first-run-budget-warning.png') });
      assert.ok(!runsOf(folder).some((r) => r.command.file === 'over_budget.py'), 'the warning came while the run went on');
      await toast(p, /over_budget\.py completed/, 'the end-of-run notification', 60_000);
      await step('the over-budget warning to close', () => warning.waitFor({ state: 'detached', timeout: 10_000 }));
    });
  });
}
