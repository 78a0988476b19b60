/**
 * Meter overhead benchmark:
 *   meterCpuPct1s / meterCpuPct100ms — the meter's own CPU time per second of
 *     run, as % of one core, sampling a sleeping child at 1 s and 100 ms
 *     (targets ≤ 0.5% and ≤ 2%);
 *   meteredWallRatio — wall time of a fixed CPU-bound workload run through a
 *     full profiled run (meter, progress, history) over the same workload run
 *     plainly (target ≤ 1.01).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startMeter } from '../src/core/energy/meter';
import { startProfiledRun } from '../src/core/run/profiledRun';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function meterCpuPercent(intervalMs: number, seconds: number): Promise<number> {
  const child = spawn('sleep', [String(seconds + 5)], { stdio: 'ignore' });
  try {
    const meter = await startMeter({ pid: child.pid!, intervalMs, gpu: false });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const used = process.cpuUsage(cpu0);
    const wallS = (performance.now() - t0) / 1000;
    await meter.stop();
    return ((used.user + used.system) / 1e6 / wallS) * 100;
  } finally {
    child.kill('SIGKILL');
  }
}

/** A fixed amount of single-threaded work (~2 s here), the same every time. */
const WORKLOAD = ['-e', 'let x = 0; for (let i = 0; i < 4e8; i++) x = (x + i * 7) % 1000003; console.log(x);'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function meteredWallRatio(runs: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-bench-'));
  try {
    const plain: number[] = [];
    const metered: number[] = [];
    // Interleaved, so drift in the machine's load affects both alike.
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const r = spawnSync(process.execPath, WORKLOAD, { stdio: 'ignore' });
      if (r.status !== 0) throw new Error('workload failed');
      plain.push(performance.now() - t);
      t = performance.now();
      const run = await startProfiledRun({ command: process.execPath, args: WORKLOAD, cwd: dir, historyDir: path.join(dir, '.greenlens'), meter: { gpu: false } });
      await run.done;
      metered.push(performance.now() - t);
    }
    return median(metered) / median(plain);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const json = process.argv.includes('--json');
  const meterCpuPct1s = await meterCpuPercent(1000, 20);
  const meterCpuPct100ms = await meterCpuPercent(100, 10);
  const ratio = await meteredWallRatio(5);
  const result = {
    meterCpuPct1s: Math.round(meterCpuPct1s * 1000) / 1000,
    meterCpuPct100ms: Math.round(meterCpuPct100ms * 1000) / 1000,
    meteredWallRatio: Math.round(ratio * 1000) / 1000,
  };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log('GreenLens meter overhead (estimated path: /proc, no RAPL or GPU on this machine)');
  console.log(`  meter CPU at 1 s interval     ${result.meterCpuPct1s}% of one core (target ≤ 0.5%)`);
  console.log(`  meter CPU at 100 ms interval  ${result.meterCpuPct100ms}% of one core (target ≤ 2%)`);
  console.log(`  metered / unmetered wall time ${result.meteredWallRatio} (fixed CPU-bound workload, median of 5; target ≤ 1.01)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
