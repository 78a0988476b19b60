/**
 * The sidebar across workspaces: a section per folder of a multi-root
 * workspace, the notices for a corrupt history line and a corrupt run file,
 * and the first steps of a workspace with nothing to show yet: open the
 * example, analyse the workspace, run the example with a profile.
 * These steps open other workspaces in the same page, so they run last.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { step, waitUntil } from '../harness/steps';
import { seedHistory } from './carbon.ui';
import { frameWith, palette, screenshotEachStep } from './uiHelpers';
import type { UiContext } from './workbench.ui';

/** Opens a folder or a .code-workspace file in the page and waits for the workbench. */
async function openWorkspace(ctx: UiContext, target: string, expectInExplorer: string): Promise<void> {
  const { page } = ctx;
  await page.goto(ctx.urlFor(target));
  await step('the workbench to render', () => page.locator('.monaco-workbench').waitFor({ timeout: 60_000 }));
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: expectInExplorer }).first();
  // VS Code in a browser now and then opens the .code-workspace with none of its folders (title
  // right, Explorer empty, nothing in the logs; 2 of about 16 runs here). That is VS Code's workspace
  // loading, not GreenLens, so the step reloads once, says so, and still fails if they stay away.
  const empty = page.getByText('You have not yet added a folder to the workspace.');
  const first = await step(`${expectInExplorer} in the Explorer`, () =>
    waitUntil(`${expectInExplorer} or an empty workspace in the Explorer`, async () => ((await row.count()) > 0 ? 'shown' : (await empty.count()) > 0 ? 'empty' : undefined), 60_000, 250),
  );
  if (first === 'empty') {
    console.log(`      (the workspace opened without its folders; reloading once)`);
    await page.reload();
    await step(`${expectInExplorer} in the Explorer after a reload`, () => row.waitFor({ timeout: 60_000 }));
  }
}

/** A new folder holding only the CPU example, set to run it with Debian's python3 (which has PyTorch, ENVIRONMENT.md). */
function newWorkspace(ctx: UiContext, name: string): string {
  const dir = path.join(ctx.scratch, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.copyFileSync(path.join(ctx.root, 'examples', 'tiny_cpu_train.py'), path.join(dir, 'tiny_cpu_train.py'));
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'greenlens.pythonPath': '/usr/bin/python3' }));
  return dir;
}

/** A new workspace with the example, opened, and its sidebar showing the first steps. */
async function firstSteps(ctx: UiContext, name: string) {
  const dir = newWorkspace(ctx, name);
  await openWorkspace(ctx, dir, 'tiny_cpu_train.py');
  await palette(ctx.page, 'GreenLens: Show Carbon Sidebar');
  return { dir, sidebar: await frameWith(ctx.page, 'No runs or findings yet', 'the first steps in the sidebar') };
}

/** Waits for the folder's first run to be recorded and shown; the example trains to the end. */
async function expectFirstRun(ctx: UiContext, dir: string): Promise<void> {
  const csv = path.join(dir, '.greenlens', 'emissions.csv');
  await step('the run to be recorded', () =>
    waitUntil(`a row in ${csv}`, () => fs.existsSync(csv) && fs.readFileSync(csv, 'utf8').trim().split('\n').length === 2, 90_000, 250),
  );
  const sidebar = await frameWith(ctx.page, /\b1\s*run\b/, 'the sidebar to show the first run');
  const text = await sidebar.locator('body').innerText();
  assert.ok(text.includes('tiny_cpu_train.py'), `the run's script is listed: ${text.slice(0, 300)}`);
  assert.ok(!text.includes('No runs or findings yet') && !text.includes('No profiled runs in this folder yet'), 'the first steps gave way to the run');
  const runs = path.join(dir, '.greenlens', 'runs');
  const run = JSON.parse(fs.readFileSync(path.join(runs, fs.readdirSync(runs)[0]), 'utf8'));
  assert.strictEqual(run.exitCode, 0, 'the example trained to the end');
}

export function defineFolderUiTests(ctx: () => UiContext): void {
  describe('GreenLens sidebar per workspace folder', function () {
    screenshotEachStep('folders', ctx);

    it('shows a section per folder of a multi-root workspace, with a notice naming a corrupt history line', async () => {
      const c = ctx();
      const root = path.join(c.scratch, 'multi');
      fs.rmSync(root, { recursive: true, force: true });
      const alpha = path.join(root, 'alpha');
      const beta = path.join(root, 'beta');
      fs.mkdirSync(alpha, { recursive: true });
      fs.mkdirSync(beta, { recursive: true });
      seedHistory(alpha, 3);
      seedHistory(beta, 2, 'evaluate.py');
      // A line no CSV reader can use, between the first and the second run: line 3 of the file.
      const csv = path.join(alpha, '.greenlens', 'emissions.csv');
      const lines = fs.readFileSync(csv, 'utf8').split('\n');
      lines.splice(2, 0, 'this line was damaged by hand');
      fs.writeFileSync(csv, lines.join('\n'));
      // alpha's cheapest run (1 Wh) crashed: its record says so, the CSV cannot.
      const runsDir = path.join(alpha, '.greenlens', 'runs');
      for (const f of fs.readdirSync(runsDir)) {
        const record = JSON.parse(fs.readFileSync(path.join(runsDir, f), 'utf8'));
        if (record.energy.totalKWh === 0.001) fs.writeFileSync(path.join(runsDir, f), JSON.stringify({ ...record, status: 'failed', exitCode: 1 }));
      }
      const workspaceFile = path.join(root, 'multi.code-workspace');
      // A per-run budget of 2.5 Wh: alpha's last run (3 Wh) is over it, beta's (2 Wh) under.
      fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: 'alpha' }, { path: 'beta' }], settings: { 'greenlens.budget.kWh': 0.0025 } }));

      await openWorkspace(c, workspaceFile, 'alpha');
      await palette(c.page, 'GreenLens: Show Carbon Sidebar');
      const sidebar = await frameWith(c.page, 'evaluate.py', 'the sidebar with both folders');
      for (const name of ['alpha', 'beta']) {
        assert.strictEqual(await sidebar.getByRole('heading', { name, exact: true }).count(), 1, `a section headed ${name}`);
      }
      const alphaText = await sidebar.locator('section.folder', { has: sidebar.getByRole('heading', { name: 'alpha', exact: true }) }).innerText();
      const betaText = await sidebar.locator('section.folder', { has: sidebar.getByRole('heading', { name: 'beta', exact: true }) }).innerText();
      assert.match(alphaText, /\b3\s*runs\b/, `alpha keeps its 3 readable runs: ${alphaText.slice(0, 300)}`);
      assert.match(alphaText, /History warnings \(1\)/, 'alpha has one warning');
      assert.match(alphaText, /^\.greenlens\/emissions\.csv: line 3 .*skipped$/m, `the warning names the file in the folder and the line: ${alphaText}`);
      assert.match(betaText, /\b2\s*runs\b/, `beta has its own 2 runs: ${betaText.slice(0, 300)}`);
      assert.ok(betaText.includes('evaluate.py') && !betaText.includes('train.py'), 'each section lists its own scripts');
      assert.ok(!betaText.includes('History warnings'), 'the notice stays in the folder it concerns');
      assert.match(alphaText, /Last run: 3 Wh, over the 2\.5 Wh budget by 20%/, 'alpha\'s budget bar');
      assert.match(alphaText, /best 2 Wh/, 'the crashed 1 Wh run is not alpha\'s best');
      assert.match(betaText, /Last run: 2 Wh of the 2\.5 Wh budget \(80%\)/, 'beta\'s budget bar');
    });

    it('shows a notice naming a corrupt run file when its report is opened', async () => {
      const c = ctx();
      const runs = path.join(c.scratch, 'multi', 'alpha', '.greenlens', 'runs');
      const records = fs.readdirSync(runs).map((f) => ({ file: path.join(runs, f), record: JSON.parse(fs.readFileSync(path.join(runs, f), 'utf8')) }));
      const last = records.sort((a, b) => a.record.endedAt.localeCompare(b.record.endedAt)).pop()!;
      fs.writeFileSync(last.file, fs.readFileSync(last.file, 'utf8').slice(0, 120));
      const sidebar = await frameWith(c.page, 'evaluate.py', 'the sidebar');
      const alpha = sidebar.locator('section.folder', { has: sidebar.getByRole('heading', { name: 'alpha', exact: true }) });
      await step('click the train.py row of alpha', () => alpha.getByRole('button', { name: /^train\.py: last run/ }).click());
      const report = await frameWith(c.page, 'could not be shown', 'the report panel with its notice');
      const text = await report.locator('body').innerText();
      assert.ok(text.includes(`${path.basename(last.file)} is not valid JSON`), `the notice names the file: ${text}`);
    });

    it('shows first steps in a new workspace; "Open the example" opens it, then the folder offers to analyse and run it', async () => {
      const c = ctx();
      const { dir: fresh, sidebar } = await firstSteps(c, 'fresh');
      // The example saves no model, so it earns no compression suggestion; this copy saves its model after training (not yet open, so the editor reads it from disk).
      const script = path.join(fresh, 'tiny_cpu_train.py');
      fs.writeFileSync(script, fs.readFileSync(script, 'utf8').replace('\n\n\nif __name__', '\n    torch.save(model.state_dict(), "tiny.pt")\n\n\nif __name__'));
      assert.match(fs.readFileSync(script, 'utf8'), /\n {4}torch\.save\(model\.state_dict\(\), "tiny\.pt"\)\n/, 'the copy saves its model at the end of main()');
      for (const name of ['Open the example training script', 'Run the active script with an energy profile', 'Analyze the workspace']) {
        assert.strictEqual(await sidebar.getByRole('button', { name }).count(), 1, `a "${name}" button`);
      }
      await c.page.screenshot({ path: path.join(c.shots, 'folders-empty-state.png') });

      await step('click "Open the example training script"', () => sidebar.getByRole('button', { name: 'Open the example training script' }).click());
      await step('tiny_cpu_train.py in the editor', () => c.page.locator('.monaco-editor .view-lines', { hasText: 'BCEWithLogitsLoss' }).waitFor({ timeout: 30_000 }));
      // Its compression suggestions (for the model it saves) replace the first steps with the folder's section.
      const folder = await frameWith(c.page, 'No profiled runs in this folder yet', 'the folder section without runs');

      // A suggestion leads to its line.
      const suggestion = folder.locator('li.suggestion').first();
      const where = await suggestion.locator('.where').innerText();
      const line = Number(/:(\d+)$/.exec(where)?.[1]);
      assert.ok(line > 0, `the suggestion names its line: ${where}`);
      await step(`click the first suggestion (${where})`, () => suggestion.locator('button.suggestion-title').click());
      await step(`the cursor on line ${line}`, () => c.page.locator('.statusbar-item', { hasText: `Ln ${line}, Col 1` }).first().waitFor({ timeout: 15_000 }));

      await step('click "Analyze the workspace"', () => folder.getByRole('button', { name: 'Analyze the workspace' }).click());
      await step('the analysis summary', () => c.page.locator('.notifications-toasts', { hasText: 'GreenLens analysed 1 Python file: 0 findings' }).waitFor({ timeout: 30_000 }));

      await step('click "Run the active script with an energy profile"', () => folder.getByRole('button', { name: 'Run the active script with an energy profile' }).click());
      await expectFirstRun(c, fresh);

      // The run's report says what would save the most for this script, naming the line that saves the model.
      const withRun = await frameWith(c.page, /\b1\s*run\b/, 'the sidebar with the run');
      await step('click the tiny_cpu_train.py row', () => withRun.getByRole('button', { name: /^tiny_cpu_train\.py: last run/ }).click());
      const report = await frameWith(c.page, 'What would save the most', 'the run report with its savings section');
      const saveLine = fs.readFileSync(script, 'utf8').split('\n').findIndex((l) => l.includes('torch.save(')) + 1;
      const inReport = report.locator('.savings li.suggestion').first();
      await step('a suggestion in the report', () => inReport.waitFor({ state: 'visible', timeout: 15_000 }));
      assert.match(await inReport.innerText(), new RegExp(`tiny_cpu_train\\.py:${saveLine}\\b`), 'the suggestion names the line that saves the model');
      await c.page.screenshot({ path: path.join(c.shots, 'folders-report-suggestion.png') });
    });

    it('runs the example from the first steps with one click when no editor is open', async () => {
      const c = ctx();
      const { dir: fresh, sidebar } = await firstSteps(c, 'one-click');
      await step('click "Run the active script with an energy profile"', () => sidebar.getByRole('button', { name: 'Run the active script with an energy profile' }).click());
      await step('the example in the editor', () => c.page.locator('.monaco-editor .view-lines', { hasText: 'BCEWithLogitsLoss' }).waitFor({ timeout: 30_000 }));
      await expectFirstRun(c, fresh);
      // …and its report, one more click away.
      const withRun = await frameWith(c.page, /\b1\s*run\b/, 'the sidebar with the run');
      await step('click the tiny_cpu_train.py row', () => withRun.getByRole('button', { name: /^tiny_cpu_train\.py: last run/ }).click());
      const report = await frameWith(c.page, 'Run report: tiny_cpu_train.py', 'the run report');
      await step('its power timeline to be drawn', () => report.locator('canvas').first().waitFor({ state: 'visible', timeout: 15_000 }));
      const runs = path.join(fresh, '.greenlens', 'runs');
      const run = JSON.parse(fs.readFileSync(path.join(runs, fs.readdirSync(runs)[0]), 'utf8'));
      const text = await report.locator('body').innerText();
      assert.ok(text.includes(run.runId.slice(0, 8)) || text.includes(run.runId), 'the report is of the recorded run');
      assert.match(text, /exit code\s*0|completed/i, `the report gives the outcome: ${text.slice(0, 400)}`);
    });
  });
}
