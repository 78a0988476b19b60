import * as assert from 'assert';
import { startProcess } from '../../src/core/run/processRunner';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('process runner', () => {
  it('streams output and reports the exit code', async () => {
    let out = '';
    const p = startProcess({ command: process.execPath, args: ['-e', 'console.log("epoch 1/2"); console.error("warn"); process.exit(3)'], onOutput: (t) => (out += t) });
    const exit = await p.exited;
    assert.strictEqual(exit.exitCode, 3);
    assert.match(out, /epoch 1\/2/);
    assert.match(out, /warn/);
  });

  it('reports a command that cannot start', async () => {
    const p = startProcess({ command: '/nonexistent/python3', args: [] });
    const exit = await p.exited;
    assert.ok(exit.spawnError);
    assert.match(String(exit.spawnError), /ENOENT/);
  });

  it('stops a process that traps SIGINT and SIGTERM, children included, with SIGKILL', async function () {
    this.timeout(10000);
    let out = '';
    // The parent ignores INT and TERM and starts a child that does too.
    const script = `
      const { spawn } = require('child_process');
      process.on('SIGINT', () => {}); process.on('SIGTERM', () => {});
      const c = spawn(process.execPath, ['-e', "process.on('SIGINT',()=>{});process.on('SIGTERM',()=>{});setInterval(()=>{},1000)"], { stdio: 'ignore' });
      console.log('child ' + c.pid);
      setInterval(() => {}, 1000);`;
    const p = startProcess({ command: process.execPath, args: ['-e', script], onOutput: (t) => (out += t) });
    while (!/child \d+/.test(out)) await new Promise((r) => setTimeout(r, 20));
    const childPid = Number(/child (\d+)/.exec(out)![1]);
    const started = Date.now();
    const exit = await p.stop({ interruptMs: 200, terminateMs: 200 });
    assert.strictEqual(exit.signal, 'SIGKILL');
    assert.ok(Date.now() - started < 5000);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!alive(childPid), 'the grandchild is gone too');
  });

  it('lets a script handle SIGINT and exit cleanly', async () => {
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    const p = startProcess({ command: process.execPath, args: ['-e', 'process.on("SIGINT", () => process.exit(130)); console.log("ready"); setInterval(() => {}, 1000)'], onOutput: (t) => t.includes('ready') && ready() });
    // Its handler is in place once it says so (a loaded machine may take seconds to start Node).
    await isReady;
    const exit = await p.stop();
    assert.strictEqual(exit.exitCode, 130);
  });
});
