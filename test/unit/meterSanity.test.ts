/**
 * Counter sanity: a step of an energy counter is energy only when the power
 * it implies is one the domain or device can draw. Rejected steps fall back
 * to the model (RAPL) or to power.draw (NVIDIA) for their interval, with a
 * warning per domain. Also: a short run still gets its GPU share, whichever
 * of nvidia-smi's first reading and first compute-apps answer comes first.
 */
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { judgeCounterStep, READ_SKEW_S } from '../../src/core/energy/counterSanity';
import { startMeter, type MeterOptions } from '../../src/core/energy/meter';
import { gpuCeiling } from '../../src/core/energy/nvidiaSmiQuery';
import { domainCeiling, packageCeiling, PACKAGE_CEILING_W } from '../../src/core/energy/sources/raplCounters';
import type { MeterReport } from '../../src/core/energy/types';
import { fixturePath } from '../support/paths';
import { alive, FakeProc, makePowercap, setEnergy, sleep, tempDir } from './energyFakes';

const RANGE = 262143328850; // µJ, a common max_energy_range_uj
const XEON = { modelName: 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz', threads: 2, sockets: 1, virtualMachine: false };
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-6 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
const within5 = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 0.05 * expected, `${what}: ${actual} not within 5% of ${expected}`);

describe('energy/counterSanity', () => {
  const step = (previous: number, current: number, maxRange?: number, dtS = 1, ceilingW = 625) => judgeCounterStep({ previous, current, unitsPerJoule: 1e6, maxRange, dtS, ceilingW });

  it('counts a plausible step and a plausible wrap-around exactly', () => {
    assert.deepStrictEqual(step(5e9, 5e9 + 40e6), { counted: true, joules: 40, wrapped: false });
    // 10 J before the end of the range, 40 J after it: 50 J in one second.
    assert.deepStrictEqual(step(RANGE - 10e6, 40e6, RANGE), { counted: true, joules: 50, wrapped: true });
  });

  it('rejects a jump whose implied power no CPU draws', () => {
    const r = step(5e9, 5e9 + 1e15);
    assert.strictEqual(r.counted, false);
    assert.ok(!r.counted && r.why === 'implausible' && !r.wrap && Math.abs(r.impliedW - 1e9) < 1, JSON.stringify(r));
  });

  it('reads one step back of 100 J as no wrap, whose 262 kJ in a second no CPU draws', () => {
    const r = step(5e9, 5e9 - 100e6, RANGE);
    assert.ok(!r.counted && r.why === 'implausible' && r.wrap, JSON.stringify(r));
    assert.ok(!r.counted && r.why === 'implausible' && r.impliedW > 2.6e5 && r.impliedW < 2.7e5, JSON.stringify(r));
    assert.deepStrictEqual(step(5e9, 4e9), { counted: false, why: 'went back' }, 'no range: no wrap can be known');
  });

  it('allows a little read skew on a very short interval, and no more', () => {
    // 1 ms apart, the counter may show a few ms of energy: up to the ceiling over READ_SKEW_S.
    assert.strictEqual(step(0, 600 * (0.001 + READ_SKEW_S) * 1e6, undefined, 0.001).counted, true);
    assert.strictEqual(step(0, 700 * (0.001 + READ_SKEW_S) * 1e6, undefined, 0.001).counted, false);
  });

  it('sets ceilings from the TDP table when it names the CPU exactly, from the memory for dram, and fixed otherwise', () => {
    const pkg = packageCeiling(XEON);
    assert.deepStrictEqual(pkg, { watts: 625, basis: "5 × the Intel Xeon Gold 6130's 125 W TDP" });
    assert.strictEqual(packageCeiling({ ...XEON, modelName: 'Some Future CPU 9000' }).watts, PACKAGE_CEILING_W);
    const domain = (kind: 'package' | 'dram' | 'psys') => ({ zone: 'intel-rapl:0', name: kind, kind, energyPath: '/x' });
    assert.strictEqual(domainCeiling(domain('dram'), pkg, 1, 16 * 1024 ** 3).watts, 100, 'at least 100 W');
    assert.strictEqual(domainCeiling(domain('dram'), pkg, 1, 512 * 1024 ** 3).watts, 1024, '2 W per GB');
    assert.strictEqual(domainCeiling(domain('psys'), pkg, 2, 0).watts, 2 * 2 * 625);
    assert.deepStrictEqual(gpuCeiling(700), { watts: 1400, basis: '2 × its 700 W power limit' });
    assert.strictEqual(gpuCeiling(undefined).watts, 3000);
  });
});

describe('energy/meter, RAPL counter sanity', () => {
  let dir: string;
  let root: string;
  let proc: FakeProc;
  let clock: number;
  const pid = 4242;
  beforeEach(() => {
    dir = tempDir('meter-sanity');
    root = path.join(dir, 'powercap');
    // 2 threads of a Xeon Gold 6130: TDP model 125 W, idle 12.5 W; 16 GB of RAM: RAM model 6 W.
    proc = new FakeProc(path.join(dir, 'proc'));
    proc.setPid(pid, { ppid: 1, ticks: 0 });
    clock = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const start = () => startMeter({ pid, procRoot: proc.root, powercapRoot: root, gpu: false, autoSample: false, now: () => clock });
  const counters: Record<string, number> = {};
  /** One second at `busy` of 200 ticks, each zone's counter moved by `uj`. */
  const second = (busy: number, uj: Record<string, number>, meter: { sampleNow(): void }) => {
    clock += 1000;
    const total = clock / 5; // 200 ticks a second over both threads
    const busyTicks = (counters.busy = (counters.busy ?? 0) + busy);
    proc.setCpu(busyTicks, total - busyTicks);
    for (const [zone, d] of Object.entries(uj)) {
      counters[zone] += d;
      setEnergy(root, zone, counters[zone]);
    }
    meter.sampleNow();
  };

  it('replaces an implausible step with the model for its interval, and warns once per domain with the count', async () => {
    makePowercap(root, [
      { zone: 'intel-rapl:0', name: 'package-0', maxUj: RANGE, energyUj: 5e9 },
      { zone: 'intel-rapl:0:2', name: 'dram', maxUj: RANGE, energyUj: 1e9 },
    ]);
    Object.assign(counters, { busy: 0, 'intel-rapl:0': 5e9, 'intel-rapl:0:2': 1e9 });
    const logged: string[] = [];
    const meter = await startMeter({ pid, procRoot: proc.root, powercapRoot: root, gpu: false, autoSample: false, now: () => clock, log: (_l, m) => logged.push(m) });
    second(100, { 'intel-rapl:0': 40e6, 'intel-rapl:0:2': 5e6 }, meter);
    second(200, { 'intel-rapl:0': 1e15, 'intel-rapl:0:2': 5e6 }, meter); // 100% busy: model 125 J
    second(100, { 'intel-rapl:0': 40e6, 'intel-rapl:0:2': 1e15 }, meter); // RAM model: 16 GB × 0.375 W
    second(0, { 'intel-rapl:0': 1e15, 'intel-rapl:0:2': 5e6 }, meter); // idle: model 12.5 J
    second(100, { 'intel-rapl:0': 40e6, 'intel-rapl:0:2': 5e6 }, meter);
    const r = await meter.stop();
    const cpu = r.components.find((c) => c.component === 'cpu')!;
    const ram = r.components.find((c) => c.component === 'ram')!;
    close(cpu.energyJ, 40 + 125 + 40 + 12.5 + 40, 'CPU J');
    close(ram.energyJ, 5 + 5 + 6 + 5 + 5, 'RAM J');
    assert.strictEqual(cpu.provenance, 'measured');
    assert.strictEqual(cpu.source, 'RAPL package-0 via powercap, with the TDP model for 2 of 5 interval(s) whose counter step was rejected');
    assert.strictEqual(ram.source, 'RAPL dram via powercap, with the RAM model for 1 of 5 interval(s) whose counter step was rejected');
    assert.ok(Math.max(...r.timeline.map((p) => p.cpuW)) <= 125, 'no peak from the glitch');
    const pkgWarnings = r.warnings.filter((w) => w.startsWith('RAPL package-0'));
    assert.deepStrictEqual(pkgWarnings, [
      "RAPL package-0 (intel-rapl:0): 2 of 5 interval(s) had a counter step that cannot be energy (2 jump(s) forward implying up to 1.0e+9 W, above the 625 W ceiling (5 × the Intel Xeon Gold 6130's 125 W TDP)); the TDP model stands in for those intervals.",
    ]);
    assert.ok(
      r.warnings.some((w) => /^RAPL dram \(intel-rapl:0:2\): 1 of 5 interval\(s\) .*above the 100 W ceiling.*RAM model stands in/.test(w)),
      r.warnings.join('\n'),
    );
    assert.strictEqual(logged.filter((m) => m.startsWith('RAPL package-0 (intel-rapl:0): a counter step implied')).length, 1, 'logged when first seen');
  });

  it('does not read one step back of 100 J as a wrap-around', async () => {
    makePowercap(root, [{ zone: 'intel-rapl:0', name: 'package-0', maxUj: RANGE, energyUj: 5e9 }]);
    Object.assign(counters, { busy: 0, 'intel-rapl:0': 5e9 });
    const meter = await start();
    second(100, { 'intel-rapl:0': 50e6 }, meter);
    second(100, { 'intel-rapl:0': -100e6 }, meter); // 50% busy: model 68.75 J
    second(100, { 'intel-rapl:0': 50e6 }, meter);
    const r = await meter.stop();
    close(r.components[0].energyJ, 50 + 68.75 + 50, 'CPU J (a wrap would be 262 kJ)');
    assert.ok(Math.max(...r.timeline.map((p) => p.cpuW)) < 100, JSON.stringify(r.timeline));
    assert.ok(
      r.warnings.some((w) => /^RAPL package-0 \(intel-rapl:0\): 1 of 3 interval\(s\) .*1 step\(s\) back read as a wrap-around implying up to 262\.\d kW, above the 625 W ceiling/.test(w)),
      r.warnings.join('\n'),
    );
  });
});

describe('energy/meter, NVIDIA counter sanity and short runs', function () {
  this.timeout(20000);
  let dir: string;
  let pidFile: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = tempDir('meter-gpu');
    pidFile = path.join(dir, 'pids');
    process.env.FAKE_SMI_PIDFILE = pidFile;
  });
  afterEach(() => {
    for (const key of ['FAKE_SMI_PIDFILE', 'FAKE_SMI_APPS', 'FAKE_SMI_APPS_DELAY_MS', 'FAKE_SMI_LOOP_DELAY_MS']) delete process.env[key];
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const smi = (mode: string) => {
    const file = fixturePath('energy', `nvidia-smi-${mode}`);
    fs.chmodSync(file, 0o755);
    return file;
  };
  const smiPids = () =>
    fs
      .readFileSync(pidFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.split(' ')[1]));

  /** Meters a `sleep` child for `ms` with a fake nvidia-smi. */
  async function meterFor(ms: number, mode: string, options: Partial<MeterOptions> = {}, apps?: (pid: number) => string): Promise<MeterReport> {
    child = spawn('sleep', ['30'], { stdio: 'ignore' });
    if (apps) process.env.FAKE_SMI_APPS = apps(child.pid!);
    const meter = await startMeter({ pid: child.pid!, intervalMs: 100, nvidiaSmiPath: smi(mode), powercapRoot: path.join(dir, 'none'), ...options });
    await sleep(ms);
    return meter.stop();
  }

  it('integrates power.draw for a total_energy_consumption step no GPU could draw, with a warning', async () => {
    const r = await meterFor(1500, 'counter-jump');
    within5(r.gpus[0].energyJ, 120 * r.durationS, 'GPU 0 J (the jump is 1e9 J)');
    within5(r.gpus[1].energyJ, 60 * r.durationS, 'GPU 1 J');
    assert.strictEqual(r.gpus[0].source, 'NVIDIA total_energy_consumption via nvidia-smi (power.draw integrated where the counter was unavailable or rejected)');
    assert.ok(
      r.warnings.some((w) => /^GPU 0: 1 of \d+ total_energy_consumption step\(s\) implied up to .* above the 1\.4 kW ceiling \(2 × its 700 W power limit\).*power\.draw was integrated for those steps instead\.$/.test(w)),
      r.warnings.join('\n'),
    );
    assert.ok(
      r.warnings.some((w) => /^GPU 1: 1 of \d+ .*above the 800 W ceiling \(2 × its 400 W power limit\)/.test(w)),
      r.warnings.join('\n'),
    );
    assert.ok(Math.max(...r.timeline.map((p) => p.gpuW)) < 200, 'no peak from the jump');
  });

  it('counts a counter that moves only every 500 ms, near the power limit, as energy: judged over the time since it last moved', async () => {
    // 650 W on a 700 W board, printed every 100 ms: each move holds 325 J, far above 2 × 700 W over one 100 ms line.
    process.env.FAKE_SMI_POWER = '650';
    try {
      const r = await meterFor(2200, 'coarse-counter');
      assert.strictEqual(r.gpus[0].source, 'NVIDIA total_energy_consumption via nvidia-smi');
      assert.ok(!r.warnings.some((w) => /total_energy_consumption step/.test(w)), r.warnings.join('\n'));
      // The counter lags by up to 500 ms, which the total shows; nothing is lost to rejection (that would leave ~1/5).
      const ratio = r.gpus[0].energyJ / (650 * r.durationS);
      assert.ok(ratio > 0.7 && ratio < 1.05, `GPU 0 at ${ratio} of 650 W × ${r.durationS} s`);
    } finally {
      delete process.env.FAKE_SMI_POWER;
    }
  });

  it('gives a short run its share when the first compute-apps answer comes after the run ended', async () => {
    process.env.FAKE_SMI_APPS_DELAY_MS = '500';
    const r = await meterFor(300, 'normal', {}, (pid) => `0:${pid}:1000`);
    assert.ok(r.gpus[0].energyJ > 0);
    close(r.gpus[0].process.energyJ, r.gpus[0].energyJ, 'GPU 0 is all the run’s');
    assert.strictEqual(r.gpus[1].process.energyJ, 0, 'nothing of the run on GPU 1');
    assert.ok(!r.warnings.some((w) => /did not say which processes/.test(w)), r.warnings.join('\n'));
  });

  it('gives a short run its share when the first compute-apps answer comes before the first reading', async () => {
    // The answer lists nothing (as inside a container); the GPUs then turn out busy: the whole GPU is the run's.
    process.env.FAKE_SMI_LOOP_DELAY_MS = '500';
    const r = await meterFor(1000, 'normal', {}, () => '');
    assert.ok(r.gpus[0].energyJ > 0);
    close(r.gpus[0].process.energyJ, r.gpus[0].energyJ, 'GPU 0 share');
    close(r.gpus[1].process.energyJ, r.gpus[1].energyJ, 'GPU 1 share');
    assert.ok(r.warnings.some((w) => /nvidia-smi lists no compute processes/.test(w)), r.warnings.join('\n'));
  });

  it('attributes nothing, and says so, when no compute-apps answer comes at all, and leaves no nvidia-smi behind', async () => {
    process.env.FAKE_SMI_APPS_DELAY_MS = '10000';
    const t0 = Date.now();
    const r = await meterFor(300, 'normal', { killGraceMs: 300 }, (pid) => `0:${pid}:1000`);
    assert.ok(Date.now() - t0 < 2500, `stop() waited ${Date.now() - t0} ms`);
    assert.ok(r.gpus[0].energyJ > 0);
    assert.strictEqual(r.gpus[0].process.energyJ, 0);
    assert.ok(r.warnings.some((w) => /^GPU 0: nvidia-smi did not say which processes used it before the run ended/.test(w)), r.warnings.join('\n'));
    await sleep(100);
    for (const p of smiPids()) assert.ok(!alive(p), `nvidia-smi ${p} still runs`);
  });
});
