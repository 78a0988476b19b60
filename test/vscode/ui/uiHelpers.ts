/** Steps shared by the UI suites: the command palette, webview frames, a screenshot per step. */
import * as path from 'path';
import type { Page } from 'playwright-core';
import { step } from '../harness/steps';
import type { UiContext } from './workbench.ui';

/**
 * Runs a command from the palette (F1) by its title. The title is set with
 * `fill`, which writes into the palette's input only: keys typed one by one
 * land in the editor when a webview that just loaded takes the focus and the
 * palette closes (it did once, in CI). A palette that closed is opened again.
 */
export async function palette(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const query = `>${text}`;
  for (let attempt = 1; ; attempt++) {
    // Keys pressed while a webview has focus stay in its iframe: give the workbench focus first
    // (the active editor tab, or the empty editor area when nothing is open).
    const tab = page.locator('.monaco-workbench .part.editor .tabs-container .tab.active').first();
    if ((await tab.count()) > 0) await tab.click();
    else await page.locator('.monaco-workbench .part.editor').first().click();
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(query, { timeout: 5_000 });
      await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForTimeout(200); // the list re-sorts while filtering
      if ((await input.isVisible()) && (await input.inputValue()) === query) {
        await input.press('Enter');
        return;
      }
    } catch (err) {
      if (attempt === 3) throw err;
    }
    if (attempt === 3) throw new Error(`the command palette kept closing before "${text}" could be run`);
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
