/**
 * /proc parsing and the process-tree CPU time that attribution rests on,
 * against a hand-made /proc where every tick is known.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { listProcessGroup, parseCpuInfo, parseMemInfo, parsePidStat, parseProcStatCpu, ProcessTreeTracker } from '../../src/core/energy/procStat';
import { FakeProc, sleep, tempDir } from './energyFakes';

/** Writes /proc/<pid>/stat with a process group and a state, which FakeProc leaves at 0 and R. */
function setGroupPid(proc: FakeProc, pid: number, p: { ppid: number; pgrp: number; ticks: number; state?: string; start?: number }): void {
  const f: (string | number)[] = new Array(52).fill(0);
  f[0] = pid;
  f[1] = '(sh)';
  f[2] = p.state ?? 'S';
  f[3] = p.ppid;
  f[4] = p.pgrp;
  f[13] = p.ticks;
  f[21] = p.start ?? 1000 + pid;
  fs.mkdirSync(path.join(proc.root, String(pid)), { recursive: true });
  fs.writeFileSync(path.join(proc.root, String(pid), 'stat'), f.join(' ') + '\n');
}

describe('energy/procStat parsing', () => {
  it('reads /proc/<pid>/stat even when the command name holds spaces and parentheses', () => {
    const text = '4242 (my (weird) cmd) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 98765 1000000 512 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n';
    assert.deepStrictEqual(parsePidStat(text), { pid: 4242, state: 'S', ppid: 17, pgrp: 4242, ticks: 250 + 50 + 7 + 3, ownTicks: 300, startTime: 98765, rssPages: 512 });
    assert.strictEqual(parsePidStat('garbage'), undefined);
  });

  it('reads the machine ticks from /proc/stat, steal apart', () => {
    const t = parseProcStatCpu('cpu  100 5 20 800 10 1 2 30 0 0\ncpu0 1 2 3 4\n');
    assert.deepStrictEqual(t, { total: 968, idle: 810, steal: 30 });
    assert.throws(() => parseProcStatCpu('intr 1 2 3\n'));
    assert.throws(() => parseProcStatCpu('cpu  a b c d\n'));
  });

  it('reads model, threads, sockets and the hypervisor flag from /proc/cpuinfo', () => {
    const text = ['processor\t: 0', 'model name\t: AMD EPYC 7B12 64-Core Processor', 'physical id\t: 0', 'flags\t\t: fpu vme hypervisor lahf_lm', '', 'processor\t: 1', 'model name\t: AMD EPYC 7B12 64-Core Processor', 'physical id\t: 1', 'flags\t\t: fpu vme hypervisor lahf_lm', ''].join('\n');
    assert.deepStrictEqual(parseCpuInfo(text), { modelName: 'AMD EPYC 7B12 64-Core Processor', threads: 2, sockets: 2, virtualMachine: true });
    assert.strictEqual(parseCpuInfo('processor : 0\nflags : fpu hypervisorx\n').virtualMachine, false);
  });

  it('reads /proc/meminfo in bytes', () => {
    assert.deepStrictEqual(parseMemInfo('MemTotal:  1000 kB\nMemFree:  10 kB\nMemAvailable:   400 kB\n'), { totalBytes: 1024000, availableBytes: 409600 });
    assert.throws(() => parseMemInfo('nothing'));
  });
});

describe('energy/procStat ProcessTreeTracker', () => {
  let proc: FakeProc;
  beforeEach(() => {
    proc = new FakeProc(tempDir('proc'));
    proc.setPid(1, { ppid: 0, ticks: 5000 });
    proc.setPid(100, { ppid: 1, ticks: 10 });
    proc.setPid(101, { ppid: 100, ticks: 20, rssPages: 10 });
    proc.setPid(102, { ppid: 101, ticks: 30 });
    proc.setPid(200, { ppid: 1, ticks: 999 });
  });
  afterEach(() => fs.rmSync(proc.root, { recursive: true, force: true }));

  const tracker = (discoveryMs = 0) => new ProcessTreeTracker(proc.root, 100, 4096, discoveryMs);

  it('sums the root and all its descendants, and nothing else', () => {
    const s = tracker().sample(0);
    assert.strictEqual(s.ticks, 60);
    assert.deepStrictEqual(s.pids.sort(), [100, 101, 102]);
    assert.strictEqual(s.rssBytes, 10 * 4096);
    assert.strictEqual(s.rootAlive, true);
  });

  it('carries on unbroken when a child exits and its parent reaps it (cutime)', () => {
    const t = tracker();
    t.sample(0);
    proc.setPid(102, { ppid: 101, ticks: 45 });
    assert.strictEqual(t.sample(1).ticks, 75);
    // 102 exits with 50 ticks; 101 reaps it, so 101's cutime now holds them.
    proc.removePid(102);
    proc.setPid(101, { ppid: 100, ticks: 20, childTicks: 50 });
    assert.strictEqual(t.sample(2).ticks, 80);
  });

  it('counts children that lived and died between two samples through their parent', () => {
    const t = tracker();
    t.sample(0);
    proc.setPid(100, { ppid: 1, ticks: 10, childTicks: 400 });
    assert.strictEqual(t.sample(1).ticks, 460);
  });

  it('remembers the last time of a member that leaves with no member parent (root, orphans)', () => {
    const t = tracker();
    t.sample(0);
    // 101 dies; 100 reaps it (20 own ticks), 102 is re-parented to init and keeps running.
    proc.removePid(101);
    proc.setPid(100, { ppid: 1, ticks: 10, childTicks: 20 });
    proc.setPid(102, { ppid: 1, ticks: 70 });
    assert.strictEqual(t.sample(1).ticks, 100, 'the orphan stays a member');
    // init reaps the orphan: its last seen 70 ticks are kept.
    proc.removePid(102);
    assert.strictEqual(t.sample(2).ticks, 100);
    // The root exits too (its parent, the runner, is not in the tree).
    proc.setPid(100, { ppid: 1, ticks: 15, childTicks: 20 });
    assert.strictEqual(t.sample(3).ticks, 105);
    proc.removePid(100);
    const s = t.sample(4);
    assert.strictEqual(s.ticks, 105);
    assert.strictEqual(s.rootAlive, false);
    assert.deepStrictEqual(s.pids, []);
  });

  it('counts a grandchild once when it and its parent leave in the same interval', () => {
    const t = tracker();
    t.sample(0);
    // 102 exits, 101 reaps it and exits, 100 reaps 101: all of it is in 100's cutime now.
    proc.removePid(102);
    proc.removePid(101);
    proc.setPid(100, { ppid: 1, ticks: 10, childTicks: 55 });
    assert.strictEqual(t.sample(1).ticks, 65);
  });

  it('takes the root\'s final time from its parent\'s cutime when the meter\'s process reaps it', () => {
    // Process 50 stands for the meter's own process, the runner that spawned the root.
    proc.setPid(50, { ppid: 1, ticks: 7, childTicks: 1000 });
    proc.setPid(100, { ppid: 50, ticks: 10 });
    const t = new ProcessTreeTracker(proc.root, 100, 4096, 0, 50);
    assert.strictEqual(t.sample(0).ticks, 60);
    // The children finish and the root reaps them, then exits; the runner reaps the root,
    // whose whole time (10 own + 150 from its children) lands in the runner's cutime.
    proc.removePid(101);
    proc.removePid(102);
    proc.removePid(100);
    proc.setPid(50, { ppid: 1, ticks: 9, childTicks: 1160 });
    assert.strictEqual(t.sample(1).ticks, 160);
  });

  it('never goes back when a child vanishes a moment before its parent shows it', () => {
    const t = tracker();
    t.sample(0);
    proc.removePid(102);
    assert.strictEqual(t.sample(1).ticks, 60, 'held, not 30');
    proc.setPid(101, { ppid: 100, ticks: 20, childTicks: 35 });
    assert.strictEqual(t.sample(2).ticks, 65);
  });

  it('does not mistake a new process that reuses a member pid for the member', () => {
    const t = tracker();
    t.sample(0);
    proc.setPid(101, { ppid: 1, ticks: 5000, start: 777777 });
    proc.setPid(102, { ppid: 1, ticks: 30 });
    proc.setPid(100, { ppid: 1, ticks: 10, childTicks: 20 });
    const s = t.sample(1);
    assert.strictEqual(s.ticks, 60);
    assert.deepStrictEqual(s.pids.sort(), [100, 102]);
  });

  it('finds new descendants at the next scan, with their whole CPU time', () => {
    const t = tracker(1000);
    t.sample(0);
    proc.setPid(103, { ppid: 100, ticks: 40 });
    assert.strictEqual(t.sample(500).ticks, 60, 'between scans only members are read');
    assert.strictEqual(t.sample(1000).ticks, 100);
  });

  it('follows the children lists between scans', () => {
    const t = tracker(60_000);
    t.sample(0);
    proc.setPid(103, { ppid: 101, ticks: 40 });
    proc.setPid(104, { ppid: 103, ticks: 5 });
    proc.setChildren(101, [102, 103]);
    proc.setChildren(103, [104]);
    // A stale list entry whose ppid no longer matches is not taken.
    proc.setChildren(102, [200]);
    const s = t.sample(500);
    assert.strictEqual(s.ticks, 105);
    assert.deepStrictEqual(s.pids.sort(), [100, 101, 102, 103, 104]);
  });

  it("follows the root's process group: a background grandchild adopted by init is found when the root exits", () => {
    setGroupPid(proc, 300, { ppid: 1, pgrp: 300, ticks: 10 });
    const t = new ProcessTreeTracker(proc.root, 300, 4096, 60_000);
    assert.deepStrictEqual(t.sample(0).pids, [300]);
    // The root's child started `sleep &` and exited before any sample saw it: the sleep's parent is init now.
    setGroupPid(proc, 301, { ppid: 1, pgrp: 300, ticks: 70 });
    setGroupPid(proc, 400, { ppid: 1, pgrp: 400, ticks: 900 });
    assert.deepStrictEqual(t.sample(100).pids, [300], 'between scans only members are read');
    // The root exits: a scan at once finds what its group left behind, with its whole CPU time.
    proc.removePid(300);
    let s = t.sample(200);
    assert.deepStrictEqual(s.pids, [301]);
    assert.strictEqual(s.ticks, 10 + 70);
    assert.strictEqual(s.rootAlive, false);
    // The group empties; later a process that took the number leads a new group of that id: not the run.
    proc.removePid(301);
    assert.deepStrictEqual(t.sample(60_000).pids, []);
    setGroupPid(proc, 300, { ppid: 1, pgrp: 300, ticks: 5, start: 99999 });
    setGroupPid(proc, 302, { ppid: 300, pgrp: 300, ticks: 5 });
    s = t.sample(120_000);
    assert.deepStrictEqual(s.pids, []);
    assert.strictEqual(s.ticks, 80);
  });

  it('follows the group of a root that exited before the first sample', () => {
    setGroupPid(proc, 301, { ppid: 1, pgrp: 300, ticks: 70 });
    const s = new ProcessTreeTracker(proc.root, 300, 4096, 60_000).sample(0);
    assert.deepStrictEqual(s.pids, [301]);
    assert.strictEqual(s.ticks, 70);
  });

  it("does not follow the group of a root that does not lead its own (its parent's group)", () => {
    setGroupPid(proc, 300, { ppid: 50, pgrp: 50, ticks: 10 });
    setGroupPid(proc, 301, { ppid: 1, pgrp: 50, ticks: 70 });
    const t = new ProcessTreeTracker(proc.root, 300, 4096, 0);
    assert.deepStrictEqual(t.sample(0).pids, [300]);
    proc.removePid(300);
    assert.deepStrictEqual(t.sample(1).pids, []);
  });

  it('reads nothing when the root does not exist', () => {
    const s = new ProcessTreeTracker(proc.root, 9999, 4096, 0).sample(0);
    assert.deepStrictEqual(s, { ticks: 0, rssBytes: 0, pids: [], rootAlive: false });
    assert.ok(fs.existsSync(path.join(proc.root, 'stat')));
  });
});

describe('energy/procStat listProcessGroup', () => {
  it('lists the live processes of a group, zombies excluded', () => {
    const proc = new FakeProc(tempDir('pgrp'));
    try {
      setGroupPid(proc, 300, { ppid: 1, pgrp: 300, ticks: 0 });
      setGroupPid(proc, 305, { ppid: 1, pgrp: 300, ticks: 0, state: 'S' });
      setGroupPid(proc, 302, { ppid: 300, pgrp: 300, ticks: 0, state: 'Z' });
      setGroupPid(proc, 400, { ppid: 1, pgrp: 400, ticks: 0 });
      assert.deepStrictEqual(listProcessGroup(300, proc.root), [300, 305]);
      assert.deepStrictEqual(listProcessGroup(999, proc.root), []);
    } finally {
      fs.rmSync(proc.root, { recursive: true, force: true });
    }
  });
});

describe('energy/procStat with real process groups', function () {
  this.timeout(10000);
  let dir: string;
  let leader: number | undefined;
  beforeEach(() => {
    dir = tempDir('pgrp-real');
  });
  afterEach(() => {
    // Everything these tests start is in the group they started.
    if (leader !== undefined) {
      try {
        process.kill(-leader, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    leader = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const until = async (what: () => boolean, ms = 3000) => {
    for (const end = Date.now() + ms; !what() && Date.now() < end; ) await sleep(20);
    return what();
  };

  it('lists a detached command and its background children, and nothing once they are gone', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    leader = child.pid!;
    assert.ok(await until(() => listProcessGroup(leader!).length === 3), `group: ${listProcessGroup(leader)}`);
    assert.ok(listProcessGroup(leader).includes(leader));
    process.kill(-leader, 'SIGKILL');
    assert.ok(await until(() => listProcessGroup(leader!).length === 0), `left: ${listProcessGroup(leader)}`);
  });

  it('meters a background grandchild whose parent exited before any sample saw it', async () => {
    const pidFile = path.join(dir, 'orphan');
    // The subshell starts the sleep and exits at once: the sleep is adopted by init, still in the group.
    const child = spawn('/bin/sh', ['-c', `sleep 0.3; (sleep 30 & echo $! > ${pidFile}); sleep 0.3`], { detached: true, stdio: 'ignore' });
    leader = child.pid!;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const tracker = new ProcessTreeTracker('/proc', leader, 4096, 60_000);
    let s = tracker.sample(0);
    for (let t = 100; t <= 3000 && s.rootAlive; t += 100) {
      await sleep(100);
      s = tracker.sample(t);
    }
    await exited;
    s = tracker.sample(3100);
    const orphan = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.ok(orphan > 0);
    assert.strictEqual(s.rootAlive, false);
    assert.deepStrictEqual(s.pids, [orphan], 'the orphan is metered');
    assert.deepStrictEqual(listProcessGroup(leader), [orphan]);
  });
});
