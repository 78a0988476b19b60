/** Steps shared by the UI suites: the command palette, webview frames, a screenshot per step. */
import * as path from 'path';
import type { Page } from 'playwright-core';
import { step, waitUntil } from '../harness/steps';
import type { UiContext } from './workbench.ui';

/** Runs a command from the palette (F1) by its title. */
export function palette(page: Page, text: string): Promise<void> {
  return quickInput(page, 'F1', text);
}

/**
 * Opens the command palette (F1) or Quick Open (Ctrl+P) and accepts the first
 * match for `text`. The text is set with `fill`, which writes into the quick
 * input only: keys typed one by one land in the editor when a webview that
 * just loaded takes the focus and the quick input closes (it did once, in
 * CI). The first result must name `text` (Quick Open searches files
 * asynchronously). Otherwise the quick input is closed and opened again, up
 * to three times.
 */
export async function quickInput(page: Page, key: 'F1' | 'Control+P', text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const query = key === 'F1' ? `>${text}` : text;
  // Keys pressed while a webview has focus stay in its iframe: give the workbench focus first
  // (the active editor tab, or the empty editor area when nothing is open), and let it settle.
  const tab = page.locator('.monaco-workbench .part.editor .tabs-container .tab.active').first();
  if ((await tab.count()) > 0) await tab.click();
  else await page.locator('.monaco-workbench .part.editor').first().click();
  await page.waitForTimeout(300);
  for (let attempt = 1; ; attempt++) {
    // A retry only presses the key again: clicking again would start the same focus race.
    await page.keyboard.press(key);
    try {
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(query, { timeout: 5_000 });
      // Results arrive asynchronously (Quick Open searches files): wait for the wanted one on top.
      const first = page.locator('.quick-input-list .monaco-list-row').first();
      await waitUntil(`"${text}" first in the list`, async () => ((await first.getAttribute('aria-label', { timeout: 1_000 })) ?? '').toLowerCase().includes(text.toLowerCase()), 15_000, 100);
      if ((await input.isVisible()) && (await input.inputValue()) === query) {
        await input.press('Enter');
        return;
      }
    } catch (err) {
      if (attempt === 3) throw err;
    }
    if (attempt === 3) throw new Error(`the quick input kept closing before "${text}" could be chosen`);
    console.log(`      ("${text}" was not chosen from the quick input; trying again)`);
    // Start afresh: close what is left of the quick input and let the workbench settle.
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1_000);
  }
}

/** The innermost document of the webview that contains `text`. */
export async function frameWith(page: Page, text: string | RegExp, what: string, timeout = 30_000) {
  return step(what, async () => {
    const deadline = Date.now() + timeout;
    for (;;) {
      // Only webview documents: the workbench itself also lists the file names.
      for (const frame of page.frames().filter((f) => f !== page.mainFrame() && f.url().includes('webview'))) {
        const body = await frame.locator('body').innerText({ timeout: 500 }).catch(() => '');
        if (typeof text === 'string' ? body.includes(text) : text.test(body)) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no webview frame shows ${String(text)}`);
      await page.waitForTimeout(250);
    }
  });
}

/** Leaves a screenshot of the workbench after each step of the calling `describe`, named `<prefix>-NN-<title>`. */
export function screenshotEachStep(prefix: string, ctx: () => UiContext): void {
  let shot = 0;
  afterEach(async function () {
    const { page, shots } = ctx();
    const title = this.currentTest!.title.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 50);
    const failed = this.currentTest!.state === 'failed' ? '-FAILED' : '';
    await page.screenshot({ path: path.join(shots, `${prefix}-${String(++shot).padStart(2, '0')}-${title}${failed}.png`) }).catch(() => undefined);
  });
}
