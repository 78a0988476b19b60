/**
 * RAPL energy counters through the Linux powercap framework:
 * /sys/class/powercap/<type>:<n>[:<m>]/{name,energy_uj,max_energy_range_uj}.
 * The kernel uses the `intel-rapl` type for AMD Zen processors as well;
 * `intel-rapl-mmio` repeats the package counter through another interface.
 *
 * Which counters are summed, so that nothing is counted twice:
 * - CPU = the top-level `package-N` zones (one per socket). Their `core`,
 *   `uncore` (and on some parts `gpu`) sub-zones are already inside them.
 * - RAM = the `dram` zones, top-level or sub-zone: DRAM is outside the package.
 * - `psys` (the whole platform on some laptops) contains the packages, so it
 *   is used only when there is no package zone.
 * - An `intel-rapl-mmio` zone is skipped when `intel-rapl` has the same name.
 *
 * Since Linux 5.10 energy_uj is readable by root only (the PLATYPUS power side
 * channel, CVE-2020-8694). A counter that exists but cannot be read is
 * reported with the exact command that grants access, never skipped silently.
 */
import * as fs from 'fs';
import * as path from 'path';

export const DEFAULT_POWERCAP_ROOT = '/sys/class/powercap';

export type RaplKind = 'package' | 'dram' | 'psys';

export interface RaplDomain {
  /** The zone directory name, e.g. `intel-rapl:0` or `intel-rapl:0:2`. */
  zone: string;
  /** The zone's own name: `package-0`, `dram`, `psys`. */
  name: string;
  kind: RaplKind;
  energyPath: string;
  /** The value after which energy_uj restarts at 0 (µJ); undefined when unreadable. */
  maxRangeUj?: number;
}

export type RaplProbe =
  | { status: 'absent'; detail: string }
  | { status: 'ok'; domains: RaplDomain[]; detail: string }
  | { status: 'unreadable'; domains: RaplDomain[]; unreadablePaths: string[]; errors: string[]; warning: string };

const ZONE = /^([a-z][a-z0-9-]*rapl[a-z0-9-]*):(\d+)(?::(\d+))?$/;

/** The command that lets a non-root user read the counters (until the next reboot). */
export function grantReadCommand(paths: string[]): string {
  return `sudo chmod o+r ${paths.join(' ')}`;
}

function readTrimmed(file: string): string {
  return fs.readFileSync(file, 'utf8').trim();
}

/** Lists the domains worth summing under `root` (see the module comment for the choice). */
export function findRaplDomains(root: string): RaplDomain[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return [];
  }
  const zones = entries
    .map((zone) => ({ zone, m: ZONE.exec(zone) }))
    .filter((z): z is { zone: string; m: RegExpExecArray } => z.m !== null)
    // The plain MSR interface first, so its names win over the MMIO copies.
    .sort((a, b) => Number(a.m[1].includes('mmio')) - Number(b.m[1].includes('mmio')) || a.zone.localeCompare(b.zone, 'en', { numeric: true }));

  const all: RaplDomain[] = [];
  const taken = new Set<string>();
  for (const { zone, m } of zones) {
    const dir = path.join(root, zone);
    let name: string;
    try {
      name = readTrimmed(path.join(dir, 'name'));
    } catch {
      continue;
    }
    const topLevel = m[3] === undefined;
    let kind: RaplKind | undefined;
    if (/^package/.test(name) && topLevel) kind = 'package';
    else if (/^dram/.test(name)) kind = 'dram';
    else if (name === 'psys' && topLevel) kind = 'psys';
    if (!kind) continue;
    // A dram sub-zone is named plainly "dram" under every package: qualify it by its parent.
    const identity = kind === 'dram' && !topLevel ? `${m[2]}/${name}` : name;
    if (taken.has(identity)) continue;
    taken.add(identity);
    let maxRangeUj: number | undefined;
    try {
      const v = Number(readTrimmed(path.join(dir, 'max_energy_range_uj')));
      if (Number.isFinite(v) && v > 0) maxRangeUj = v;
    } catch {
      // Left undefined: a wrap then cannot be measured and that step is skipped.
    }
    all.push({ zone, name, kind, energyPath: path.join(dir, 'energy_uj'), maxRangeUj });
  }
  const hasPackage = all.some((d) => d.kind === 'package');
  return all.filter((d) => d.kind !== 'psys' || !hasPackage);
}

/** Reads one counter (µJ); throws the file system's error as is. */
export function readCounterUj(file: string): number {
  const text = readTrimmed(file);
  if (!/^\d+$/.test(text)) throw new Error(`${file}: not a counter: ${JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
}

/**
 * Finds the RAPL domains and tries to read each counter once. When a counter
 * exists but its read fails (EACCES for a non-root user since Linux 5.10),
 * the result is `unreadable` with the exact paths and the command to run.
 */
export function probeRapl(root: string = DEFAULT_POWERCAP_ROOT): RaplProbe {
  if (!fs.existsSync(root)) return { status: 'absent', detail: `${root} does not exist (no powercap: not Linux, a VM, or a container without /sys)` };
  const domains = findRaplDomains(root);
  if (!domains.length) return { status: 'absent', detail: `no RAPL package or dram zone under ${root}` };

  const unreadablePaths: string[] = [];
  const errors: string[] = [];
  let permission = false;
  for (const d of domains) {
    try {
      readCounterUj(d.energyPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') permission = true;
      unreadablePaths.push(d.energyPath);
      errors.push(`${d.energyPath}: ${code ?? (err as Error).message}`);
    }
  }
  const names = domains.map((d) => `${d.name} (${d.zone})`).join(', ');
  if (!unreadablePaths.length) return { status: 'ok', domains, detail: `RAPL via powercap: ${names}` };

  const warning = permission
    ? `RAPL energy counters are present but this user cannot read them (root-only since Linux 5.10), so the CPU${domains.some((d) => d.kind === 'dram') ? ' and RAM are' : ' is'} estimated instead of measured. ` +
      `To measure, run: ${grantReadCommand(unreadablePaths)} ` +
      `(lasts until reboot; it lets every local user read the counters, which the kernel restricted because of the PLATYPUS power side channel, CVE-2020-8694).`
    : `RAPL energy counters are present but could not be read (${errors.join('; ')}), so the CPU is estimated instead of measured.`;
  return { status: 'unreadable', domains, unreadablePaths, errors, warning };
}

/** Reads the chosen domains' counters each sample. */
export class RaplReader {
  constructor(readonly domains: RaplDomain[]) {}

  /** Counter values in domain order (µJ); throws when any read fails, so a sample is all or nothing. */
  read(): number[] {
    return this.domains.map((d) => readCounterUj(d.energyPath));
  }
}

/** How domains are named in sources: "RAPL package-0, package-1 via powercap"; repeated names get their zone. */
export function raplSourceName(domains: RaplDomain[]): string {
  const label = (d: RaplDomain) => (domains.filter((o) => o.name === d.name).length > 1 ? `${d.name} (${d.zone})` : d.name);
  return `RAPL ${domains.map(label).join(', ')} via powercap`;
}
