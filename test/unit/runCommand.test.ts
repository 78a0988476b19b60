/**
 * `greenlens run` end to end, with real processes: a real PyTorch training
 * script under Debian's /usr/bin/python3, a Node script, a fake powercap tree
 * at a known constant power, a fake nvidia-smi, a crashing and a cancelled run.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { readHistory, readRun } from '../../src/core/history/runStore';
import { startProfiledRun } from '../../src/core/run/profiledRun';
import { projectRoot } from '../support/paths';
import { makePowercap, setEnergy, tempDir } from './energyFakes';

const PYTHON = '/usr/bin/python3';

async function runCli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const t0 = performance.now();
  const code = await main(['run', ...args], { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr, wallS: (performance.now() - t0) / 1000 };
}

describe('greenlens run', function () {
  this.timeout(120000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('run');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('meters a real PyTorch training run and records a CodeCarbon row', async () => {
    const script = path.join(projectRoot(), 'examples', 'tiny_cpu_train.py');
    const r = await runCli(['--interval', '200', '--', PYTHON, script], dir);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /epoch 3\/3/);
    assert.match(r.stderr, /GreenLens run \w+ completed/);
    const { runs, warnings } = readHistory(path.join(dir, '.greenlens'));
    assert.deepStrictEqual(warnings, []);
    assert.strictEqual(runs.length, 1);
    const row = runs[0];
    assert.ok(row.energyKWh > 0, 'energy > 0');
    const record = readRun(path.join(dir, '.greenlens'), row.runId)!;
    // The run's duration is the metered time of the child, close to the wall time around it.
    assert.ok(Math.abs(record.durationS - r.wallS) <= 0.05 * r.wallS, `duration ${record.durationS} s vs wall ${r.wallS} s`);
    assert.ok(record.energy.processKWh! <= record.energy.machineKWh!, 'process energy ≤ machine energy');
    assert.strictEqual(record.status, 'completed');
    assert.strictEqual(record.trackingMode, 'process');
    assert.ok(record.energy.components.every((c) => c.provenance === 'estimated' && c.source.length > 0));
    assert.strictEqual(record.progress?.totalEpochs, 3);
    // The timeline has a GPU series only where there is a GPU: no flat 0 W line for a GPU that is not there.
    const hasGpu = record.energy.components.some((c) => c.component === 'gpu');
    assert.ok(record.timeline.length > 0 && record.timeline.every((p) => (p.gpuW !== undefined) === hasGpu), JSON.stringify(record.timeline[0]));
  });

  it('meters a Node script and passes its exit code through', async () => {
    const script = path.join(dir, 'work.js');
    fs.writeFileSync(script, 'let x = 0; const end = Date.now() + 700; while (Date.now() < end) x += Math.sqrt(x + 1); console.log("done"); process.exit(3);');
    const r = await runCli(['--', process.execPath, script], dir);
    assert.strictEqual(r.code, 3);
    const { runs } = readHistory(path.join(dir, '.greenlens'));
    assert.strictEqual(runs.length, 1);
    assert.ok(runs[0].energyKWh > 0);
    const record = readRun(path.join(dir, '.greenlens'), runs[0].runId)!;
    assert.strictEqual(record.status, 'failed', 'a crashing run is still recorded, marked as failed');
    assert.strictEqual(record.exitCode, 3);
  });

  it('measures a fake RAPL package at a constant 25 W within 5%', async () => {
    const root = path.join(dir, 'powercap');
    makePowercap(root, [{ zone: 'intel-rapl:0', name: 'package-0', maxUj: 262143328850 }]);
    const watts = 25;
    const t0 = performance.now();
    const write = () => setEnergy(root, 'intel-rapl:0', (performance.now() - t0) * 1000 * watts);
    write();
    const writer = setInterval(write, 5);
    try {
      const r = await runCli(['--interval', '100', '--powercap-root', root, '--output-dir', 'hist', '--', process.execPath, '-e', 'setTimeout(() => {}, 1500)'], dir);
      assert.strictEqual(r.code, 0, r.stderr);
      const [row] = readHistory(path.join(dir, 'hist')).runs;
      const record = readRun(path.join(dir, 'hist'), row.runId)!;
      const cpu = record.energy.components.find((c) => c.component === 'cpu')!;
      assert.strictEqual(cpu.provenance, 'measured');
      assert.match(cpu.source, /RAPL/);
      const expectedKWh = (watts * record.durationS) / 3.6e6;
      assert.ok(Math.abs(cpu.machineEnergyKWh! - expectedKWh) <= 0.05 * expectedKWh, `${cpu.machineEnergyKWh} vs ${expectedKWh}`);
      assert.match(r.stderr, /measured/);
    } finally {
      clearInterval(writer);
    }
  });

  it('measures GPUs through a fake nvidia-smi and survives a garbage-printing one', async () => {
    const fixtures = path.join(projectRoot(), 'test', 'fixtures', 'energy');
    for (const [fake, provenance] of [['nvidia-smi-normal', 'measured'], ['nvidia-smi-garbage', 'measured']] as const) {
      const out = `hist-${fake}`;
      const r = await runCli(['--interval', '100', '--nvidia-smi', path.join(fixtures, fake), '--output-dir', out, '--', process.execPath, '-e', 'setTimeout(() => {}, 1200)'], dir);
      assert.strictEqual(r.code, 0, r.stderr);
      const [row] = readHistory(path.join(dir, out)).runs;
      const record = readRun(path.join(dir, out), row.runId)!;
      const gpu = record.energy.components.find((c) => c.component === 'gpu');
      assert.ok(gpu, `${fake}: a GPU component`);
      assert.strictEqual(gpu.provenance, provenance);
      assert.ok(gpu.machineEnergyKWh! > 0);
      assert.ok(record.timeline.some((p) => p.gpuW! > 0), `${fake}: GPU watts in the timeline`);
      assert.deepStrictEqual(record.hardware.gpuModels.length, 2);
    }
  });

  it('finishes a run whose nvidia-smi hangs, with a warning', async () => {
    const fake = path.join(projectRoot(), 'test', 'fixtures', 'energy', 'nvidia-smi-hang');
    const t0 = Date.now();
    const r = await runCli(['--nvidia-smi', fake, '--', process.execPath, '-e', '1'], dir);
    assert.strictEqual(r.code, 0);
    assert.ok(Date.now() - t0 < 30000);
    assert.match(r.stderr, /nvidia-smi/);
    assert.strictEqual(readHistory(path.join(dir, '.greenlens')).runs.length, 1);
  });

  it('exits 2 with one line when the command cannot start, recording nothing', async () => {
    const r = await runCli(['--', '/nonexistent/python3', 'train.py'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /cannot start \/nonexistent\/python3/);
    assert.ok(!fs.existsSync(path.join(dir, '.greenlens', 'emissions.csv')));
  });

  it('rejects a missing command and a too-short interval', async () => {
    assert.strictEqual((await runCli([], dir)).code, 2);
    const r = await runCli(['--interval', '50', '--', 'true'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /at least 100 ms/);
  });

  it('warns once when the predicted total exceeds the budget', async () => {
    const checks: string[] = [];
    const run = await startProfiledRun({
      command: process.execPath,
      args: ['-e', 'let i = 0; const t = setInterval(() => { console.log(`epoch ${++i}/8`); let x = 0; for (let k = 0; k < 3e7; k++) x += k; if (i === 8) clearInterval(t); }, 150);'],
      cwd: dir,
      historyDir: path.join(dir, '.greenlens'),
      budgetKWh: 1e-9,
      meter: { intervalMs: 100, gpu: false },
      onBudgetExceeded: (check) => checks.push(check.message),
    });
    const result = await run.done;
    assert.strictEqual(checks.length, 1, 'one warning, not one per epoch');
    assert.match(checks[0], /budget/i);
    assert.ok((result.record.progress?.predictedTotalKWh ?? 0) > 1e-9);
  });

  it('records a stopped run as cancelled with what was measured', async () => {
    const history = path.join(dir, '.greenlens');
    const run = await startProfiledRun({
      command: PYTHON,
      args: ['-c', 'import time\nfor i in range(100):\n    print(f"epoch {i+1}/100", flush=True)\n    time.sleep(0.1)'],
      cwd: dir,
      historyDir: history,
      meter: { intervalMs: 100, gpu: false },
    });
    await new Promise((r) => setTimeout(r, 800));
    await run.stop();
    const result = await run.done;
    assert.strictEqual(result.record.status, 'cancelled');
    assert.ok(result.record.energy.totalKWh > 0);
    assert.ok(result.record.progress!.epoch! >= 2);
    assert.strictEqual(readHistory(history).runs[0].runId, result.record.runId);
  });
});
