/**
 * RAPL through powercap, against fake powercap trees laid out as the kernel
 * lays them out (these machines have no RAPL). The counters are advanced by
 * the test at known constant powers, so the measured energy is known.
 *
 * About permissions: these tests run as root here, and root reads a file
 * whatever its mode, so `chmod 000` alone proves nothing. The "present but
 * unreadable" case is therefore tested twice: with a directory in place of
 * energy_uj (a read error root cannot bypass), and with real permissions by
 * probing from a child process running as an unprivileged user (uid 65534)
 * when the tests run as root, or with mode 000 when they do not.
 */
import * as assert from 'assert';
import { execSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startMeter } from '../../src/core/energy/meter';
import { findRaplDomains, grantReadCommand, probeRapl } from '../../src/core/energy/raplSource';
import { AMD_ZONES, FakeProc, INTEL_ZONES, makePowercap, setEnergy, sleep, tempDir } from './energyFakes';

const within5 = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 0.05 * expected, `${what}: ${actual} not within 5% of ${expected}`);

describe('energy/raplSource', () => {
  let root: string;
  beforeEach(() => {
    root = path.join(tempDir('rapl'), 'powercap');
  });
  afterEach(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

  it('sums packages and dram, never their sub-zones, psys or the MMIO copy', () => {
    makePowercap(root, INTEL_ZONES);
    const domains = findRaplDomains(root);
    assert.deepStrictEqual(
      domains.map((d) => [d.zone, d.name, d.kind]),
      [
        ['intel-rapl:0', 'package-0', 'package'],
        ['intel-rapl:0:2', 'dram', 'dram'],
      ],
    );
    assert.strictEqual(domains[0].maxRangeUj, 262143328850);
    assert.strictEqual(domains[0].energyPath, path.join(root, 'intel-rapl:0', 'energy_uj'));
  });

  it('reads both sockets of an AMD machine (zones named intel-rapl by the kernel) and other *-rapl types', () => {
    makePowercap(root, AMD_ZONES);
    assert.deepStrictEqual(
      findRaplDomains(root).map((d) => d.name),
      ['package-0', 'package-1'],
    );
    const other = path.join(path.dirname(root), 'other');
    makePowercap(other, [{ zone: 'amd-rapl:0', name: 'package-0', maxUj: 1000 }]);
    assert.deepStrictEqual(
      findRaplDomains(other).map((d) => d.zone),
      ['amd-rapl:0'],
    );
  });

  it('uses psys only when there is no package zone', () => {
    makePowercap(root, [{ zone: 'intel-rapl:0', name: 'psys', maxUj: 1000 }]);
    assert.deepStrictEqual(
      findRaplDomains(root).map((d) => d.kind),
      ['psys'],
    );
  });

  it('says absent when there is no powercap or no RAPL zone', () => {
    assert.strictEqual(probeRapl(path.join(root, 'nope')).status, 'absent');
    fs.mkdirSync(root, { recursive: true });
    const probe = probeRapl(root);
    assert.strictEqual(probe.status, 'absent');
    if (probe.status === 'absent') assert.match(probe.detail, /no RAPL package or dram zone/);
  });

  it('reports a counter that cannot be read, never skipping it silently (a directory in its place)', () => {
    makePowercap(root, INTEL_ZONES);
    const file = path.join(root, 'intel-rapl:0', 'energy_uj');
    fs.rmSync(file);
    fs.mkdirSync(file);
    const probe = probeRapl(root);
    assert.strictEqual(probe.status, 'unreadable');
    if (probe.status !== 'unreadable') return;
    assert.deepStrictEqual(probe.unreadablePaths, [file]);
    assert.match(probe.warning, /EISDIR/);
  });

  it('tells a user who cannot read the counters the exact command that grants access', function () {
    this.timeout(20000);
    makePowercap(root, INTEL_ZONES);
    const files = [path.join(root, 'intel-rapl:0', 'energy_uj'), path.join(root, 'intel-rapl:0:2', 'energy_uj')];
    const expected = `sudo chmod o+r ${files[0]} ${files[1]}`;
    assert.strictEqual(grantReadCommand(files), expected);

    if (process.getuid?.() !== 0) {
      // Not root: mode 000 really stops this user.
      for (const f of files) fs.chmodSync(f, 0o000);
      const probe = probeRapl(root);
      assert.strictEqual(probe.status, 'unreadable');
      if (probe.status === 'unreadable') assert.ok(probe.warning.includes(expected), probe.warning);
      return;
    }
    // Root: make the tree look like the kernel's (counters root-only, 0400) and probe as nobody.
    // Only the test's own directories change mode (mkdtemp makes them 0700); /tmp is left alone.
    for (const dir of [path.dirname(root), root, ...fs.readdirSync(root).map((e) => path.join(root, e))]) fs.chmodSync(dir, 0o755);
    for (const f of files) fs.chmodSync(f, 0o400);
    const probeAsNobody = () => {
      const script = `const { probeRapl } = require(${JSON.stringify(require.resolve('../../src/core/energy/raplSource'))}); process.stdout.write(JSON.stringify(probeRapl(${JSON.stringify(root)})));`;
      const r = spawnSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, encoding: 'utf8' });
      // Where the compiled tests themselves are out of that user's reach, this check cannot run here.
      if (r.status !== 0 && /Cannot find module|EACCES/.test(r.stderr) && !r.stderr.includes(root)) this.skip();
      assert.strictEqual(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const before = probeAsNobody();
    assert.strictEqual(before.status, 'unreadable');
    assert.ok(before.warning.includes(expected), before.warning);
    assert.match(before.warning, /root-only since Linux 5\.10/);
    // Running the command (as root, so without sudo) really gives that user the counters.
    execSync(expected.replace(/^sudo /, ''));
    assert.strictEqual(probeAsNobody().status, 'ok');
  });
});

describe('energy/meter with RAPL counters', () => {
  let root: string;
  let clock: number;
  beforeEach(() => {
    root = path.join(tempDir('rapl-meter'), 'powercap');
    clock = 0;
  });
  afterEach(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

  const start = () => startMeter({ pid: process.pid, powercapRoot: root, gpu: false, autoSample: false, now: () => clock });

  /** Advances the fake clock by `seconds` and each zone's counter by its power (W), wrapping at its range. */
  const advance = (seconds: number, watts: Record<string, number>, ranges: Record<string, number>, counters: Record<string, number>) => {
    clock += seconds * 1000;
    for (const [zone, w] of Object.entries(watts)) {
      counters[zone] = (counters[zone] + w * seconds * 1e6) % (ranges[zone] ?? Infinity);
      setEnergy(root, zone, counters[zone]);
    }
  };

  it('measures package and dram energy at a known power, ignoring core, uncore, psys and MMIO', async () => {
    makePowercap(root, INTEL_ZONES.map((z) => ({ ...z, energyUj: 5_000_000 })));
    const counters: Record<string, number> = Object.fromEntries(INTEL_ZONES.map((z) => [z.zone, 5_000_000]));
    const watts = { 'intel-rapl:0': 50, 'intel-rapl:0:0': 30, 'intel-rapl:0:1': 10, 'intel-rapl:0:2': 5, 'intel-rapl:1': 80, 'intel-rapl-mmio:0': 50 };
    const meter = await start();
    for (let i = 0; i < 10; i++) {
      advance(1, watts, {}, counters);
      meter.sampleNow();
    }
    const r = await meter.stop();
    const cpu = r.components.find((c) => c.component === 'cpu')!;
    const ram = r.components.find((c) => c.component === 'ram')!;
    within5(cpu.energyJ, 500, 'CPU J');
    within5(ram.energyJ, 50, 'RAM J');
    within5(cpu.powerW, 50, 'CPU W');
    assert.strictEqual(cpu.provenance, 'measured');
    assert.strictEqual(ram.provenance, 'measured');
    assert.strictEqual(cpu.source, 'RAPL package-0 via powercap');
    assert.strictEqual(ram.source, 'RAPL dram via powercap');
    assert.strictEqual(r.provenance, 'measured');
    assert.ok(cpu.process.energyJ >= 0 && cpu.process.energyJ <= cpu.energyJ);
    assert.deepStrictEqual(r.warnings, []);
    assert.ok(r.timeline.every((p) => Math.abs(p.cpuW - 50) < 1e-6), 'each interval at 50 W');
  });

  it('sums the packages of a two-socket AMD machine', async () => {
    makePowercap(root, AMD_ZONES);
    const counters: Record<string, number> = Object.fromEntries(AMD_ZONES.map((z) => [z.zone, 0]));
    const meter = await start();
    for (let i = 0; i < 5; i++) {
      advance(2, { 'intel-rapl:0': 120, 'intel-rapl:0:0': 100, 'intel-rapl:1': 80, 'intel-rapl:1:0': 60 }, {}, counters);
      meter.sampleNow();
    }
    const r = await meter.stop();
    within5(r.components[0].energyJ, 200 * 10, 'CPU J');
    assert.strictEqual(r.components[0].source, 'RAPL package-0, package-1 via powercap');
    assert.strictEqual(r.components[1].provenance, 'estimated', 'no dram zone: RAM model');
    assert.strictEqual(r.provenance, 'mixed');
  });

  it('differences across the counter wrap-around', async () => {
    const range = 1_000_000_000; // 1 kJ, so 50 W wraps every 20 s
    makePowercap(root, [{ zone: 'intel-rapl:0', name: 'package-0', maxUj: range, energyUj: 950_000_000 }]);
    const counters = { 'intel-rapl:0': 950_000_000 };
    const meter = await start();
    for (let i = 0; i < 60; i++) {
      advance(1, { 'intel-rapl:0': 50 }, { 'intel-rapl:0': range }, counters);
      meter.sampleNow();
    }
    const r = await meter.stop();
    within5(r.components[0].energyJ, 3000, 'CPU J over three wraps');
    assert.ok(Math.abs(r.components[0].energyJ - 3000) < 1e-3, `exact: ${r.components[0].energyJ}`);
    assert.deepStrictEqual(r.warnings, []);
  });

  it('falls back to the TDP model, and says so, for a step that went back when the range is unknown', async () => {
    // A hand-made /proc, so the model's figure is known: 2 threads of a Xeon Gold 6130 (125 W, 12.5 W idle).
    const proc = new FakeProc(path.join(path.dirname(root), 'proc'));
    proc.setPid(4242, { ppid: 1, ticks: 0 });
    makePowercap(root, [{ zone: 'intel-rapl:0', name: 'package-0', energyUj: 900_000_000 }]);
    const meter = await startMeter({ pid: 4242, procRoot: proc.root, powercapRoot: root, gpu: false, autoSample: false, now: () => clock });
    clock = 1000;
    proc.setCpu(100, 100);
    setEnergy(root, 'intel-rapl:0', 950_000_000);
    meter.sampleNow();
    clock = 2000;
    proc.setCpu(200, 200); // 50% busy: 68.75 W
    setEnergy(root, 'intel-rapl:0', 10_000_000);
    meter.sampleNow();
    const r = await meter.stop();
    const cpu = r.components[0];
    assert.ok(Math.abs(cpu.energyJ - (50 + 68.75)) < 1e-6, `50 J measured + 68.75 J modelled, got ${cpu.energyJ}`);
    assert.strictEqual(cpu.provenance, 'measured');
    assert.match(cpu.source, /^RAPL package-0 via powercap, with the TDP model for 1 of 2 interval\(s\) whose counter step was rejected$/);
    assert.ok(
      r.warnings.some((w) => /^RAPL package-0 \(intel-rapl:0\): 1 of 2 interval\(s\) .*1 step\(s\) back with max_energy_range_uj unknown.*TDP model stands in/.test(w)),
      r.warnings.join('\n'),
    );
    assert.deepStrictEqual(
      r.timeline.map((p) => p.cpuW),
      [50, 68.75],
    );
  });

  it('falls back to the estimate with a warning when the counters cannot be read', async () => {
    makePowercap(root, INTEL_ZONES);
    const file = path.join(root, 'intel-rapl:0', 'energy_uj');
    fs.rmSync(file);
    fs.mkdirSync(file);
    const meter = await start();
    clock = 1000;
    meter.sampleNow();
    const r = await meter.stop();
    assert.strictEqual(r.components[0].provenance, 'estimated');
    assert.ok(r.warnings.some((w) => w.startsWith('RAPL energy counters are present but could not be read')), r.warnings.join('\n'));
    assert.deepStrictEqual(
      r.sources.filter((s) => s.component === 'cpu').map((s) => [s.name, s.status]),
      [
        ['RAPL via powercap', 'unreadable'],
        ['TDP model', 'used'],
      ],
    );
  });

  it('measures a counter advancing in real time within 5%', async function () {
    this.timeout(10000);
    makePowercap(root, [{ zone: 'intel-rapl:0', name: 'package-0', maxUj: 262143328850 }]);
    const watts = 40;
    const t0 = performance.now();
    const write = () => setEnergy(root, 'intel-rapl:0', (performance.now() - t0) * 1000 * watts);
    write();
    const writer = setInterval(write, 5);
    try {
      const meter = await startMeter({ pid: process.pid, powercapRoot: root, gpu: false, intervalMs: 100 });
      await sleep(1200);
      write();
      const r = await meter.stop();
      within5(r.components[0].energyJ, watts * r.durationS, 'CPU J');
      assert.ok(r.samples >= 8, `${r.samples} samples`);
    } finally {
      clearInterval(writer);
    }
  });
});
