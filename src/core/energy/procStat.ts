/**
 * CPU time and memory from /proc: the machine's (/proc/stat, /proc/meminfo,
 * /proc/cpuinfo) and the run's process tree (/proc/<pid>/stat). Linux only;
 * every reader takes the proc root so tests can point it at a fake tree.
 *
 * Times are in clock ticks (USER_HZ) as /proc gives them; the meter only
 * ever divides ticks by ticks, so it never needs the tick rate.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Cumulative ticks of all CPUs together, from the first line of /proc/stat. */
export interface CpuTimes {
  /** Every state except guest time (already inside user and nice). */
  total: number;
  /** idle + iowait. */
  idle: number;
  /** Time the hypervisor ran something else: neither ours nor idle. */
  steal: number;
}

export function parseProcStatCpu(text: string): CpuTimes {
  const line = text.slice(0, text.indexOf('\n') >>> 0);
  const parts = line.trim().split(/\s+/);
  if (parts[0] !== 'cpu' || parts.length < 5) throw new Error(`unexpected /proc/stat first line: ${line.slice(0, 80)}`);
  const n = parts.slice(1, 9).map(Number);
  if (n.some((x) => !Number.isFinite(x))) throw new Error(`unexpected /proc/stat numbers: ${line.slice(0, 80)}`);
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = n;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal };
}

export function readCpuTimes(procRoot: string): CpuTimes {
  return parseProcStatCpu(fs.readFileSync(path.join(procRoot, 'stat'), 'utf8'));
}

/** The fields of /proc/<pid>/stat the meter uses. */
export interface PidStat {
  pid: number;
  /** Field 3: R, S, D, Z (zombie: exited, not yet reaped) … */
  state: string;
  ppid: number;
  /** Field 5: the process group. A command started detached leads its own group, so its pgid is its pid. */
  pgrp: number;
  /** utime + stime + cutime + cstime: own CPU time plus that of children it has reaped. */
  ticks: number;
  /** utime + stime alone. */
  ownTicks: number;
  /** Distinguishes a process from a later one that reuses its pid. */
  startTime: number;
  rssPages: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields count from its last ')'. */
export function parsePidStat(text: string): PidStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = parseInt(text, 10);
  // After ')' come fields 3 (state), 4 (ppid) … so field n sits at index n - 3.
  const f = text.slice(close + 2).split(' ');
  const num = (n: number) => Number(f[n - 3]);
  const stat: PidStat = {
    pid,
    state: f[0] ?? '',
    ppid: num(4),
    pgrp: num(5),
    ticks: num(14) + num(15) + num(16) + num(17),
    ownTicks: num(14) + num(15),
    startTime: num(22),
    rssPages: num(24),
  };
  return Number.isFinite(stat.pid) && Number.isFinite(stat.ppid) && Number.isFinite(stat.pgrp) && Number.isFinite(stat.ticks) ? stat : undefined;
}

function readPidStat(procRoot: string, pid: number | string): PidStat | undefined {
  try {
    return parsePidStat(fs.readFileSync(path.join(procRoot, String(pid), 'stat'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every /proc/<pid>/stat, parsed; a process that exits while being read is left out. */
function readAllPidStats(procRoot: string): PidStat[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(procRoot);
  } catch {
    return [];
  }
  const stats: PidStat[] = [];
  for (const name of entries) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const stat = readPidStat(procRoot, name);
    if (stat) stats.push(stat);
  }
  return stats;
}

/**
 * The live processes of process group `pgid` (zombies excluded: they have
 * exited and only wait for their parent to reap them). A run started with
 * `detached: true` leads its own group, so this lists what is left of it,
 * background grandchildren adopted by init included, after its root exits.
 */
export function listProcessGroup(pgid: number, procRoot = '/proc'): number[] {
  return readAllPidStats(procRoot)
    .filter((s) => s.pgrp === pgid && s.state !== 'Z')
    .map((s) => s.pid)
    .sort((a, b) => a - b);
}

export interface CpuInfo {
  /** The first "model name" (x86) or a close equivalent; '' when /proc/cpuinfo has none (many ARM kernels). */
  modelName: string;
  /** Logical CPUs (hardware threads) the OS sees. */
  threads: number;
  /** Distinct "physical id" values; 1 when the kernel does not say. */
  sockets: number;
  /** The "hypervisor" CPU flag: a virtual machine sees only part of the host's CPU. */
  virtualMachine: boolean;
}

export function parseCpuInfo(text: string): CpuInfo {
  let modelName = '';
  let threads = 0;
  const sockets = new Set<string>();
  let virtualMachine = false;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') threads++;
    else if (!modelName && (key === 'model name' || key === 'Model' || key === 'cpu model')) modelName = value;
    else if (key === 'physical id') sockets.add(value);
    else if (key === 'flags' && / hypervisor( |$)/.test(' ' + value)) virtualMachine = true;
  }
  return { modelName, threads, sockets: Math.max(1, sockets.size), virtualMachine };
}

export function readCpuInfo(procRoot: string): CpuInfo {
  let info: CpuInfo = { modelName: '', threads: 0, sockets: 1, virtualMachine: false };
  try {
    info = parseCpuInfo(fs.readFileSync(path.join(procRoot, 'cpuinfo'), 'utf8'));
  } catch {
    // Not Linux, or no /proc: the OS's own view below is the best there is.
  }
  if (!info.modelName) info.modelName = os.cpus()[0]?.model?.trim() ?? '';
  if (!info.threads) info.threads = Math.max(1, os.cpus().length);
  return info;
}

export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
}

export function parseMemInfo(text: string): MemInfo {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const totalBytes = kb('MemTotal');
  if (totalBytes === undefined) throw new Error('/proc/meminfo has no MemTotal');
  return { totalBytes, availableBytes: kb('MemAvailable') ?? kb('MemFree') ?? 0 };
}

export function readMemInfo(procRoot: string): MemInfo {
  return parseMemInfo(fs.readFileSync(path.join(procRoot, 'meminfo'), 'utf8'));
}

/**
 * Bytes per page, for the rss field of /proc/<pid>/stat: found by comparing
 * this process's rss in pages with Node's own figure in bytes (4 KiB on x86,
 * often 64 KiB on arm64 servers).
 */
export function pageSize(procRoot: string): number {
  try {
    const pages = Number(fs.readFileSync(path.join(procRoot, 'self', 'statm'), 'utf8').split(' ')[1]);
    const bytes = process.memoryUsage.rss();
    if (pages > 0) for (const size of [4096, 16384, 65536]) if (Math.abs(bytes / pages / size - 1) < 0.25) return size;
  } catch {
    // Fall through to the common case.
  }
  return 4096;
}

/** The process tree at one sample. */
export interface TreeSample {
  /** Cumulative CPU ticks of the tree, never decreasing (see ProcessTreeTracker). */
  ticks: number;
  rssBytes: number;
  /** Pids of the live members. */
  pids: number[];
  rootAlive: boolean;
}

interface Member {
  startTime: number;
  ppid: number;
  ticks: number;
  rssPages: number;
}

/**
 * Follows the CPU time of a root process and all its descendants.
 *
 * The tree's time is the sum over live members of utime+stime+cutime+cstime.
 * When a member exits and a member parent reaps it, the kernel moves its
 * whole time (its children's included) into the parent's cutime/cstime, so
 * the sum carries on unbroken, even for children that lived and died
 * between two samples without ever being seen. A member whose parent is not
 * in the tree (the root, or an orphan adopted by init) takes its last seen
 * time with it, so that time is remembered in `departed`; for the root, when
 * this process is its parent, the increase of our own cutime gives its exact
 * final time instead (otherwise its last interval would be lost). Members
 * stay members when re-parented. The total is kept monotonic because a child
 * can vanish a moment before its parent's reading includes it.
 *
 * New descendants are found each sample from the members' children lists
 * (/proc/<pid>/task/<pid>/children), and by a scan of every /proc/<pid>/stat
 * (their ppid), which also catches children started by other threads; the
 * scan runs at most every `discoveryMs` (5 s), stretched so that it costs
 * under 0.1% of the time. A child found late still brings its whole CPU
 * time, so totals do not depend on how soon it is found.
 *
 * When the root leads its own process group (the runner starts it detached,
 * so its pgid is its pid), every process of that group is a member too: a
 * background grandchild whose parent exited before any sample saw it has been
 * adopted by init and is no descendant any more, but it stays in the group.
 * The scan that finds those runs at once when the root exits, which is when
 * they are orphaned. The group counts only while it can still be the run's:
 * the kernel keeps a pid number allocated while a group bears it, but once
 * the group is seen empty (or another process holds the root's pid) the
 * number may belong to someone else, and the group is no longer followed.
 */
export class ProcessTreeTracker {
  private readonly members = new Map<number, Member>();
  private departed = 0;
  private reported = 0;
  private lastScanAt = -Infinity;
  private scanEveryMs: number;
  /** This process's cutime+cstime at the last sample, while the root is its child. */
  private selfChildTicks: number | undefined;
  /** The root's start time, once seen: tells the root from a later process reusing its pid. */
  private rootStartTime: number | undefined;
  /** Whether processes in the root's process group are members (see the class comment). */
  private followGroup = false;

  constructor(
    private readonly procRoot: string,
    private readonly rootPid: number,
    private readonly pageBytes: number,
    private readonly discoveryMs = 5000,
    private readonly selfPid = process.pid,
  ) {
    this.scanEveryMs = discoveryMs;
  }

  sample(nowMs: number): TreeSample {
    const seen = new Map<number, PidStat>();
    // When this process is the root's parent, reaping the root adds the root's final time to our
    // cutime/cstime: read it each sample so the root's last interval is not lost (see gone below).
    const rootMember = this.members.get(this.rootPid);
    const self = this.lastScanAt === -Infinity || rootMember?.ppid === this.selfPid ? readPidStat(this.procRoot, this.selfPid) : undefined;
    const selfChildTicks = self ? self.ticks - self.ownTicks : undefined;
    let scanDue = nowMs - this.lastScanAt >= this.scanEveryMs;
    if (!scanDue) {
      for (const pid of this.members.keys()) {
        const stat = readPidStat(this.procRoot, pid);
        if (stat) seen.set(pid, stat);
      }
      this.followChildren(seen);
      // The root just exited: whatever it left running in its group is orphaned now, so look now.
      if (this.followGroup && rootMember && seen.get(this.rootPid)?.startTime !== rootMember.startTime) scanDue = true;
    }
    if (scanDue) {
      const t0 = performance.now();
      this.scan(seen);
      const cost = performance.now() - t0;
      this.lastScanAt = nowMs;
      this.scanEveryMs = Math.max(this.discoveryMs, cost * 1000);
    }

    let ticks = this.departed;
    let rssPages = 0;
    const gone: number[] = [];
    for (const [pid, m] of this.members) {
      const stat = seen.get(pid);
      if (!stat || stat.startTime !== m.startTime) {
        gone.push(pid);
        continue;
      }
      m.ticks = stat.ticks;
      m.ppid = stat.ppid;
      m.rssPages = stat.rssPages;
      ticks += m.ticks;
      rssPages += m.rssPages;
    }
    // Members that left are grouped under their top-most ancestor that also left (a parent
    // normally reaps its children before it exits, so their time went into its cutime).
    // A group whose head has a live member parent was reaped by it, or will be: its time
    // shows up in that parent's cutime. Any other group takes its last seen time with it,
    // except the root's when this process reaped it: then our cutime grew by the root's whole
    // final time, and the group counts at the larger of the two figures (the increase may
    // rarely include other children this process reaped meanwhile).
    const goneSet = new Set(gone);
    const head = (pid: number): number => {
      let at = pid;
      while (goneSet.has(this.members.get(at)!.ppid)) at = this.members.get(at)!.ppid;
      return at;
    };
    const groups = new Map<number, number>();
    for (const pid of gone) {
      const h = head(pid);
      groups.set(h, (groups.get(h) ?? 0) + this.members.get(pid)!.ticks);
    }
    for (const [h, groupTicks] of groups) {
      const parent = this.members.get(h)!.ppid;
      if (this.members.has(parent) && !goneSet.has(parent)) continue;
      let lastTicks = groupTicks;
      if (h === this.rootPid && parent === this.selfPid && selfChildTicks !== undefined && this.selfChildTicks !== undefined) {
        lastTicks = Math.max(groupTicks, selfChildTicks - this.selfChildTicks);
      }
      this.departed += lastTicks;
      ticks += lastTicks;
    }
    for (const pid of gone) this.members.delete(pid);
    this.selfChildTicks = this.members.has(this.rootPid) ? selfChildTicks : undefined;
    this.reported = Math.max(this.reported, ticks);
    const root = this.members.get(this.rootPid);
    return {
      ticks: this.reported,
      rssBytes: rssPages * this.pageBytes,
      pids: [...this.members.keys()],
      rootAlive: root !== undefined,
    };
  }

  /**
   * Adds the children that members' main threads have started since the last
   * sample, from /proc/<pid>/task/<pid>/children (one small read per member;
   * absent on kernels without CONFIG_PROC_CHILDREN, where the scan does it).
   * Children started by other threads wait for the next scan.
   */
  private followChildren(seen: Map<number, PidStat>): void {
    const queue = [...this.members.keys()].filter((pid) => seen.has(pid));
    while (queue.length) {
      const pid = queue.pop()!;
      let text: string;
      try {
        text = fs.readFileSync(path.join(this.procRoot, String(pid), 'task', String(pid), 'children'), 'utf8');
      } catch {
        continue;
      }
      for (const word of text.split(' ')) {
        const child = Number(word);
        if (!child || this.members.has(child)) continue;
        const stat = readPidStat(this.procRoot, child);
        if (!stat || stat.ppid !== pid) continue;
        seen.set(child, stat);
        this.members.set(child, { startTime: stat.startTime, ppid: stat.ppid, ticks: stat.ticks, rssPages: stat.rssPages });
        queue.push(child);
      }
    }
  }

  /** Reads every process once and adds the new descendants of the tree, and the members of its process group. */
  private scan(seen: Map<number, PidStat>): void {
    const children = new Map<number, number[]>();
    const group: number[] = [];
    for (const stat of readAllPidStats(this.procRoot)) {
      seen.set(stat.pid, stat);
      const list = children.get(stat.ppid);
      if (list) list.push(stat.pid);
      else children.set(stat.ppid, [stat.pid]);
      if (stat.pgrp === this.rootPid) group.push(stat.pid);
    }
    const firstScan = this.lastScanAt === -Infinity;
    const root = seen.get(this.rootPid);
    if (firstScan) {
      // A root that exited before the first sample leaves only its group behind; the pid was ours
      // a moment ago, and no other process can take it while that group exists.
      this.rootStartTime = root?.startTime;
      this.followGroup = root ? root.pgrp === this.rootPid : group.length > 0;
    }
    // Another process holding the root's pid, or an empty group, means the number may have been reused.
    if (this.followGroup && ((root && this.rootStartTime !== undefined && root.startTime !== this.rootStartTime) || !group.length)) this.followGroup = false;

    const queue = [this.rootPid, ...this.members.keys(), ...(this.followGroup ? group : [])];
    const visited = new Set<number>();
    while (queue.length) {
      const pid = queue.pop()!;
      if (visited.has(pid)) continue;
      visited.add(pid);
      const stat = seen.get(pid);
      if (stat && !this.members.has(pid)) {
        // The root joins only on the first scan: a later process reusing its pid is not the run.
        if (pid !== this.rootPid || firstScan) {
          this.members.set(pid, { startTime: stat.startTime, ppid: stat.ppid, ticks: stat.ticks, rssPages: stat.rssPages });
        }
      }
      if (this.members.has(pid)) for (const child of children.get(pid) ?? []) queue.push(child);
    }
  }
}
