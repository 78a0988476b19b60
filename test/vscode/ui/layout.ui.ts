/**
 * The sidebar and the run report at the widths people give them: the
 * sidebar dragged to 220, 300 and 500 px with a run going, its figure boxes
 * measured inside the webview (none overlaps another, none is cut or spills
 * out), a screenshot at each width; then the report of that run, whose power
 * timeline says whose power each line is and adds up to the headline energy,
 * and the report of a record from before the run's own power was kept.
 * The sidebar and report screenshots in the README come from these steps.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { buildRunRecord, type RunRecord } from '../../../src/core/history/runRecord';
import { appendRun } from '../../../src/core/history/runStore';
import { step, waitUntil } from '../harness/steps';
import { frameWith, palette, screenshotEachStep } from './uiHelpers';
import type { UiContext } from './workbench.ui';

/** A long script name: the live block and the script list must show it whole. */
const SCRIPT = 'train_resnet50_cifar10_baseline.py';
/** A script whose only record predates the run's own power in the timeline. */
const LEGACY = 'legacy_eval.py';
export const SIDEBAR_WIDTHS = [220, 300, 500] as const;
/** The live run: 40 epochs of 0.75 s, long enough for the three widths, short enough to wait for. */
const EPOCHS = 40;

/**
 * A record of `script` like the meter writes: 0.2 s samples of the run's own
 * power (`processW`, whose area is the record's energy) and the flat
 * whole-machine model watts; without `processW` when `legacy`.
 */
function seededRecord(workspace: string, script: string, endedHoursAgo: number, meanW: number, legacy = false): RunRecord {
  const processW = Array.from({ length: 60 }, (_, k) => meanW * (1 + 0.15 * Math.sin(k / 4)));
  const timeline = processW.map((w, k) => (legacy ? { tS: (k + 1) * 0.2, cpuW: 8, ramW: 8.83 } : { tS: (k + 1) * 0.2, cpuW: 8, ramW: 8.83, processW: w }));
  // Each sample is the mean over the 0.2 s before it, so the run's energy is their sum times 0.2 s.
  const runJ = processW.reduce((sum, w) => sum + w * 0.2, 0);
  const durationS = timeline[timeline.length - 1].tS;
  return buildRunRecord({
    meter: {
      durationS,
      components: [
        { component: 'cpu', energyKWh: (runJ * 0.98) / 3.6e6, powerW: (runJ * 0.98) / durationS, provenance: 'estimated', source: 'seeded by the layout UI step', machineEnergyKWh: (8 * durationS) / 3.6e6 },
        { component: 'ram', energyKWh: (runJ * 0.02) / 3.6e6, powerW: (runJ * 0.02) / durationS, provenance: 'estimated', source: 'seeded by the layout UI step', machineEnergyKWh: (8.83 * durationS) / 3.6e6 },
      ],
      timeline,
      warnings: [],
      trackingMode: 'process',
    },
    projectName: 'workspace',
    experimentId: script,
    command: { argv: ['python3', script], cwd: workspace, file: script },
    startedAt: new Date(Date.now() - endedHoursAgo * 3600_000),
    exitCode: 0,
    carbon: { region: 'DE' },
  });
}

interface Measured {
  viewportWidth: number;
  boxes: { what: string; left: number; top: number; right: number; bottom: number; scrollWidth: number; clientWidth: number }[];
}

/**
 * The boxes of the sidebar's figures, measured in the webview document: each
 * stat (value and label) of the live block and the totals, each part of a
 * script row (name and last figures, trend, best run) and each findings
 * family tile, with their content widths. Runs in the page; this file compiles without the DOM library, so
 * the few DOM members used are typed here.
 */
async function measureFigures(frame: Frame): Promise<Measured> {
  return frame.evaluate(() => {
    interface El {
      getBoundingClientRect(): { left: number; top: number; right: number; bottom: number; width: number; height: number };
      scrollWidth: number;
      clientWidth: number;
      className: string;
      textContent: string | null;
      querySelectorAll(s: string): ArrayLike<El>;
    }
    const doc = (globalThis as unknown as { document: El & { documentElement: { clientWidth: number } } }).document;
    const all = (sel: string, root: El = doc) => Array.from(root.querySelectorAll(sel));
    const boxes: Measured['boxes'] = [];
    const add = (what: string, el: El) => {
      const r = el.getBoundingClientRect();
      // Hidden parts (a stat without a value yet, a closed section) have no box.
      if (r.width === 0 && r.height === 0) return;
      boxes.push({ what: `${what} "${(el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`, left: r.left, top: r.top, right: r.right, bottom: r.bottom, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth });
    };
    for (const s of all('.stat')) {
      add('stat', s);
      for (const part of all('.stat-value, .stat-label', s)) add(`  ${part.className} of stat`, part);
    }
    for (const h of all('.live-head h2, .folder-name')) add('heading', h);
    for (const row of all('.script')) {
      for (const part of all(':scope > *', row)) add(`script row part .${part.className.split(' ').join('.')}`, part);
      for (const part of all('.script-name, .script-last', row)) add(`  ${part.className}`, part);
    }
    for (const tile of all('.families > *')) {
      add('family tile', tile);
      for (const part of all('.family-name, .family-count, .family-code', tile)) add(`  ${part.className}`, part);
    }
    return { viewportWidth: doc.documentElement.clientWidth, boxes };
  });
}

/** What is wrong with the measured layout: overlapping figure boxes, boxes outside the view, content wider than its box. */
function layoutProblems(m: Measured): string[] {
  const problems: string[] = [];
  const tolerance = 0.5;
  // Parts (indented) sit inside their box; only boxes at the same level must not overlap.
  const top = m.boxes.filter((b) => !b.what.startsWith('  '));
  for (let i = 0; i < top.length; i++) {
    for (let j = i + 1; j < top.length; j++) {
      const a = top[i];
      const b = top[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > tolerance && h > tolerance) problems.push(`${a.what} and ${b.what} overlap by ${w.toFixed(1)}×${h.toFixed(1)} px`);
    }
  }
  for (const b of m.boxes) {
    if (b.left < -tolerance || b.right > m.viewportWidth + tolerance) problems.push(`${b.what.trim()} reaches ${b.left.toFixed(1)}–${b.right.toFixed(1)} px, outside the ${m.viewportWidth} px view`);
    if (b.scrollWidth > b.clientWidth + 1) problems.push(`${b.what.trim()} is cut or spills over: its content is ${b.scrollWidth} px wide in a ${b.clientWidth} px box`);
  }
  return problems;
}

/** Drags the sash at the sidebar's edge until the sidebar is `width` px wide (VS Code has no setting for it). */
async function setSidebarWidth(page: Page, width: number): Promise<number> {
  const sidebar = page.locator('.part.sidebar').first();
  for (let attempt = 0; attempt < 3; attempt++) {
    const box = await sidebar.boundingBox();
    if (!box) throw new Error('the sidebar is not shown');
    if (Math.abs(box.width - width) <= 1) return box.width;
    const edge = box.x + box.width;
    const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((els) =>
      els.map((e) => {
        const r = (e as unknown as { getBoundingClientRect(): { left: number; width: number; top: number; height: number } }).getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2, height: r.height };
      }),
    );
    const sash = sashes.filter((s) => s.height > 100).sort((a, b) => Math.abs(a.x - edge) - Math.abs(b.x - edge))[0];
    if (!sash || Math.abs(sash.x - edge) > 6) throw new Error(`no sash at the sidebar's edge (${edge} px)`);
    await page.mouse.move(sash.x, sash.y);
    await page.mouse.down();
    await page.mouse.move(sash.x + (width - box.width) / 2, sash.y, { steps: 4 });
    await page.mouse.move(sash.x + (width - box.width), sash.y, { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(300);
  }
  const final = (await sidebar.boundingBox())?.width ?? 0;
  if (Math.abs(final - width) > 1) throw new Error(`the sidebar is ${final} px wide, not ${width}`);
  return final;
}

/** Records in the workspace's history for `script`, newest last. */
function recordsOf(workspace: string, script: string): RunRecord[] {
  const dir = path.join(workspace, '.greenlens', 'runs');
  return fs
    .readdirSync(dir)
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as RunRecord)
    .filter((r) => r.command.file === script || r.command.file?.endsWith(`/${script}`))
    .sort((a, b) => a.endedAt.localeCompare(b.endedAt));
}

export function defineLayoutUiTests(ctx: () => UiContext): void {
  describe('GreenLens layout at sidebar widths', function () {
    screenshotEachStep('layout', ctx);

    it('keeps the sidebar figures apart and whole at 220, 300 and 500 px wide, with a run going', async function () {
      this.timeout(180_000);
      const { page, workspace, shots } = ctx();
      // The README's screenshots: a dark theme, whatever the steps before left (a workspace setting applies at once).
      const settingsFile = path.join(workspace, '.vscode', 'settings.json');
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      const settings = fs.existsSync(settingsFile) ? JSON.parse(fs.readFileSync(settingsFile, 'utf8')) : {};
      fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'workbench.colorTheme': 'Default Dark Modern' }, null, 2));
      await step('the workbench to turn dark', () => page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 15_000 }));
      const store = path.join(workspace, '.greenlens');
      appendRun(store, seededRecord(workspace, SCRIPT, 30, 9.1));
      appendRun(store, seededRecord(workspace, SCRIPT, 20, 8.4));
      appendRun(store, seededRecord(workspace, LEGACY, 10, 3.2, true));
      const scriptFile = path.join(workspace, SCRIPT);
      fs.writeFileSync(
        scriptFile,
        [
          'import time',
          '',
          '',
          'def main():',
          `    for epoch in range(${EPOCHS}):`,
          '        end = time.time() + 0.75',
          '        while time.time() < end:',
          '            pass',
          `        print(f"epoch {epoch + 1}/${EPOCHS}", flush=True)`,
          '',
          '',
          'if __name__ == "__main__":',
          '    main()',
          '',
        ].join('\n'),
      );
      // From the Explorer: Quick Open's file search may not list a file this new yet.
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: SCRIPT });
      await palette(page, 'View: Show Explorer');
      await step(`${SCRIPT} in the Explorer`, () => row.waitFor({ timeout: 30_000 }));
      await row.click();
      await step(`${SCRIPT} in the editor`, () => page.locator('.monaco-editor .view-lines', { hasText: `range(${EPOCHS})` }).waitFor({ timeout: 30_000 }));
      const before = recordsOf(workspace, SCRIPT).length;
      await palette(page, 'GreenLens: Run with Energy Profile');
      await palette(page, 'GreenLens: Show Carbon Sidebar');
      const escaped = SCRIPT.replace(/\./g, '\\.');
      const sidebar = await frameWith(page, new RegExp(`Running ${escaped}[\\s\\S]*predicted total`), 'the live block with a predicted total', 30_000);

      const problems: string[] = [];
      for (const width of SIDEBAR_WIDTHS) {
        const actual = await step(`the sidebar dragged to ${width} px`, () => setSidebarWidth(page, width));
        await page.waitForTimeout(600);
        await step(`the live block at ${width} px`, () => sidebar.locator('section.live').waitFor({ state: 'visible', timeout: 2_000 }));
        const measured = await measureFigures(sidebar);
        assert.ok(measured.boxes.filter((b) => b.what.startsWith('stat ')).length >= 5, `the live and total figures were measured at ${width} px: ${measured.boxes.map((b) => b.what).join('; ')}`);
        assert.ok(measured.boxes.some((b) => b.what.includes(SCRIPT)), `the script row of ${SCRIPT} was measured at ${width} px`);
        problems.push(...layoutProblems(measured).map((p) => `at ${width} px (sidebar ${actual} px, view ${measured.viewportWidth} px): ${p}`));
        await page.locator('.part.sidebar').first().screenshot({ path: path.join(shots, `layout-sidebar-${width}px.png`) });
      }
      assert.deepStrictEqual(problems, [], problems.join('\n'));

      await step('the run to end and be recorded', () => waitUntil(`a new record of ${SCRIPT}`, () => recordsOf(workspace, SCRIPT).length > before, 90_000, 250));
      await setSidebarWidth(page, 300);
    });

    it("says whose power the run report's timeline plots, and its area is the headline energy", async () => {
      const { page, workspace, shots } = ctx();
      const sidebar = await frameWith(page, SCRIPT, 'the sidebar');
      const run = recordsOf(workspace, SCRIPT).pop()!;
      assert.ok(run.timeline.some((p) => p.processW !== undefined), 'the recorded run carries its own power over time');
      await step(`click the ${SCRIPT} script row`, () => sidebar.getByRole('button', { name: new RegExp(`^${SCRIPT.replace(/\./g, '\\.')}: last run`) }).first().click());
      const report = await frameWith(page, `Run report: ${SCRIPT}`, 'the run report panel');
      await step('the power timeline to be drawn', () => report.locator('canvas').first().waitFor({ state: 'visible', timeout: 10_000 }));
      const legend = report.locator('.chart-legend');
      const items = await legend.locator('.legend-item').allInnerTexts();
      assert.strictEqual(items.length, 2, `two series in the legend: ${items.join(' | ')}`);
      assert.match(items[0], /This run's processes/, `the main series is the run's own power: ${items[0]}`);
      assert.match(items[1], /Whole machine \(all processes\)/, `the secondary series is the whole machine: ${items[1]}`);
      // The legend gives each line's area; the run's is the energy in the headline card.
      const headline = (await report.locator('.cards .card').first().locator('.card-value').innerText()).trim();
      assert.ok(items[0].replace(/\s+/g, ' ').includes(`${headline} ·`), `the run's area ${items[0]} is the headline energy ${headline}`);
      const toggle = legend.getByRole('button', { name: /Whole machine/ });
      await toggle.click();
      assert.strictEqual(await toggle.getAttribute('aria-pressed'), 'false', 'the whole-machine series can be hidden');
      await page.screenshot({ path: path.join(shots, 'layout-report-machine-hidden.png') });
      await toggle.click();
      assert.strictEqual(await toggle.getAttribute('aria-pressed'), 'true', 'and shown again');
      // The README's picture: the report with room (no terminal panel) and no hover highlight.
      await palette(page, 'View: Hide Panel');
      await palette(page, 'Notifications: Clear All Notifications');
      await page.mouse.move(5, 890);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(shots, 'layout-report.png') });
    });

    it('says so when a record from an earlier version has only the whole machine over time', async () => {
      const { page } = ctx();
      const sidebar = await frameWith(page, LEGACY, 'the sidebar');
      await step(`click the ${LEGACY} script row`, () => sidebar.getByRole('button', { name: new RegExp(`^${LEGACY.replace(/\./g, '\\.')}: last run`) }).first().click());
      const report = await frameWith(page, `Run report: ${LEGACY}`, 'the legacy run report');
      await step('the power timeline to be drawn', () => report.locator('canvas').first().waitFor({ state: 'visible', timeout: 10_000 }));
      const notice = await report.locator('.chart-block .notice').innerText();
      assert.match(notice, /earlier GreenLens version/);
      assert.match(notice, /whole machine/);
      const items = await report.locator('.chart-legend .legend-item').allInnerTexts();
      assert.deepStrictEqual(
        items.map((t) => /Whole machine \(all processes\)/.test(t)),
        [true],
        `only the whole machine, labelled as such: ${items.join(' | ')}`,
      );
    });
  });
}
