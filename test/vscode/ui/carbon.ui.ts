/**
 * The GreenLens sidebar and run report in the real workbench: a seeded
 * `.greenlens/` history shows its totals, a new profiled run arrives in the
 * open sidebar, the report panel opens with its chart drawn and the numbers of
 * the run file; screenshots in a light and a dark theme.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildRunRecord } from '../../../src/core/history/runRecord';
import { appendRun } from '../../../src/core/history/runStore';
import { sig } from '../../../src/core/report/units';
import { step, waitUntil } from '../harness/steps';
import { frameWith, palette, screenshotEachStep } from './uiHelpers';
import type { UiContext } from './workbench.ui';

/** Seeds `n` runs of `script` with known energies (1…n Wh) into the workspace's history. */
export function seedHistory(workspace: string, n: number, script = 'train.py'): { totalKWh: number } {
  let totalKWh = 0;
  for (let i = 1; i <= n; i++) {
    const kWh = i / 1000;
    totalKWh += kWh;
    const record = buildRunRecord({
      meter: {
        durationS: 60 * i,
        components: [{ component: 'cpu', energyKWh: kWh, powerW: (kWh * 3.6e6) / (60 * i), provenance: 'estimated', source: 'seeded by the UI test', machineEnergyKWh: kWh * 2 }],
        timeline: Array.from({ length: 10 }, (_, k) => ({ tS: k * 6 * i, cpuW: 20 + k })),
        warnings: [],
      },
      projectName: 'workspace',
      experimentId: script,
      command: { argv: ['python3', script], cwd: workspace, file: script },
      startedAt: new Date(Date.now() - (n - i + 1) * 3600_000),
      exitCode: 0,
      carbon: { region: 'FR' },
    });
    appendRun(path.join(workspace, '.greenlens'), record);
  }
  return { totalKWh };
}

export function defineCarbonUiTests(ctx: () => UiContext): void {
  describe('GreenLens sidebar and run report', function () {
    screenshotEachStep('carbon', ctx);

    it('shows the totals of a seeded .greenlens/ history in the sidebar', async () => {
      const { page, workspace } = ctx();
      const before = fs.existsSync(path.join(workspace, '.greenlens', 'emissions.csv'))
        ? fs.readFileSync(path.join(workspace, '.greenlens', 'emissions.csv'), 'utf8').trim().split('\n').length - 1
        : 0;
      seedHistory(workspace, 4);
      await palette(page, 'GreenLens: Show Carbon Sidebar');
      const frame = await frameWith(page, 'train.py', 'the sidebar webview listing train.py');
      const text = await frame.locator('body').innerText();
      assert.match(text, new RegExp(`\\b${before + 4}\\s*runs\\b`), `the sidebar counts ${before + 4} runs: ${text.slice(0, 400)}`);
      await step('the emissions chart to be drawn', () => frame.locator('canvas').first().waitFor({ state: 'visible', timeout: 10_000 }));
    });

    it('adds a new profiled run to the open sidebar', async () => {
      const { page, workspace } = ctx();
      const rows = () => fs.readFileSync(path.join(workspace, '.greenlens', 'emissions.csv'), 'utf8').trim().split('\n').length - 1;
      const before = rows();
      await palette(page, 'View: Focus Active Editor Group');
      await palette(page, 'GreenLens: Run with Energy Profile');
      // quick_run.py takes 4 s, an epoch a second: the live block shows up with the prediction after the first.
      const live = await frameWith(page, /Running quick_run\.py[\s\S]*predicted total/, 'the live block with a predicted total', 15_000);
      const liveText = await live.locator('section.live').innerText();
      assert.match(liveText, /power now/);
      assert.match(liveText, /energy so far/);
      assert.match(liveText, /\d+ \/ 4\s*epoch/, `the epoch count: ${liveText}`);
      await page.screenshot({ path: path.join(ctx().shots, 'carbon-live-run.png') });
      await step('the run to be recorded', async () => {
        const deadline = Date.now() + 40_000;
        while (rows() <= before) {
          if (Date.now() > deadline) throw new Error('no new row in emissions.csv');
          await page.waitForTimeout(250);
        }
      });
      await frameWith(page, new RegExp(`\\b${before + 1}\\s*runs\\b`), `the sidebar to count ${before + 1} runs`);
    });

    it('opens the report of the last train.py run with its chart and the numbers of its run file', async () => {
      const { page, workspace } = ctx();
      const sidebar = await frameWith(page, 'train.py', 'the sidebar');
      await step('click the train.py script row', () => sidebar.getByRole('button', { name: /^train\.py: last run/ }).first().click());
      const report = await frameWith(page, 'Run report: train.py', 'the run report panel');
      await step('the power timeline to be drawn', () => report.locator('canvas').first().waitFor({ state: 'visible', timeout: 10_000 }));
      const runs = fs.readdirSync(path.join(workspace, '.greenlens', 'runs')).map((f) => JSON.parse(fs.readFileSync(path.join(workspace, '.greenlens', 'runs', f), 'utf8')));
      const last = runs.filter((r) => r.command.file === 'train.py').sort((a, b) => a.endedAt.localeCompare(b.endedAt)).pop();
      const text = await report.locator('body').innerText();
      // The figures of the run file (the seeded 4 Wh run, in France at its grid intensity).
      assert.strictEqual(last.energy.totalKWh, 0.004);
      assert.ok(text.includes(`${sig(last.energy.totalKWh * 1000)} Wh`), `energy ${last.energy.totalKWh} kWh in the report: ${text.slice(0, 300)}`);
      assert.ok(text.includes(`${sig(last.carbon.kgCO2e * 1e6)} mg`), `CO2e ${last.carbon.kgCO2e} kg in the report: ${text.slice(0, 300)}`);
      assert.ok(text.includes(`${sig(last.carbon.gPerKWh)} g`), `intensity ${last.carbon.gPerKWh} g/kWh in the report`);
      assert.match(text, /estimated/);
      assert.match(text, /France/);
      for (const format of ['Markdown', 'CSV', 'JSON']) {
        assert.strictEqual(await report.getByRole('button', { name: `Export the report as ${format}` }).count(), 1, `an ${format} export button`);
      }
    });

    it('exports the open report as a Markdown carbon statement through the save dialog', async () => {
      const { page, workspace } = ctx();
      const report = await frameWith(page, 'Run report: train.py', 'the run report panel');
      await step('click "Export the report as Markdown"', () => report.getByRole('button', { name: 'Export the report as Markdown' }).click());
      // VS Code in a browser asks with its own file dialog: a quick input holding the proposed path.
      const input = page.locator('.quick-input-widget input');
      const proposed = await step("the save dialog to propose a file in the workspace's .greenlens/ folder", async () => {
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        return waitUntil('a proposed .md path', async () => {
          const value = await input.inputValue();
          return /carbon-statement\.md$/.test(value) ? value : undefined;
        });
      });
      const fileName = path.basename(proposed);
      assert.match(fileName, /^greenlens-run-[0-9a-f]{8}-carbon-statement\.md$/);
      // The history folder, next to the run: an export never lands among the user's tracked files by default.
      assert.strictEqual(path.basename(path.dirname(proposed)), '.greenlens', `proposed: ${proposed}`);
      await page.keyboard.press('Enter');
      const target = path.join(workspace, '.greenlens', fileName);
      await step('the statement to be written', () => waitUntil(`${target} to exist`, () => fs.existsSync(target), 15_000));
      await step('a notification naming the file', () => page.locator('.notifications-toasts', { hasText: `Exported the run to .greenlens/${fileName}` }).waitFor({ timeout: 15_000 }));
      const statement = fs.readFileSync(target, 'utf8');
      const runId = fileName.slice('greenlens-run-'.length, 'greenlens-run-'.length + 8);
      const record = JSON.parse(
        fs.readFileSync(path.join(workspace, '.greenlens', 'runs', fs.readdirSync(path.join(workspace, '.greenlens', 'runs')).find((f) => f.startsWith(runId))!), 'utf8'),
      );
      assert.ok(statement.startsWith('# Carbon statement: train.py'), statement.slice(0, 200));
      assert.ok(statement.includes(`GreenLens run ${record.runId}`), 'the statement names the run');
      assert.ok(statement.includes(`${sig(record.energy.totalKWh, 4)} kWh`), 'the statement carries the energy of the run file');
      assert.match(statement, /\| PUE \| 1 \(default/);
    });

    it('restores the open report after the window reloads', async () => {
      const { page } = ctx();
      await frameWith(page, 'Run report: train.py', 'the run report panel before the reload');
      // The command a user runs: the workbench saves its editors' state before it reloads.
      const reloaded = page.waitForEvent('load', { timeout: 60_000 });
      await palette(page, 'Developer: Reload Window');
      await step('the workbench to reload', () => reloaded);
      await step('the workbench to render again', () => page.locator('.monaco-workbench').waitFor({ timeout: 60_000 }));
      const report = await frameWith(page, 'Run report: train.py', 'the restored run report', 60_000);
      await step('the restored power timeline to be drawn', () => report.locator('canvas').first().waitFor({ state: 'visible', timeout: 15_000 }));
    });

    it('shows the sidebar and report in a dark theme', async () => {
      const { page, workspace, shots } = ctx();
      // A workspace setting, which VS Code applies as soon as the file changes.
      const vscodeDir = path.join(workspace, '.vscode');
      const settingsFile = path.join(vscodeDir, 'settings.json');
      fs.mkdirSync(vscodeDir, { recursive: true });
      const settings = fs.existsSync(settingsFile) ? JSON.parse(fs.readFileSync(settingsFile, 'utf8')) : {};
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'workbench.colorTheme': 'Default Dark Modern' }, null, 2));
      await step('the workbench to turn dark', () => page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 15_000 }));
      await page.waitForTimeout(1000);
      await page.screenshot({ path: path.join(shots, 'carbon-dark-report.png') });
      const sidebar = await frameWith(page, 'train.py', 'the sidebar in the dark theme');
      // The webview follows the theme: its text colour comes from VS Code's variables.
      // Runs in the page, where getComputedStyle exists (this file compiles without the DOM library).
      const color = await sidebar.locator('body').evaluate((b) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(b).color);
      const [r, g, b] = (color.match(/\d+/g) ?? []).map(Number);
      assert.ok(r + g + b > 382, `light text on the dark theme, got ${color}`);
    });

    it('shows the sidebar in the high-contrast theme, with its outlines', async () => {
      const { page, workspace, shots } = ctx();
      const settingsFile = path.join(workspace, '.vscode', 'settings.json');
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'workbench.colorTheme': 'Default High Contrast' }, null, 2));
      await step('the workbench to turn high-contrast', () => page.locator('.monaco-workbench.hc-black').waitFor({ timeout: 15_000 }));
      await page.waitForTimeout(1000);
      await page.screenshot({ path: path.join(shots, 'carbon-high-contrast.png') });
      const sidebar = await frameWith(page, 'train.py', 'the sidebar in the high-contrast theme');
      assert.ok(await sidebar.locator('body.vscode-high-contrast').count(), 'VS Code marks the webview body high-contrast');
      // Badges are outlined in the theme's contrast border colour (media/common.css).
      const { contrast, badge } = await sidebar.locator('.badge').first().evaluate((e) => {
        const css = (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string; getPropertyValue(n: string): string } }).getComputedStyle;
        const probe = (e as { ownerDocument: { body: unknown } }).ownerDocument.body;
        return { contrast: css(probe).getPropertyValue('--vscode-contrastBorder').trim(), badge: css(e).borderTopColor };
      });
      assert.ok(contrast, 'VS Code hands the webview a contrast border colour');
      assert.notStrictEqual(badge, 'rgba(0, 0, 0, 0)', `an outlined badge (${badge}, contrast border ${contrast})`);
    });
  });
}
