/**
 * Counter sanity end to end: the built CLI (dist/cli.js) spawned as a child
 * process, metering a command that drives a fake powercap counter (or with a
 * fake nvidia-smi whose counter jumps). A glitch is not energy: the CSV stays
 * sane, the rejected interval is modelled, and the run's record says what was
 * rejected. Run `node scripts/build.js` first (npm test does).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readCpuInfo } from '../../src/core/energy/procStat';
import { cpuPowerModel } from '../../src/core/energy/sources/cpuModel';
import { readHistory, readRun } from '../../src/core/history/runStore';
import type { RunRecord } from '../../src/core/history/runRecord';
import { runCliProcess } from '../support/cli';
import { fixturePath } from '../support/paths';
import { alive, makePowercap, tempDir } from './energyFakes';

const WATTS = 20;
const INTERVAL_MS = 200;

/**
 * A command that advances the fake package counter at WATTS in real time for
 * 1.5 s, and adds `glitchUj` to it from 500 ms on. Each value is written to a
 * new file renamed over the counter, so the meter never reads a half-written one.
 */
function counterScript(file: string, glitchUj: number): string {
  return `
const fs = require('fs');
const file = ${JSON.stringify(file)};
const t0 = Date.now();
const write = () => {
  const glitch = Date.now() - t0 >= 500 ? ${glitchUj} : 0;
  fs.writeFileSync(file + '.new', String(5e9 + Math.round((Date.now() - t0) * ${WATTS * 1000}) + glitch) + '\\n');
  fs.renameSync(file + '.new', file);
};
const timer = setInterval(write, 5);
setTimeout(() => { clearInterval(timer); write(); }, 1500);
`;
}

describe('greenlens run (built CLI): counters that cannot be energy', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('meter-cli');
  });
  afterEach(() => {
    delete process.env.FAKE_SMI_PIDFILE;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `greenlens run` on a counter script and returns its one record. */
  async function runWithCounter(glitchUj: number): Promise<{ record: RunRecord; csvKWh: number; stderr: string }> {
    const root = path.join(dir, 'powercap');
    makePowercap(root, [{ zone: 'intel-rapl:0', name: 'package-0', maxUj: 262143328850, energyUj: 5e9 }]);
    const script = path.join(dir, 'counter.js');
    fs.writeFileSync(script, counterScript(path.join(root, 'intel-rapl:0', 'energy_uj'), glitchUj));
    const r = await runCliProcess(['run', '--interval', String(INTERVAL_MS), '--powercap-root', root, '--', process.execPath, script], { cwd: dir });
    assert.strictEqual(r.code, 0, r.stderr);
    const history = readHistory(path.join(dir, '.greenlens'));
    assert.strictEqual(history.runs.length, 1, r.stderr);
    const record = readRun(path.join(dir, '.greenlens'), history.runs[0].runId)!;
    return { record, csvKWh: history.runs[0].energyKWh, stderr: r.stderr };
  }

  /** The CPU's machine figure can be at most the counter's WATTS throughout plus the model for a rejected interval or two. */
  const assertSaneCpu = (record: RunRecord) => {
    const cpu = record.energy.components.find((c) => c.component === 'cpu')!;
    const cpuJ = cpu.machineEnergyKWh! * 3.6e6;
    const modelMaxW = cpuPowerModel(readCpuInfo('/proc')).maxW;
    const most = WATTS * record.durationS + modelMaxW * 2 * (INTERVAL_MS / 1000) + 1;
    assert.ok(cpuJ > 0.5 * WATTS * record.durationS && cpuJ <= most, `CPU ${cpuJ} J over ${record.durationS} s, expected at most ${most} J`);
    assert.strictEqual(cpu.provenance, 'measured');
    assert.match(cpu.source, /^RAPL package-0 via powercap, with the TDP model for 1 of \d+ interval\(s\) whose counter step was rejected/);
    assert.ok(Math.max(...record.timeline.map((p) => p.cpuW ?? 0)) < 1000, `timeline peak ${Math.max(...record.timeline.map((p) => p.cpuW ?? 0))} W`);
    return cpuJ;
  };

  it('takes a +1e15 µJ step for the model, not for 2.8e8 kWh, and says so in the record', async () => {
    const { record, csvKWh, stderr } = await runWithCounter(1e15);
    assertSaneCpu(record);
    assert.ok(csvKWh > 0 && csvKWh * 3.6e6 <= record.energy.machineKWh! * 3.6e6 + 1e-9, `CSV ${csvKWh} kWh`);
    assert.ok(csvKWh < 1e-4, `CSV energy ${csvKWh} kWh`);
    assert.ok(
      record.warnings.some((w) => /^RAPL package-0 \(intel-rapl:0\): 1 of \d+ interval\(s\) had a counter step that cannot be energy \(1 jump\(s\) forward implying up to .* W, above the .* ceiling/.test(w)),
      record.warnings.join('\n'),
    );
    assert.match(stderr, /RAPL package-0 \(intel-rapl:0\): a counter step implied/);
  });

  it('does not read one step back of 100 J as a wrap-around (72.8 Wh, 1.3 MW)', async () => {
    const { record, csvKWh } = await runWithCounter(-100e6);
    const cpuJ = assertSaneCpu(record);
    assert.ok(cpuJ < 1000, `${cpuJ} J`);
    assert.ok(csvKWh < 1e-4, `CSV energy ${csvKWh} kWh`);
    assert.ok(
      record.warnings.some((w) => /^RAPL package-0 \(intel-rapl:0\): 1 of \d+ interval\(s\) .*1 step\(s\) back read as a wrap-around implying up to [\d.]+ [kM]W/.test(w)),
      record.warnings.join('\n'),
    );
  });

  it('integrates power.draw where the NVIDIA counter jumps, says so, and passes the exit code through', async () => {
    const smi = fixturePath('energy', 'nvidia-smi-counter-jump');
    fs.chmodSync(smi, 0o755);
    const pidFile = path.join(dir, 'smi-pids');
    const r = await runCliProcess(['run', '--interval', String(INTERVAL_MS), '--nvidia-smi', smi, '--', process.execPath, '-e', 'setTimeout(() => process.exit(3), 1500)'], {
      cwd: dir,
      env: { ...process.env, FAKE_SMI_PIDFILE: pidFile },
    });
    assert.strictEqual(r.code, 3, r.stderr);
    const history = readHistory(path.join(dir, '.greenlens'));
    assert.strictEqual(history.runs.length, 1, r.stderr);
    const record = readRun(path.join(dir, '.greenlens'), history.runs[0].runId)!;
    const gpu = record.energy.components.find((c) => c.component === 'gpu')!;
    const gpuJ = gpu.machineEnergyKWh! * 3.6e6;
    // The fake GPUs draw 120 W and 60 W; the jump alone would be 2e9 J.
    assert.ok(Math.abs(gpuJ - 180 * record.durationS) <= 0.1 * 180 * record.durationS, `GPU ${gpuJ} J over ${record.durationS} s`);
    assert.ok(history.runs[0].energyKWh < 1e-3, `CSV energy ${history.runs[0].energyKWh} kWh`);
    assert.match(gpu.source, /power\.draw integrated where the counter was unavailable or rejected/);
    for (const index of [0, 1]) {
      assert.ok(
        record.warnings.some((w) => new RegExp(`^GPU ${index}: 1 of \\d+ total_energy_consumption step\\(s\\) implied up to .*power\\.draw was integrated for those steps instead`).test(w)),
        record.warnings.join('\n'),
      );
    }
    // Every nvidia-smi the meter started has ended.
    for (const line of fs.readFileSync(pidFile, 'utf8').trim().split('\n')) assert.ok(!alive(Number(line.split(' ')[1])), `${line} still runs`);
  });
});
