/** Headless Chromium (Debian's, at /usr/bin/chromium) driven by playwright-core. */
import * as fs from 'fs';
import * as path from 'path';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.GREENLENS_CHROMIUM ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * A persistent context (Playwright refuses `--user-data-dir` in args) whose
 * profile, crash reports and caches stay in `profileDir`.
 */
export async function launchBrowser(profileDir: string, viewport = { width: 1400, height: 900 }): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set GREENLENS_CHROMIUM).`);
  fs.rmSync(profileDir, { recursive: true, force: true });
  fs.mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(path.join(profileDir, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(profileDir, 'xdg-config'), XDG_CACHE_HOME: path.join(profileDir, 'xdg-cache') },
    args: [
      '--no-sandbox', // runs as root in CI containers
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
    },
  };
}
