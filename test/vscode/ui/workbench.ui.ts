/**
 * What a user sees in the real workbench with the packaged .vsix installed:
 * squiggles, the Problems panel, the hover, the lightbulb's quick fix and the
 * Analyze Workspace command. Steps run in order on one page; each one leaves a
 * screenshot in test-results/vscode-ui/.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { step, waitUntil } from '../harness/steps';
import { frameWith, quickInput } from './uiHelpers';

export interface UiContext {
  page: Page;
  /** The copy of test/vscode/workspace the server opened. */
  workspace: string;
  shots: string;
  /** A git-ignored folder for more workspaces. */
  scratch: string;
  /** The project root (for the examples). */
  root: string;
  /** The workbench URL that opens a folder or a .code-workspace file. */
  urlFor(target: string): string;
  /** The packaged extension (steps that start a code-server of their own install it). */
  vsix: string;
  log: (line: string) => void;
}

/** 1-based line:column of the first occurrence of `needle` in a workspace file (for Go to Line). */
function positionOf(file: string, needle: string): string {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `${needle} not found in ${file}`);
  return `${line + 1}:${lines[line].indexOf(needle) + 1}`;
}

async function palette(page: Page, key: 'F1' | 'Control+P', text: string, what: string): Promise<void> {
  await step(what, () => quickInput(page, key, text));
}

async function goTo(page: Page, position: string): Promise<void> {
  await step(`go to ${position}: open Go to Line (Ctrl+G)`, async () => {
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
  });
  await page.locator('.quick-input-widget input').fill(`:${position}`);
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
}

const editorText = (page: Page) => page.locator('.monaco-editor .view-lines').first().innerText();

/**
 * The rule page a docs link opened: VS Code's Markdown preview (a webview with
 * the page's heading), not the Markdown source in a text editor, and without
 * internal source paths. Leaves a screenshot, then closes the page's tab.
 */
async function expectRenderedRulePage(page: Page, code: string, shot: string): Promise<void> {
  const doc = await frameWith(page, /What it does/, `the rendered ${code} page`, 20_000);
  const heading = doc.locator('h1').first();
  await step(`the ${code} page's heading`, () => heading.waitFor({ timeout: 10_000 }));
  assert.match(await heading.innerText(), new RegExp(`^${code} `));
  const text = await doc.locator('body').innerText();
  assert.ok(!text.includes(`# ${code}`), `Markdown rendered, not shown as source: ${text.slice(0, 200)}`);
  assert.doesNotMatch(text, /\bsrc\/|\.ts\b/, 'no internal source paths on the page');
  assert.strictEqual(await page.locator('.monaco-editor .view-lines', { hasText: `# ${code}` }).count(), 0, 'no editor shows the Markdown source');
  await page.screenshot({ path: shot });
  const tab = page.locator('.part.editor .tabs-container .tab', { hasText: code }).first();
  await step(`click the close button of the ${code} page's tab`, async () => {
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
  });
  await step(`the ${code} page to close`, () => tab.waitFor({ state: 'detached', timeout: 10_000 }));
}

export function defineUiTests(context: () => UiContext): void {
  let shot = 0;
  let loaded = false;
  // Every later step needs the workbench; without it they fail at once instead of each timing out.
  const ctx = () => {
    if (!loaded) throw new Error('skipped: the workbench did not load (see the first step)');
    return context();
  };

  describe('GreenLens in the workbench (packaged .vsix)', function () {
    afterEach(async function () {
      const name = `${String(++shot).padStart(2, '0')}-${this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60)}`;
      const failed = this.currentTest!.state === 'failed' ? '-FAILED' : '';
      const { page, shots } = context();
      await page.screenshot({ path: path.join(shots, `${name}${failed}.png`) }).catch(() => undefined);
    });

    it('loads the workbench on the workspace', async () => {
      const { page } = context();
      await step('the workbench to render', () => page.locator('.monaco-workbench').waitFor({ timeout: 60_000 }));
      await step('train.py in the Explorer', () => page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'train.py' }).waitFor({ timeout: 60_000 }));
      loaded = true;
    });

    it('opens train.py with Quick Open and underlines the .item() sync (GL201)', async () => {
      const { page } = ctx();
      await palette(page, 'Control+P', 'train.py', 'Quick Open train.py');
      await step('train.py in the editor', () => page.locator('.monaco-editor .view-lines', { hasText: 'DataParallel' }).waitFor({ timeout: 30_000 }));
      await step('a warning squiggle (GL201)', () => page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 30_000 }));
      await step('information squiggles (GL303, GL313)', () => page.locator('.monaco-editor .squiggly-info').first().waitFor({ timeout: 10_000 }));
    });

    it('lists the findings in the Problems panel with their codes', async () => {
      const { page } = ctx();
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'GL201' }).first();
      await step('a Problems row mentioning GL201', () => row.waitFor({ timeout: 15_000 }));
      const text = (await row.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /GreenLens/, `row text: ${text}`);
      await step('a Problems row mentioning GL303', () => page.locator('.markers-panel .monaco-list-row', { hasText: 'GL303' }).first().waitFor({ timeout: 5_000 }));
      // The code is a link to the rule page.
      await step('GL201 rendered as a link', () => row.locator('a', { hasText: 'GL201' }).first().waitFor({ timeout: 5_000 }));
    });

    it('opens the GL201 page rendered from its code link in the Problems panel', async () => {
      const { page, shots } = ctx();
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'GL201' }).first();
      await step('click GL201 in the Problems panel', () => row.locator('a', { hasText: 'GL201' }).first().click());
      await expectRenderedRulePage(page, 'GL201', path.join(shots, 'rule-docs-from-problems.png'));
    });

    it('shows what GL201 costs and what to do in the hover', async () => {
      const { page } = ctx();
      await goTo(page, positionOf(path.join(ctx().workspace, 'train.py'), 'item()'));
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-hover', { hasText: 'GL201' }).first();
      await step('the hover over .item()', () => hover.waitFor({ state: 'visible', timeout: 10_000 }));
      // GreenLens's own block, rendered Markdown: the call as a code span, not literal backticks.
      const block = hover.locator('.rendered-markdown', { hasText: 'GL201' }).filter({ has: page.locator('code', { hasText: '.item()' }) }).first();
      await step('the GL201 block rendered as Markdown', () => block.waitFor({ state: 'visible', timeout: 10_000 }));
      assert.match(await block.innerText(), /every training step/);
      assert.doesNotMatch(await block.innerText(), /`/, 'no literal backticks');
      // Left open for the step's screenshot; the next step uses it.
    });

    it('opens the GL201 page rendered from the code link in the hover', async () => {
      const { page, shots } = ctx();
      // The hover opens its links without allowing commands: only a file link works here.
      const link = page.locator('.monaco-hover a', { hasText: 'GL201' }).first();
      await step('the GL201 link in the hover', () => link.waitFor({ state: 'visible', timeout: 10_000 }));
      await link.click();
      await expectRenderedRulePage(page, 'GL201', path.join(shots, 'rule-docs-from-hover.png'));
    });

    it('opens the GL201 page rendered from the "Show documentation" quick fix', async () => {
      const { page, shots } = ctx();
      await goTo(page, positionOf(path.join(ctx().workspace, 'train.py'), 'item()'));
      await page.keyboard.press('Control+.');
      const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Show documentation for GL201' }).first();
      await step('"Show documentation for GL201" in the Quick Fix menu', () => item.waitFor({ state: 'visible', timeout: 10_000 }));
      await item.click();
      await expectRenderedRulePage(page, 'GL201', path.join(shots, 'rule-docs-from-quick-fix.png'));
    });

    it('applies the GL303 quick fix from the lightbulb (Ctrl+.)', async () => {
      const { page } = ctx();
      await page.keyboard.press('Escape');
      await goTo(page, positionOf(path.join(ctx().workspace, 'train.py'), 'DataLoader(train_set'));
      const bulb = page.locator('.monaco-editor .lightBulbWidget').first();
      await step('the lightbulb on the DataLoader line', () => bulb.waitFor({ state: 'visible', timeout: 10_000 }));
      // The auto-fix variant of the icon means a preferred (safe) fix is on offer; the plain
      // bulb can show first while the providers answer.
      await step('the auto-fix lightbulb (a preferred, safe fix)', () =>
        waitUntil('the lightbulb to switch to its auto-fix icon', async () => /autofix/.test((await bulb.getAttribute('class')) ?? ''), 5_000),
      );
      await page.keyboard.press('Control+.');
      const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Add pin_memory=True' }).first();
      await step('"Add pin_memory=True" in the Quick Fix menu', () => item.waitFor({ state: 'visible', timeout: 10_000 }));
      await page.screenshot({ path: path.join(ctx().shots, 'quick-fix-menu.png') });
      await item.click();
      await step('pin_memory=True in the editor', () =>
        waitUntil('the editor text to contain pin_memory=True', async () => /pin_memory=True/.test(await editorText(page)), 10_000),
      );
      await step('GL303 to leave the Problems panel', () =>
        page.locator('.markers-panel .monaco-list-row', { hasText: 'GL303' }).first().waitFor({ state: 'detached', timeout: 10_000 }),
      );
    });

    it('runs "GreenLens: Analyze Workspace" from the command palette', async () => {
      const { page } = ctx();
      await palette(page, 'F1', 'GreenLens: Analyze Workspace', 'run Analyze Workspace');
      // Two files scan in a blink, so the progress notification may come and go unseen: report, do not require.
      const progress = page.locator('.notification-toast', { hasText: 'GreenLens: analyzing workspace' }).first();
      const sawProgress = await progress.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
      console.log(`      (progress notification ${sawProgress ? 'seen' : 'not caught: the scan was faster than the screenshot'})`);
      const toast = page.locator('.notification-toast', { hasText: /GreenLens analysed \d+ Python files?/ }).first();
      await step('the "GreenLens analysed N Python files" notification', () => toast.waitFor({ state: 'visible', timeout: 20_000 }));
      assert.match(await toast.innerText(), /analysed 2 Python files/);
      await step('evaluate.py (not open) in the Problems panel', () =>
        page.locator('.markers-panel .monaco-list-row', { hasText: 'evaluate.py' }).first().waitFor({ timeout: 10_000 }),
      );
    });

    it('runs a script with an energy profile from its CodeLens and reports the run', async () => {
      const { page, workspace, shots } = ctx();
      // Written after the scan above, so the file count there stays two.
      fs.writeFileSync(
        path.join(workspace, 'quick_run.py'),
        ['import time', '', '', 'def main():', '    for epoch in range(4):', '        end = time.time() + 1', '        while time.time() < end:', '            pass', '        print(f"epoch {epoch + 1}/4", flush=True)', '', '', 'if __name__ == "__main__":', '    main()', ''].join('\n'),
      );
      // From the Explorer: Quick Open's file search may not list a file this new yet.
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'quick_run.py' });
      await step('quick_run.py in the Explorer', () => row.waitFor({ timeout: 30_000 }));
      await row.click();
      await step('quick_run.py in the editor', () => page.locator('.monaco-editor .view-lines', { hasText: 'range(4)' }).waitFor({ timeout: 30_000 }));
      const lens = page.locator('.codelens-decoration a', { hasText: 'Run with Energy Profile' }).first();
      await step('the "Run with Energy Profile" CodeLens', () => lens.waitFor({ state: 'visible', timeout: 30_000 }));
      await lens.click();
      const live = page.locator('.statusbar-item', { hasText: /\d+(\.\d+)? W · / }).first();
      await step('live watts and energy in the status bar', () => live.waitFor({ state: 'visible', timeout: 20_000 }));
      await page.screenshot({ path: path.join(shots, 'run-live-status-bar.png') });
      const done = page.locator('.notification-toast', { hasText: /quick_run\.py completed/ }).first();
      await step('the run summary notification', () => done.waitFor({ state: 'visible', timeout: 30_000 }));
      const text = await done.innerText();
      assert.match(text, /Wh/);
      assert.match(text, /CO2e/);
      assert.match(text, /estimated|measured/);
      assert.ok(fs.existsSync(path.join(workspace, '.greenlens', 'emissions.csv')), 'the run was recorded in .greenlens/emissions.csv');
    });
  });
}
