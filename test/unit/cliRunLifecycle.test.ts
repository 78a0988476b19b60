/**
 * `greenlens run` as users and CI run it: the bundled dist/cli.js spawned as a
 * child process, so its exit code, signals, pipes and event loop are real.
 * Each fault here lost a run or an exit code before the lifecycle owned the
 * process until the record was written (issue 9).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { RunRecord } from '../../src/core/history/runRecord';
import { readHistory, readRun } from '../../src/core/history/runStore';
import { processAlive, runCliProcess, spawnCli } from '../support/cli';
import { fakeSmi, sleep, tempDir } from './energyFakes';

/** Waits until `file` exists and has content, and returns it. */
async function waitForFile(file: string, timeoutMs = 10000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file, 'utf8').trim();
      if (text) return text;
    }
    await sleep(50);
  }
  throw new Error(`${file} did not appear within ${timeoutMs} ms`);
}

function onlyRun(dir: string): RunRecord {
  const history = readHistory(dir);
  assert.deepStrictEqual(history.warnings, []);
  assert.strictEqual(history.runs.length, 1, `one run in ${dir}`);
  const record = readRun(dir, history.runs[0].runId);
  assert.ok(record, 'the run has its JSON record');
  return record;
}

function closed(child: import('child_process').ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

describe('greenlens run, spawned as users run it', function () {
  this.timeout(60000);
  let dir: string;
  const started: number[] = [];
  beforeEach(() => {
    dir = tempDir('cli-run');
  });
  afterEach(() => {
    // Anything a failed test left behind, by the pids it recorded.
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone, as it should be.
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes the exit code through and records the run on a machine where nvidia-smi answers', async () => {
    const r = await runCliProcess(['run', '--interval', '200', '--nvidia-smi', fakeSmi('normal'), '--', 'sh', '-c', 'sleep 1; exit 3'], { cwd: dir });
    assert.strictEqual(r.code, 3, r.stderr);
    assert.match(r.stderr, /GreenLens run \w+ failed \(exit 3\)/);
    const record = onlyRun(path.join(dir, '.greenlens'));
    assert.strictEqual(record.status, 'failed');
    assert.strictEqual(record.exitCode, 3);
    const gpu = record.energy.components.find((c) => c.component === 'gpu');
    assert.ok(gpu && gpu.provenance === 'measured' && gpu.machineEnergyKWh! > 0, JSON.stringify(record.energy.components));
  });

  it('closes the command\'s pipe when its own stdout closes (| head -1), and still records the run', async () => {
    // A training script's rhythm: a line every 50 ms, forever.
    const child = spawnCli(['run', '--interval', '200', '--', 'sh', '-c', 'while :; do echo step; sleep 0.05; done'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // Like \`head -1\`: read a line, then go away.
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.stdout!.destroy();
    const end = await closed(child);
    // The shell died of SIGPIPE on its next echo, as it would in \`… | head -1\`: 128 + 13.
    assert.strictEqual(end.code, 141, stderr);
    const record = onlyRun(path.join(dir, '.greenlens'));
    assert.strictEqual(record.signal, 'SIGPIPE');
    assert.strictEqual(record.status, 'killed');
    assert.ok(record.durationS > 0);
  });

  it('on SIGHUP (terminal closed) stops the whole command and records it as cancelled', async () => {
    const pidFile = path.join(dir, 'pid');
    const child = spawnCli(['run', '--interval', '200', '--', 'sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`], { cwd: dir, stdio: 'ignore' });
    const grandchild = Number(await waitForFile(pidFile));
    started.push(grandchild);
    const end = closed(child);
    child.kill('SIGHUP');
    const { code } = await end;
    assert.strictEqual(code, 129, 'the command died of the forwarded SIGHUP: 128 + 1');
    assert.ok(!processAlive(grandchild), `pid ${grandchild} must not outlive the run`);
    const record = onlyRun(path.join(dir, '.greenlens'));
    assert.strictEqual(record.status, 'cancelled');
    assert.strictEqual(record.stopSignal, 'SIGHUP');
  });

  it('on SIGINT during a slow nvidia-smi probe stops the command and records it', async () => {
    const pidFile = path.join(dir, 'pid');
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`;
    const child = spawnCli(['run', '--nvidia-smi', fakeSmi('hang'), '--', process.execPath, '-e', script], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const commandPid = Number(await waitForFile(pidFile));
    started.push(commandPid);
    const end = closed(child);
    child.kill('SIGINT');
    const { code } = await end;
    assert.strictEqual(code, 130, stderr);
    assert.ok(!processAlive(commandPid), 'the command was stopped');
    const record = onlyRun(path.join(dir, '.greenlens'));
    assert.strictEqual(record.status, 'cancelled');
    // The probe ends with the run: no waiting out nvidia-smi's 5 s limit.
    assert.ok(record.durationS < 4, `recorded after ${record.durationS} s`);
    assert.match(stderr, /The run was stopped before .*nvidia-smi-hang answered; GPUs are not measured/);
  });

  it('stops and counts processes the command left in its group, without waiting for them', async () => {
    const pidFile = path.join(dir, 'pid');
    const r = await runCliProcess(['run', '--interval', '200', '--', 'sh', '-c', `sleep 60 & echo $! > ${pidFile}; echo started; exit 0`], { cwd: dir, timeoutMs: 20000 });
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    started.push(grandchild);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.ok(r.wallS < 10, `the CLI waited ${r.wallS} s`);
    assert.ok(!processAlive(grandchild), 'the background grandchild was stopped');
    assert.match(r.stderr, /1 process still running in the command's process group after it exited/);
    const record = onlyRun(path.join(dir, '.greenlens'));
    assert.deepStrictEqual(record.leftovers, { stopped: 1, killed: 0 });
    assert.strictEqual(record.status, 'completed');
  });

  for (const [what, setUp, named] of [
    ['--output-dir is a file', (out: string) => fs.writeFileSync(out, 'x'), (out: string) => out],
    ['runs/ is a file', (out: string) => (fs.mkdirSync(out), fs.writeFileSync(path.join(out, 'runs'), 'x')), (out: string) => path.join(out, 'runs')],
    ['emissions.csv is a folder', (out: string) => fs.mkdirSync(path.join(out, 'emissions.csv'), { recursive: true }), (out: string) => path.join(out, 'emissions.csv')],
  ] as const) {
    it(`refuses to start when ${what}: exit 2, one line naming the path, the command not run`, async () => {
      const out = path.join(dir, 'out');
      setUp(out);
      const marker = path.join(dir, 'ran');
      const r = await runCliProcess(['run', '--output-dir', out, '--', 'touch', marker], { cwd: dir });
      assert.strictEqual(r.code, 2);
      assert.strictEqual(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(r.stderr.includes(named(out)), r.stderr);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assert.ok(!fs.existsSync(marker), 'the command did not run');
    });
  }

  it('leaves no history folder behind when the command cannot start', async () => {
    const r = await runCliProcess(['run', '--', path.join(dir, 'no-such-python3'), 'train.py'], { cwd: dir });
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /cannot start .*no-such-python3/);
    assert.ok(!fs.existsSync(path.join(dir, '.greenlens')), 'nothing ran, so nothing is written');
  });

  it('refuses an output folder under a file, naming the file', async () => {
    fs.writeFileSync(path.join(dir, 'afile'), 'x');
    const r = await runCliProcess(['run', '--output-dir', 'afile/history', '--', 'true'], { cwd: dir });
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /afile\/history cannot be created: .*afile is not a folder/);
  });

  it('when the history cannot be written at the end, saves the record elsewhere and keeps the exit code', async () => {
    const out = path.join(dir, 'out');
    // The command replaces its own history folder with a file, as a full disk would fail the write.
    const r = await runCliProcess(['run', '--output-dir', out, '--', 'sh', '-c', `sleep 0.5; rm -rf ${out}; echo x > ${out}; exit 4`], { cwd: dir });
    assert.strictEqual(r.code, 4, r.stderr);
    assert.match(r.stderr, /GreenLens run \w+ failed \(exit 4\)/, 'the full summary is printed');
    const saved = /the record was saved to (\S+) instead/.exec(r.stderr);
    assert.ok(saved, r.stderr);
    const record = JSON.parse(fs.readFileSync(saved[1], 'utf8')) as RunRecord;
    fs.rmSync(saved[1]);
    assert.strictEqual(record.exitCode, 4);
    assert.ok(record.energy.totalKWh > 0);
  });

  for (const [args, said] of [
    [['run', 'python3', 'x.py'], /put the command after '--'/],
    [['run', '--bogus', '--', 'true'], /Unknown option '--bogus'/i],
    [['run', '--pue', '-1', '--', 'true'], /--pue/],
    [['run', '--pue', '0.5', '--', 'true'], /--pue is at least 1/],
    [['check', '--bogus'], /Unknown option '--bogus'/i],
  ] as const) {
    it(`greenlens ${args.join(' ')}: a usage message and exit 2, never a stack`, async () => {
      const r = await runCliProcess([...args], { cwd: dir });
      assert.strictEqual(r.code, 2, r.stderr);
      assert.match(r.stderr, said);
      assert.match(r.stderr, /--help' for usage/);
      assert.doesNotMatch(r.stderr, /internal error|TypeError|\n\s+at /);
      assert.ok(!fs.existsSync(path.join(dir, '.greenlens', 'emissions.csv')), 'nothing ran, nothing recorded');
    });
  }

  it('forwards output with backpressure: a slow reader does not grow GreenLens\'s memory', async function () {
    this.timeout(90000);
    const totalMb = 200;
    const script = `const b = Buffer.alloc(1 << 16, 97); let n = 0; const total = ${totalMb * 16}; (function w() { while (n < total) { n++; if (!process.stdout.write(b)) return process.stdout.once('drain', w); } })();`;
    const child = spawnCli(['run', '--interval', '500', '--', process.execPath, '-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let received = 0;
    child.stdout!.on('data', (b: Buffer) => (received += b.length));
    child.stdout!.pause();
    // Reader stalled for 3 s while the command tries to write 200 MB.
    let peakRssKb = 0;
    for (let i = 0; i < 30; i++) {
      await sleep(100);
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakRssKb = Math.max(peakRssKb, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
    }
    child.stdout!.resume();
    const end = await closed(child);
    assert.strictEqual(end.code, 0);
    assert.strictEqual(received, totalMb * 1024 * 1024, 'every byte arrived');
    assert.ok(peakRssKb < 150 * 1024, `GreenLens's resident memory while the reader stalled: ${Math.round(peakRssKb / 1024)} MB`);
  });
});
