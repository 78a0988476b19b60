/**
 * Loads the GreenLens webview bundles into headless Chromium the way VS Code
 * does: the host's CSP (nonce scripts, stylesheets from the webview origin
 * only), a stubbed `acquireVsCodeApi`, theme colours as CSS variables and
 * host messages as window `message` events. Used by the render benchmark and
 * for looking at the panels; nothing leaves the machine (every request outside
 * the fake webview origin is refused and counted).
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ORIGIN = 'https://webview.greenlens.test';
const NONCE = 'bWVhc3VyZWQtbm90LWd1ZXNzZWQ';

export type Panel = 'sidebar' | 'report';
export type Theme = 'light' | 'dark' | 'high-contrast';

/** Theme colours from VS Code's Light+, Dark+ and Dark High Contrast themes, as the workbench sets them. */
const THEMES: Record<Theme, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      foreground: '#616161',
      descriptionForeground: '#717171',
      'editor-background': '#ffffff',
      'sideBar-background': '#f3f3f3',
      'button-background': '#007acc',
      'button-foreground': '#ffffff',
      'button-hoverBackground': '#0062a3',
      'button-secondaryBackground': '#5f6a79',
      'button-secondaryForeground': '#ffffff',
      'button-secondaryHoverBackground': '#4c5561',
      focusBorder: '#0090f1',
      'textLink-foreground': '#006ab1',
      'textLink-activeForeground': '#006ab1',
      'textCodeBlock-background': 'rgba(220, 220, 220, 0.4)',
      'widget-border': '#d4d4d4',
      'list-hoverBackground': '#e8e8e8',
      'charts-green': '#388a34',
      'charts-red': '#e51400',
      'charts-blue': '#1a85ff',
      'charts-orange': '#d18616',
      'charts-purple': '#652d90',
      'charts-yellow': '#bf8803',
      'editorWarning-foreground': '#bf8803',
      'inputValidation-warningBackground': '#f6f5d2',
      'inputValidation-errorBackground': '#f2dede',
      errorForeground: '#a1260d',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      foreground: '#cccccc',
      descriptionForeground: 'rgba(204, 204, 204, 0.7)',
      'editor-background': '#1e1e1e',
      'sideBar-background': '#252526',
      'button-background': '#0e639c',
      'button-foreground': '#ffffff',
      'button-hoverBackground': '#1177bb',
      'button-secondaryBackground': '#3a3d41',
      'button-secondaryForeground': '#cccccc',
      'button-secondaryHoverBackground': '#45494e',
      focusBorder: '#007fd4',
      'textLink-foreground': '#3794ff',
      'textLink-activeForeground': '#3794ff',
      'textCodeBlock-background': 'rgba(10, 10, 10, 0.4)',
      'widget-border': '#454545',
      'list-hoverBackground': '#2a2d2e',
      'charts-green': '#89d185',
      'charts-red': '#f14c4c',
      'charts-blue': '#3794ff',
      'charts-orange': '#d18616',
      'charts-purple': '#b180d7',
      'charts-yellow': '#cca700',
      'editorWarning-foreground': '#cca700',
      'inputValidation-warningBackground': '#352a05',
      'inputValidation-errorBackground': '#5a1d1d',
      errorForeground: '#f48771',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      foreground: '#ffffff',
      descriptionForeground: 'rgba(255, 255, 255, 0.7)',
      'editor-background': '#000000',
      'sideBar-background': '#000000',
      'button-background': '#000000',
      'button-foreground': '#ffffff',
      'button-border': '#6fc3df',
      'button-secondaryBackground': '#000000',
      'button-secondaryForeground': '#ffffff',
      focusBorder: '#f38518',
      contrastBorder: '#6fc3df',
      'textLink-foreground': '#21a6ff',
      'textLink-activeForeground': '#21a6ff',
      'textCodeBlock-background': '#000000',
      'widget-border': '#6fc3df',
      'charts-green': '#89d185',
      'charts-red': '#f14c4c',
      'charts-blue': '#3794ff',
      'charts-orange': '#d18616',
      'charts-purple': '#b180d7',
      'charts-yellow': '#ffd500',
      'editorWarning-foreground': '#ffd500',
      errorForeground: '#f48771',
    },
  },
};

function themeCss(theme: Theme, panel: Panel): string {
  const t = THEMES[theme];
  const vars = Object.entries(t.vars).map(([k, v]) => `  --vscode-${k}: ${v};`);
  vars.push('  --vscode-font-family: system-ui, "Segoe UI", "Ubuntu", sans-serif;', '  --vscode-font-size: 13px;', '  --vscode-font-weight: normal;');
  vars.push('  --vscode-editor-font-family: "DejaVu Sans Mono", monospace;', '  --vscode-editor-font-size: 12px;');
  const bg = panel === 'sidebar' ? 'var(--vscode-sideBar-background)' : 'var(--vscode-editor-background)';
  return `:root {\n${vars.join('\n')}\n}\nbody { background: ${bg}; }\n`;
}

/** The HTML a host would create; `themeClass` is the body class VS Code sets. */
function pageHtml(panel: Panel, theme: Theme): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${ORIGIN}/theme-${theme}-${panel}.css">
<link rel="stylesheet" href="${ORIGIN}/dist/webview/${panel}.css">
<title>GreenLens</title>
</head>
<body class="${THEMES[theme].bodyClass}">
<div id="app"></div>
<script nonce="${NONCE}">
  window.__posted = [];
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.addEventListener('error', (e) => window.__violations.push('error ' + e.message));
  let saved;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => saved, setState: (s) => (saved = s) });
</script>
<script nonce="${NONCE}" src="${ORIGIN}/dist/webview/${panel}.js"></script>
</body>
</html>`;
}

const CSP = `default-src 'none'; img-src ${ORIGIN} data:; style-src ${ORIGIN}; script-src 'nonce-${NONCE}'; font-src ${ORIGIN}`;

/** Bundles both webviews in memory, minified as in a release. */
export async function bundleWebviews(root: string): Promise<Map<string, string>> {
  const result = await esbuild.build({
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'warning',
    outdir: 'dist/webview',
    entryPoints: [
      { in: 'src/webview/sidebar/main.ts', out: 'sidebar' },
      { in: 'src/webview/report/main.ts', out: 'report' },
      { in: 'media/sidebar.css', out: 'sidebar' },
      { in: 'media/report.css', out: 'report' },
    ],
  });
  const files = new Map<string, string>();
  for (const f of result.outputFiles) files.set('/' + path.relative(root, f.path).split(path.sep).join('/'), f.text);
  return files;
}

export interface Harness {
  /** Opens a panel and waits for its `ready` message. */
  open(panel: Panel, theme: Theme, viewport: { width: number; height: number }): Promise<Page>;
  /** Requests that tried to leave the webview origin, and page errors (must stay empty). */
  readonly problems: string[];
  close(): Promise<void>;
}

export function chromiumPath(): string | undefined {
  const candidates = [process.env.GREENLENS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p): p is string => !!p && fs.existsSync(p));
}

export async function launchHarness(root: string): Promise<Harness> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('No Chromium found (set GREENLENS_CHROMIUM)');
  const files = await bundleWebviews(root);
  const cache = path.join(root, '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const profile = fs.mkdtempSync(path.join(cache, 'chromium-webview-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    // Chromium's crash reporter writes under XDG folders: keep them in the profile.
    env: { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'xdg-config'), XDG_CACHE_HOME: path.join(profile, 'xdg-cache') },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const problems: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) {
      problems.push(url.href);
      return route.abort();
    }
    const page = /^\/(sidebar|report)-(light|dark|high-contrast)\.html$/.exec(url.pathname);
    if (page) return route.fulfill({ status: 200, contentType: 'text/html', headers: { 'Content-Security-Policy': CSP }, body: pageHtml(page[1] as Panel, page[2] as Theme) });
    const theme = /^\/theme-(light|dark|high-contrast)-(sidebar|report)\.css$/.exec(url.pathname);
    if (theme) return route.fulfill({ status: 200, contentType: 'text/css', body: themeCss(theme[1] as Theme, theme[2] as Panel) });
    const body = files.get(url.pathname);
    if (body === undefined) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: url.pathname.endsWith('.css') ? 'text/css' : 'text/javascript', body });
  });
  return {
    problems,
    async open(panel, theme, viewport) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(`${ORIGIN}/${panel}-${theme}.html`);
      await page.waitForFunction(() => (globalThis as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Posts a host message to the page, as VS Code delivers it. */
export async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(m, '*'), message);
}

/**
 * Times one host message: from its delivery to the handler until the frame
 * after it (layout and paint of the charts included). The message is copied
 * into the page first, so transfer time is not counted; each delivery gets a
 * fresh structured clone, as a real postMessage would.
 */
export async function timeMessage(page: Page, message: unknown, options: { reuse?: boolean } = {}): Promise<{ syncMs: number; frameMs: number }> {
  // `reuse` sends the message copied in by the previous call again (large ones take seconds to copy).
  if (!options.reuse) {
    await page.evaluate((m) => {
      (globalThis as unknown as { __pending: unknown }).__pending = m;
    }, message);
  }
  return page.evaluate(
    () =>
      new Promise<{ syncMs: number; frameMs: number }>((resolve) => {
        // Browser globals, typed loosely: this file compiles against Node's types.
        const w = globalThis as unknown as {
          __pending: unknown;
          dispatchEvent(e: unknown): void;
          MessageEvent: new (type: string, init: { data: unknown }) => unknown;
          requestAnimationFrame(cb: () => void): void;
        };
        const data = structuredClone(w.__pending);
        const t0 = performance.now();
        w.dispatchEvent(new w.MessageEvent('message', { data }));
        const syncMs = performance.now() - t0;
        w.requestAnimationFrame(() => setTimeout(() => resolve({ syncMs, frameMs: performance.now() - t0 }), 0));
      }),
  );
}

/** CSP violations and script errors the page recorded. */
export async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations);
}

/** Messages the page posted to the host. */
export async function posted(page: Page): Promise<{ type: string }[]> {
  return page.evaluate(() => (globalThis as unknown as { __posted: { type: string }[] }).__posted);
}
