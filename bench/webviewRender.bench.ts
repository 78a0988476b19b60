/**
 * Webview render benchmark, in headless Chromium with the host's CSP:
 *   sidebarRender10kMs — a `state` message with 10,000 runs (plus a second,
 *     small folder) until the frame after it, charts drawn; median of 7
 *     (target < 200 ms);
 *   sidebarRender10kColdMs — the same, the first time in a fresh page (one
 *     sample: it includes compiling the code, as when the view first opens);
 *   sidebarAppend10kMs — one `runAppended` message on that state (the chart
 *     updated in place), median of 7;
 *   reportRender24hMs — a run report with a 24-hour, 1 Hz power timeline
 *     (86,401 samples per component), median of 5.
 * Needs Chromium (`/usr/bin/chromium`, or GREENLENS_CHROMIUM); without it,
 * it says so and prints no figures.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { HostToReport, HostToSidebar } from '../src/shared/protocol';
import { chromiumPath, launchHarness, timeMessage, violations } from './webviewHarness';
import { sampleReport, sampleSidebarState, scriptSummary, sampleTotals } from './webviewSamples';

/** The repository: the nearest folder above this file with a package.json (out/bench/ → the root). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'src'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const round = (x: number) => Math.round(x * 10) / 10;

async function main() {
  const json = process.argv.includes('--json');
  if (!chromiumPath()) {
    console.error('webviewRender: no Chromium at /usr/bin/chromium (set GREENLENS_CHROMIUM); skipped.');
    if (json) console.log('{}');
    return;
  }
  const harness = await launchHarness(repositoryRoot());
  try {
    // The width of a sidebar; the height of a laptop screen.
    const sidebar = await harness.open('sidebar', 'dark', { width: 320, height: 900 });
    const state = sampleSidebarState(10_000, { budgetKWh: 0.5 });
    const stateMessage: HostToSidebar = { type: 'state', state };
    // The first render also pays for compiling the code paths: what a user sees when the view opens.
    const cold = (await timeMessage(sidebar, stateMessage)).frameMs;
    const renders: number[] = [];
    for (let i = 0; i < 7; i++) renders.push((await timeMessage(sidebar, stateMessage, { reuse: true })).frameMs);

    const folder = state.folders[0];
    const appends: number[] = [];
    for (let i = 0; i < 7; i++) {
      const last = folder.runs[folder.runs.length - 1];
      const run = { ...last, runId: `appended-${i}`, endedAt: last.endedAt + 60_000 };
      folder.runs.push(run);
      const message: HostToSidebar = {
        type: 'runAppended',
        folder: folder.path,
        run,
        totals: sampleTotals(folder.runs),
        script: scriptSummary(run.script, folder.runs.filter((r) => r.script === run.script)),
      };
      appends.push((await timeMessage(sidebar, message)).frameMs);
    }

    const report = await harness.open('report', 'dark', { width: 1200, height: 900 });
    const reportMessage: HostToReport = { type: 'report', report: sampleReport(86_400) };
    await timeMessage(report, reportMessage);
    const reports: number[] = [];
    for (let i = 0; i < 5; i++) reports.push((await timeMessage(report, reportMessage, { reuse: true })).frameMs);

    const problems = [...harness.problems, ...(await violations(sidebar)), ...(await violations(report))];
    if (problems.length > 0) throw new Error(`webview problems: ${problems.join('; ')}`);

    const result = { sidebarRender10kMs: round(median(renders)), sidebarRender10kColdMs: round(cold), sidebarAppend10kMs: round(median(appends)), reportRender24hMs: round(median(reports)) };
    if (json) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log('GreenLens webview rendering (headless Chromium, host CSP, minified bundles)');
    console.log(`  sidebar, 10,000 runs: state → drawn   ${result.sidebarRender10kMs} ms (median of 7; target < 200 ms)`);
    console.log(`  sidebar, 10,000 runs: first render    ${result.sidebarRender10kColdMs} ms (one sample, code not yet optimised)`);
    console.log(`  sidebar, 10,000 runs: one run added   ${result.sidebarAppend10kMs} ms (median of 7)`);
    console.log(`  report, 24 h timeline at 1 Hz         ${result.reportRender24hMs} ms (median of 5)`);
  } finally {
    await harness.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
