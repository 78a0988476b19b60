/**
 * NVIDIA GPUs through nvidia-smi, against fake nvidia-smi executables
 * (test/fixtures/energy/nvidia-smi-*; these machines have no GPU): normal
 * counters, no counter, a missing binary, one that hangs, one that goes
 * silent and ignores SIGTERM, garbage output, and a driver that is not loaded.
 */
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startMeter, type MeterOptions } from '../../src/core/energy/meter';
import { parseComputeAppLine, parseGpuLine, probeNvidiaSmi } from '../../src/core/energy/nvidiaSmiQuery';
import type { MeterReport } from '../../src/core/energy/types';
import { alive, fakeSmi, sleep, tempDir } from './energyFakes';

const within5 = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 0.05 * expected, `${what}: ${actual} not within 5% of ${expected}`);
const H100 = '0, GPU-00000000-fake-4a1b-8c2d-000000000000, NVIDIA H100 80GB HBM3';

describe('energy/nvidiaSmiSource parsing', () => {
  it('reads a well-formed line, [N/A] fields as missing', () => {
    assert.deepStrictEqual(parseGpuLine(`${H100}, 71.52, 123456789, 35, 2048, 700.00`), {
      index: 0,
      uuid: 'GPU-00000000-fake-4a1b-8c2d-000000000000',
      name: 'NVIDIA H100 80GB HBM3',
      powerW: 71.52,
      energyMj: 123456789,
      utilizationPercent: 35,
      memoryUsedMiB: 2048,
      powerLimitW: 700,
    });
    const na = parseGpuLine(`${H100}, [N/A], [Not Supported], [N/A], 0, [N/A]`);
    assert.ok(na);
    assert.strictEqual(na.powerW, undefined);
    assert.strictEqual(na.energyMj, undefined);
    assert.strictEqual(na.powerLimitW, undefined);
  });

  it('rejects garbage rather than misreading it', () => {
    for (const line of [
      '',
      'Failed to initialize NVML: Unknown Error',
      `${H100}, 71.52, 123456789, 35, 2048`,
      `${H100}, 71.52, 123456789, 35, 2048, 700, extra`,
      `${H100}, 71.52, 123456789, 35, 2048, lots`,
      `${H100}, -5, 123456789, 35, 2048, 700`,
      `${H100}, 1e9, 123456789, 35, 2048, 700`,
      `${H100}, 71.52, lots, 35, 2048, 700`,
      `${H100}, 71.52, 123456789, 135, 2048, 700`,
      `${H100}, 99999, 123456789, 35, 2048, 700`,
      'x, GPU-0, NVIDIA, 1, 2, 3, 4, 5',
      '0, not-a-uuid, NVIDIA H100, 1, 2, 3, 4, 5',
      '0, GPU-00, \u0000\u0001, 1, 2, 3, 4, 5',
    ]) {
      assert.strictEqual(parseGpuLine(line), undefined, JSON.stringify(line));
    }
  });

  it('reads compute-apps lines', () => {
    assert.deepStrictEqual(parseComputeAppLine('GPU-abc-1, 4242, 1500'), { uuid: 'GPU-abc-1', pid: 4242, usedMiB: 1500 });
    assert.deepStrictEqual(parseComputeAppLine('GPU-abc-1, 4242, [N/A]'), { uuid: 'GPU-abc-1', pid: 4242, usedMiB: undefined });
    assert.strictEqual(parseComputeAppLine('No running processes found'), undefined);
  });
});

describe('energy/nvidiaSmiSource probe', function () {
  this.timeout(15000);
  let pidFile: string;
  beforeEach(() => {
    pidFile = path.join(tempDir('smi'), 'pids');
    process.env.FAKE_SMI_PIDFILE = pidFile;
  });
  afterEach(() => {
    delete process.env.FAKE_SMI_PIDFILE;
    fs.rmSync(path.dirname(pidFile), { recursive: true, force: true });
  });

  it('finds two GPUs and whether they have the energy counter', async () => {
    const probe = await probeNvidiaSmi(fakeSmi('normal'), 5000, true);
    assert.strictEqual(probe.status, 'ok');
    if (probe.status !== 'ok') return;
    assert.deepStrictEqual(
      probe.gpus.map((g) => [g.index, g.name, g.counter]),
      [
        [0, 'NVIDIA H100 80GB HBM3', true],
        [1, 'NVIDIA A100-SXM4-40GB', true],
      ],
    );
    const none = await probeNvidiaSmi(fakeSmi('no-counter'), 5000, true);
    assert.ok(none.status === 'ok' && none.gpus.every((g) => !g.counter));
  });

  it('treats a missing nvidia-smi as no GPU, or as a warning when it was named', async () => {
    const missing = path.join(path.dirname(pidFile), 'no-such-nvidia-smi');
    assert.strictEqual((await probeNvidiaSmi(missing, 5000, false)).status, 'absent');
    const named = await probeNvidiaSmi(missing, 5000, true);
    assert.strictEqual(named.status, 'failed');
    assert.ok(named.status === 'failed' && named.warning.includes('does not exist'));
  });

  it('gives up on a hanging nvidia-smi within its time limit and kills it', async () => {
    const t0 = Date.now();
    const probe = await probeNvidiaSmi(fakeSmi('hang'), 700, true);
    const took = Date.now() - t0;
    assert.strictEqual(probe.status, 'failed');
    assert.ok(probe.status === 'failed' && /did not answer within 700 ms/.test(probe.warning), JSON.stringify(probe));
    assert.ok(took < 3000, `took ${took} ms`);
    await sleep(200);
    for (const line of fs.readFileSync(pidFile, 'utf8').trim().split('\n')) assert.ok(!alive(Number(line.split(' ')[1])), `${line} still runs`);
  });

  it('reports a driver that is not loaded with nvidia-smi\'s own words', async () => {
    const probe = await probeNvidiaSmi(fakeSmi('broken'), 5000, true);
    assert.strictEqual(probe.status, 'failed');
    assert.ok(probe.status === 'failed' && probe.warning.includes("couldn't communicate with the NVIDIA driver"), JSON.stringify(probe));
  });
});

describe('energy/meter with nvidia-smi', function () {
  this.timeout(20000);
  let dir: string;
  let pidFile: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = tempDir('smi-meter');
    pidFile = path.join(dir, 'pids');
    process.env.FAKE_SMI_PIDFILE = pidFile;
  });
  afterEach(() => {
    for (const key of ['FAKE_SMI_PIDFILE', 'FAKE_SMI_APPS', 'FAKE_SMI_POWER']) delete process.env[key];
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const loopPids = () =>
    fs
      .readFileSync(pidFile, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('loop '))
      .map((l) => Number(l.split(' ')[1]));

  /** Meters a `sleep` child for `ms` with the given fake nvidia-smi. */
  /** Meters for `ms`, and longer if `until` is given, until it holds (a loaded machine starts each fake slowly). */
  async function meterFor(ms: number, smi: string, options: Partial<MeterOptions> = {}, until?: () => boolean): Promise<MeterReport> {
    child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const meter = await startMeter({ pid: child.pid!, intervalMs: 100, nvidiaSmiPath: smi, powercapRoot: path.join(dir, 'none'), ...options });
    await sleep(ms);
    for (let waited = 0; until && !until() && waited < 20000; waited += 100) await sleep(100);
    return meter.stop();
  }

  it('measures two GPUs from their energy counters with one long-lived nvidia-smi, stopped at the end', async () => {
    const r = await meterFor(1500, fakeSmi('normal'));
    assert.deepStrictEqual(r.gpuModels, ['NVIDIA H100 80GB HBM3', 'NVIDIA A100-SXM4-40GB']);
    within5(r.gpus[0].energyJ, 120 * r.durationS, 'GPU 0 J');
    within5(r.gpus[1].energyJ, 60 * r.durationS, 'GPU 1 J');
    const gpu = r.components.find((c) => c.component === 'gpu')!;
    within5(gpu.energyJ, 180 * r.durationS, 'GPU J');
    assert.strictEqual(gpu.provenance, 'measured');
    assert.strictEqual(gpu.source, 'NVIDIA total_energy_consumption via nvidia-smi');
    assert.strictEqual(r.gpuUtilizationPercent, 87);
    assert.ok(r.timeline.slice(3).every((p) => Math.abs(p.gpuW - 180) < 1), 'timeline GPU power');
    const loops = loopPids();
    assert.strictEqual(loops.length, 1, 'one long-lived query, not one per sample');
    assert.ok(!alive(loops[0]), 'nvidia-smi was stopped');
    // The fake lists no compute processes on busy GPUs, which the last test covers.
    assert.deepStrictEqual(
      r.warnings.filter((w) => !w.includes('lists no compute processes')),
      [],
    );
  });

  it('integrates power.draw when the energy counter reads [N/A]', async () => {
    process.env.FAKE_SMI_POWER = '250';
    const r = await meterFor(1500, fakeSmi('no-counter'));
    within5(r.gpus[0].energyJ, 250 * r.durationS, 'GPU 0 J');
    assert.strictEqual(r.gpus[0].source, 'NVIDIA power.draw via nvidia-smi, integrated by the trapezoid rule');
    assert.strictEqual(r.gpus[0].provenance, 'measured');
  });

  it('ignores garbage lines, logs them, and still measures', async () => {
    const logged: string[] = [];
    const r = await meterFor(1500, fakeSmi('garbage'), { log: (_level, message) => logged.push(message) });
    within5(r.gpus[0].energyJ, 120 * r.durationS, 'GPU 0 J');
    within5(r.gpus[1].energyJ, 60 * r.durationS, 'GPU 1 J');
    assert.ok(logged.some((m) => m.startsWith('ignored a line from nvidia-smi')), logged.join('\n'));
    assert.ok(r.warnings.some((w) => /nvidia-smi printed \d+ line\(s\) that were not readings/.test(w)), r.warnings.join('\n'));
  });

  it('stops within a bound when nvidia-smi goes silent and ignores SIGTERM', async () => {
    child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const meter = await startMeter({ pid: child.pid!, intervalMs: 100, nvidiaSmiPath: fakeSmi('stuck'), powercapRoot: path.join(dir, 'none'), killGraceMs: 300 });
    await sleep(800);
    const t0 = Date.now();
    const r = await meter.stop();
    const took = Date.now() - t0;
    assert.ok(took < 1500, `stop() took ${took} ms`);
    const loops = loopPids();
    assert.strictEqual(loops.length, 1);
    assert.ok(!alive(loops[0]), 'SIGKILL ended it');
    // Two readings, then silence: the rest is the last power carried forward.
    within5(r.gpus[0].energyJ, 120 * r.durationS, 'GPU 0 J');
  });

  it('restarts an nvidia-smi that exits during the run, a few times, then carries its last power', async () => {
    const logged: string[] = [];
    const r = await meterFor(2500, fakeSmi('dies'), { log: (_level, message) => logged.push(message) }, () => logged.some((m) => /kept exiting/.test(m)));
    assert.strictEqual(loopPids().length, 4, 'the first one and three restarts');
    assert.strictEqual(logged.filter((m) => /exited during the run .*restarting it/.test(m)).length, 3, logged.join('\n'));
    assert.ok(r.warnings.some((w) => /kept exiting/.test(w)), r.warnings.join('\n'));
    // Each new process starts its counter elsewhere: those steps fall back to power.draw.
    within5(r.gpus[0].energyJ, 120 * r.durationS, 'GPU 0 J');
    assert.match(r.gpus[0].source, /power\.draw integrated where the counter was unavailable/);
    for (const pid of loopPids()) assert.ok(!alive(pid));
  });

  it('does not fail the run when nvidia-smi hangs at the probe', async () => {
    const r = await meterFor(300, fakeSmi('hang'), { probeTimeoutMs: 500 });
    assert.strictEqual(r.gpus.length, 0);
    assert.ok(r.warnings.some((w) => /did not answer within 500 ms/.test(w)), r.warnings.join('\n'));
    assert.ok(r.components.find((c) => c.component === 'cpu')!.energyJ > 0);
  });

  it('gives the run its share of a GPU it shares, by the memory its processes hold', async () => {
    child = spawn('sleep', ['30'], { stdio: 'ignore' });
    // GPU 0: the run (1000 MiB) and a process of another pid namespace (1000 MiB); GPU 1: pid 1, not the run.
    process.env.FAKE_SMI_APPS = `0:${child.pid}:1000;0:999999:1000;1:1:500`;
    const meter = await startMeter({ pid: child.pid!, intervalMs: 100, nvidiaSmiPath: fakeSmi('normal'), powercapRoot: path.join(dir, 'none'), gpuAppsEveryMs: 200 });
    await sleep(1500);
    const r = await meter.stop();
    const share0 = r.gpus[0].process.energyJ / r.gpus[0].energyJ;
    assert.ok(share0 > 0.35 && share0 <= 0.5 + 1e-9, `GPU 0 share ${share0}`);
    assert.strictEqual(r.gpus[1].process.energyJ, 0);
    assert.ok(r.processEnergy.energyJ <= r.machineEnergy.energyJ);
  });

  it('attributes the whole GPU, with a warning, when no compute process is visible on a busy GPU', async () => {
    const r = await meterFor(1500, fakeSmi('normal'), { gpuAppsEveryMs: 200 });
    const share = r.gpus[0].process.energyJ / r.gpus[0].energyJ;
    assert.ok(share > 0.7, `GPU 0 share ${share}`);
    assert.ok(r.warnings.some((w) => /nvidia-smi lists no compute processes/.test(w)), r.warnings.join('\n'));
  });
});
