/**
 * The meter on its estimated path (no RAPL, no GPU, as on these machines):
 * against a hand-made /proc with an injected clock, where every joule is
 * known, and against the real /proc with real busy processes.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MIN_INTERVAL_MS, startMeter, type MeterOptions } from '../../src/core/energy/meter';
import type { MeterReport } from '../../src/core/energy/types';
import { FakeProc, tempDir } from './energyFakes';

const GIB = 1024 ** 3;
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);

/** Runs a shell command as the metered root and returns the report once it exits. */
async function meterCommand(script: string, options: Partial<MeterOptions> = {}): Promise<MeterReport> {
  const child = spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const meter = await startMeter({ pid: child.pid!, intervalMs: 100, gpu: false, ...options });
  await exited;
  return meter.stop();
}

/** A shell word that runs node busy for `ms` milliseconds. */
const busy = (ms: number) => `"${process.execPath}" -e "const t=Date.now();while(Date.now()-t<${ms}){}"`;

describe('energy/meter, estimated path with a hand-made /proc', () => {
  let proc: FakeProc;
  let clock: number;
  const root = 4242;

  beforeEach(() => {
    proc = new FakeProc(tempDir('meter-proc'));
    proc.setPid(1, { ppid: 0, ticks: 0 });
    proc.setPid(root, { ppid: 1, ticks: 0, rssPages: GIB / 4096 });
    clock = 0;
  });
  afterEach(() => fs.rmSync(proc.root, { recursive: true, force: true }));

  const start = () =>
    startMeter({ pid: root, procRoot: proc.root, powercapRoot: path.join(proc.root, 'no-powercap'), gpu: false, autoSample: false, now: () => clock });

  it('applies the TDP model per interval and attributes by the share of busy CPU time', async () => {
    const meter = await start();
    // 2 threads of a Xeon Gold 6130 (125 W, 12.5 W idle floor).
    clock = 1000;
    proc.setCpu(100, 100); // 50% busy
    proc.setPid(root, { ppid: 1, ticks: 50, rssPages: GIB / 4096 }); // half of the busy time
    meter.sampleNow();
    clock = 2000;
    proc.setCpu(300, 100); // 100% busy, all of it the run's
    proc.setPid(root, { ppid: 1, ticks: 250, rssPages: GIB / 4096 });
    meter.sampleNow();
    const live = meter.current();
    close(live.watts.cpu, 125, 'live CPU W');
    close(live.processWatts, 125 + 0.375, 'live run W');

    // A sample that fails is skipped; the next one covers both intervals.
    clock = 3000;
    fs.renameSync(path.join(proc.root, 'stat'), path.join(proc.root, 'stat.away'));
    meter.sampleNow();
    fs.renameSync(path.join(proc.root, 'stat.away'), path.join(proc.root, 'stat'));
    clock = 4000;
    proc.setCpu(300, 300); // idle for 2 s
    meter.sampleNow();
    const r = await meter.stop();

    assert.strictEqual(r.durationS, 4);
    assert.strictEqual(r.samples, 5, 'start, 1 s, 2 s, 4 s and the final one');
    assert.strictEqual(r.failedSamples, 1);
    assert.ok(r.warnings.some((w) => w.startsWith('1 energy sample(s) failed')), r.warnings.join('\n'));
    const cpu = r.components.find((c) => c.component === 'cpu')!;
    assert.strictEqual(cpu.provenance, 'estimated');
    assert.match(cpu.source, /TDP model: Intel Xeon Gold 6130 125 W \(CodeCarbon cpu_power\.csv\)/);
    close(cpu.energyJ, 68.75 + 125 + 2 * 12.5, 'CPU J');
    close(cpu.process.energyJ, 68.75 / 2 + 125, 'run CPU J');
    const ram = r.components.find((c) => c.component === 'ram')!;
    assert.strictEqual(ram.provenance, 'estimated');
    close(ram.energyJ, 16 * 0.375 * 4, 'RAM J');
    close(ram.process.energyJ, 0.375 * 4, 'run RAM J (1 GiB resident)');
    close(r.machineEnergy.energyJ, cpu.energyJ + ram.energyJ, 'machine J');
    close(r.processEnergy.energyJ, cpu.process.energyJ + ram.process.energyJ, 'run J');
    close(r.machineEnergy.energyKWh, r.machineEnergy.energyJ / 3.6e6, 'kWh');
    assert.strictEqual(r.provenance, 'estimated');
    close(r.cpuUtilizationPercent, 50, 'CPU %');
    close(r.ramUtilizationPercent, 25, 'RAM %');
    close(r.ramUsedGb, 4, 'RAM used');
    close(r.processCpuCores, (250 * 2) / 600, 'run cores');
    close(r.processRamPeakGb, 1, 'run RAM peak');
    assert.strictEqual(r.cpuModel, 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz');
    assert.strictEqual(r.cpuCount, 2);
    assert.strictEqual(r.ramTotalGb, 16);
    assert.deepStrictEqual(
      r.timeline.map((p) => [p.t, p.cpuW]),
      [
        [1, 68.75],
        [2, 125],
        [4, 12.5],
      ],
    );
    assert.deepStrictEqual(
      r.sources.map((s) => [s.component, s.name, s.status]),
      [
        ['cpu', 'RAPL via powercap', 'absent'],
        ['cpu', 'TDP model', 'used'],
        ['ram', 'RAM model', 'used'],
        ['gpu', 'nvidia-smi', 'absent'],
      ],
    );
    assert.strictEqual(r.gpus.length, 0);
    assert.strictEqual(await meter.stop(), r, 'stop() is idempotent');
  });

  it('takes a configured TDP over the table', async () => {
    const meter = await startMeter({ pid: root, procRoot: proc.root, powercapRoot: '/nonexistent', gpu: false, autoSample: false, now: () => clock, cpuTdpW: 200 });
    clock = 1000;
    proc.setCpu(200, 0);
    meter.sampleNow();
    const r = await meter.stop();
    close(r.components[0].energyJ, 200, 'CPU J');
    assert.match(r.components[0].source, /200 W as configured/);
  });

  it('warns when the root process does not exist', async () => {
    const meter = await startMeter({ pid: 31337, procRoot: proc.root, powercapRoot: '/nonexistent', gpu: false, autoSample: false, now: () => clock });
    const r = await meter.stop();
    assert.ok(r.warnings.some((w) => w.includes('Process 31337 was not found')), r.warnings.join('\n'));
  });
});

describe('energy/meter, estimated path with the real /proc', function () {
  this.timeout(30000);

  it('gives a busy process tree energy above zero and at most the machine figure', async () => {
    const r = await meterCommand(`${busy(1200)} & ${busy(1200)}; wait`);
    const cpu = r.components.find((c) => c.component === 'cpu')!;
    assert.strictEqual(cpu.provenance, 'estimated');
    assert.ok(cpu.process.energyJ > 0, 'run CPU energy');
    assert.ok(cpu.process.energyJ <= cpu.energyJ + 1e-9, `${cpu.process.energyJ} > ${cpu.energyJ}`);
    assert.ok(r.processEnergy.energyJ > 0 && r.processEnergy.energyJ <= r.machineEnergy.energyJ + 1e-9);
    assert.ok(r.processCpuCores > 0.3, `run used ${r.processCpuCores} cores`);
    assert.ok(r.durationS >= 1.1, `${r.durationS} s`);
    assert.ok(r.timeline.length >= 8, `${r.timeline.length} points`);
    assert.strictEqual(r.failedSamples, 0);
    for (const p of r.timeline) assert.ok(p.processW <= p.cpuW + p.ramW + p.gpuW + 1e-9, JSON.stringify(p));
  });

  it('counts children that live and die between samples', async () => {
    // Ten children of 100 ms CPU each, each over before most samples could see it.
    const r = await meterCommand(`for i in 1 2 3 4 5 6 7 8 9 10; do ${busy(100)}; done`, { intervalMs: 1000 });
    const cpuSeconds = r.processCpuCores * r.durationS;
    assert.ok(cpuSeconds >= 0.8, `the run's CPU time was ${cpuSeconds.toFixed(2)} s, expected ≥ 1 s`);
  });

  it('keeps the interval at 100 ms or more', async () => {
    const r = await meterCommand(busy(300), { intervalMs: 10 });
    assert.strictEqual(r.intervalMs, MIN_INTERVAL_MS);
  });

  it('samples cheaply: no process spawned per sample', async () => {
    const meter = await startMeter({ pid: process.pid, gpu: false, autoSample: false });
    const n = 200;
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) meter.sampleNow();
    const used = process.cpuUsage(before);
    await meter.stop();
    const msPerSample = (used.user + used.system) / 1000 / n;
    // 2% of a core at 100 ms is 2 ms a sample; the guard is loose so a loaded machine does not fail it.
    assert.ok(msPerSample < 5, `${msPerSample.toFixed(3)} ms of CPU per sample`);
  });
});
