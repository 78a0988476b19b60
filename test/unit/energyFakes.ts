/**
 * Fakes for the energy meter's tests, which must run on machines with no
 * RAPL and no GPU: a powercap tree laid out as the kernel lays it out, a
 * /proc with hand-set tick counts, and paths to the fake nvidia-smi scripts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixturePath } from '../support/paths';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `greenlens-${prefix}-`));
}

export interface Zone {
  /** Directory name, e.g. `intel-rapl:0` or `intel-rapl:0:2`. */
  zone: string;
  /** Contents of `name`, e.g. `package-0`. */
  name: string;
  energyUj?: number;
  /** Omitted: max_energy_range_uj is not written. */
  maxUj?: number;
}

/**
 * Writes zones as flat directories under `root`, like /sys/class/powercap
 * (where each is a symlink into /sys/devices/virtual/powercap). The control
 * type directory (`intel-rapl`, no colon, no counter) is there too.
 */
export function makePowercap(root: string, zones: Zone[]): void {
  fs.mkdirSync(path.join(root, 'intel-rapl'), { recursive: true });
  fs.writeFileSync(path.join(root, 'intel-rapl', 'enabled'), '1\n');
  for (const z of zones) {
    const dir = path.join(root, z.zone);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'name'), z.name + '\n');
    fs.writeFileSync(path.join(dir, 'energy_uj'), `${z.energyUj ?? 0}\n`);
    if (z.maxUj !== undefined) fs.writeFileSync(path.join(dir, 'max_energy_range_uj'), `${z.maxUj}\n`);
  }
}

/** Rewrites a counter in place (same inode, as the kernel's file stays the same). */
export function setEnergy(root: string, zone: string, uj: number): void {
  fs.writeFileSync(path.join(root, zone, 'energy_uj'), `${Math.round(uj)}\n`);
}

/** A desktop Intel layout: package with core, uncore and dram sub-zones, psys, and an MMIO copy of the package. */
export const INTEL_ZONES: Zone[] = [
  { zone: 'intel-rapl:0', name: 'package-0', maxUj: 262143328850 },
  { zone: 'intel-rapl:0:0', name: 'core', maxUj: 262143328850 },
  { zone: 'intel-rapl:0:1', name: 'uncore', maxUj: 262143328850 },
  { zone: 'intel-rapl:0:2', name: 'dram', maxUj: 262143328850 },
  { zone: 'intel-rapl:1', name: 'psys', maxUj: 262143328850 },
  { zone: 'intel-rapl-mmio:0', name: 'package-0', maxUj: 262143328850 },
];

/** A two-socket AMD EPYC layout: the kernel names AMD zones intel-rapl too; core sub-zones, no dram. */
export const AMD_ZONES: Zone[] = [
  { zone: 'intel-rapl:0', name: 'package-0', maxUj: 65532610987 },
  { zone: 'intel-rapl:0:0', name: 'core', maxUj: 65532610987 },
  { zone: 'intel-rapl:1', name: 'package-1', maxUj: 65532610987 },
  { zone: 'intel-rapl:1:0', name: 'core', maxUj: 65532610987 },
];

export interface FakePid {
  ppid: number;
  /** utime + stime. */
  ticks: number;
  /** cutime + cstime. */
  childTicks?: number;
  start?: number;
  rssPages?: number;
  comm?: string;
}

/** A /proc with the files the meter reads, every figure set by the test. */
export class FakeProc {
  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
    this.setCpu(0, 0);
    this.setMem(16 * 1024 ** 3, 12 * 1024 ** 3);
    fs.writeFileSync(path.join(root, 'cpuinfo'), ['processor\t: 0', 'model name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz', 'physical id\t: 0', 'flags\t\t: fpu sse2', '', 'processor\t: 1', 'model name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz', 'physical id\t: 0', ''].join('\n'));
  }

  /** Machine ticks (all CPUs): `busy` in user, `idle` in idle. */
  setCpu(busy: number, idle: number, steal = 0): void {
    fs.writeFileSync(path.join(this.root, 'stat'), `cpu  ${busy} 0 0 ${idle} 0 0 0 ${steal} 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\nintr 0\n`);
  }

  setMem(totalBytes: number, availableBytes: number): void {
    fs.writeFileSync(path.join(this.root, 'meminfo'), `MemTotal:       ${totalBytes / 1024} kB\nMemFree:        1 kB\nMemAvailable:   ${availableBytes / 1024} kB\n`);
  }

  setPid(pid: number, p: FakePid): void {
    const f: (string | number)[] = new Array(52).fill(0);
    f[0] = pid;
    f[1] = `(${p.comm ?? 'python3'})`;
    f[2] = 'R';
    f[3] = p.ppid;
    f[13] = p.ticks;
    f[15] = p.childTicks ?? 0;
    f[21] = p.start ?? 1000 + pid;
    f[23] = p.rssPages ?? 0;
    fs.mkdirSync(path.join(this.root, String(pid)), { recursive: true });
    fs.writeFileSync(path.join(this.root, String(pid), 'stat'), f.join(' ') + '\n');
  }

  /** Writes /proc/<pid>/task/<pid>/children, the main thread's children. */
  setChildren(pid: number, children: number[]): void {
    const dir = path.join(this.root, String(pid), 'task', String(pid));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'children'), children.map((c) => `${c} `).join(''));
  }

  removePid(pid: number): void {
    fs.rmSync(path.join(this.root, String(pid)), { recursive: true, force: true });
  }
}

/** Path of a fake nvidia-smi (test/fixtures/energy/nvidia-smi-<mode>), made executable in case a checkout lost the bit. */
export function fakeSmi(mode: 'normal' | 'no-counter' | 'hang' | 'stuck' | 'garbage' | 'broken' | 'dies'): string {
  const file = fixturePath('energy', `nvidia-smi-${mode}`);
  fs.chmodSync(file, 0o755);
  return file;
}

/** Whether a process still exists (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
