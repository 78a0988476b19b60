/**
 * Sidebar history benchmark: a `.greenlens/emissions.csv` of 10,000 runs
 * (rows written by the real `emissionsRow`), then
 *   sidebarHistoryMs — median time to read the history and build the
 *     sidebar state from it (readHistory + buildFolderSummary);
 *   sidebarAppendMs — median time to fold one new run into that state
 *     (appendRunPoint), what the sidebar pays per finished run.
 * The webview's render time is measured separately.
 *   node out/bench/sidebar.bench.js [--json]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EMISSIONS_HEADER, emissionsRow } from '../src/core/history/emissionsCsv';
import { buildRunRecord, type MeterSummary } from '../src/core/history/runRecord';
import { EMISSIONS_FILE, readHistory } from '../src/core/history/runStore';
import { appendRunPoint, buildFolderSummary, type RunDetails } from '../src/core/insights/aggregate';
import type { RunPoint, SidebarState } from '../src/shared/protocol';

const RUNS = 10_000;
const SCRIPTS = 25;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A deterministic pseudo-random sequence, so every run of the bench reads the same file. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function writeHistory(dir: string): void {
  const next = random(42);
  const start = Date.UTC(2024, 0, 1);
  const lines = [EMISSIONS_HEADER];
  for (let i = 0; i < RUNS; i++) {
    const durationS = 30 + next() * 3600;
    const cpu = 20 + next() * 60;
    const gpu = next() < 0.6 ? 100 + next() * 250 : 0;
    const meter: MeterSummary = {
      durationS,
      components: [
        { component: 'cpu', energyKWh: (cpu * durationS) / 3.6e6, powerW: cpu, provenance: 'measured', source: 'RAPL package-0' },
        ...(gpu ? [{ component: 'gpu' as const, energyKWh: (gpu * durationS) / 3.6e6, powerW: gpu, provenance: 'measured' as const, source: 'nvidia-smi power.draw' }] : []),
        { component: 'ram', energyKWh: (6 * durationS) / 3.6e6, powerW: 6, provenance: 'estimated', source: 'RAM model' },
      ],
      timeline: [],
      warnings: [],
      cpuModel: 'AMD EPYC 7763 64-Core Processor',
      gpuModels: gpu ? ['NVIDIA A100-SXM4-40GB'] : [],
      cpuCount: 16,
      ramTotalGb: 64,
    };
    const record = buildRunRecord({
      meter,
      projectName: 'bench',
      experimentId: `experiments/train_${i % SCRIPTS}.py`,
      command: { argv: ['python', `experiments/train_${i % SCRIPTS}.py`], cwd: dir, file: `experiments/train_${i % SCRIPTS}.py` },
      startedAt: new Date(start + i * 45 * 60_000),
      exitCode: next() < 0.9 ? 0 : 1,
      carbon: { region: 'FR', pue: 1.1 },
      runId: `run-${String(i).padStart(6, '0')}`,
      os: 'Linux-6.8.0-x86_64',
    });
    lines.push(emissionsRow(record));
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, EMISSIONS_FILE), lines.join('\n') + '\n');
}

function sidebarState(folder: string, historyDir: string, now: number): SidebarState {
  const history = readHistory(historyDir);
  const details = new Map<string, RunDetails>();
  const summary = buildFolderSummary({ name: path.basename(folder), path: folder, history, details, now });
  return { folders: [summary], canRun: true };
}

function main(): void {
  const json = process.argv.includes('--json');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-sidebar-bench-'));
  try {
    const historyDir = path.join(folder, '.greenlens');
    writeHistory(historyDir);
    const now = Date.UTC(2024, 9, 1);
    // Warm-up: the first read pays for module loading and JIT.
    let state = sidebarState(folder, historyDir, now);
    if (state.folders[0].runs.length !== RUNS) throw new Error(`read ${state.folders[0].runs.length} runs, expected ${RUNS}`);

    const historyTimes: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      state = sidebarState(folder, historyDir, now);
      historyTimes.push(performance.now() - t);
    }

    const summary = state.folders[0];
    const appendTimes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const point: RunPoint = { runId: `new-${i}`, endedAt: now + i * 1000, script: `experiments/train_${i % SCRIPTS}.py`, energyKWh: 0.05, kgCO2e: 0.003, durationS: 600, status: 'completed' };
      const t = performance.now();
      appendRunPoint(summary, point, now + i * 1000);
      appendTimes.push(performance.now() - t);
    }

    const result = {
      sidebarHistoryMs: Math.round(median(historyTimes) * 100) / 100,
      sidebarAppendMs: Math.round(median(appendTimes) * 1000) / 1000,
    };
    if (json) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(`GreenLens sidebar data (${RUNS.toLocaleString('en')} runs, ${SCRIPTS} scripts)`);
    console.log(`  read history + build sidebar state  ${result.sidebarHistoryMs} ms (median of 15)`);
    console.log(`  append one run to the state         ${result.sidebarAppendMs} ms (median of 50)`);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

main();
