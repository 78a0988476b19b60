/**
 * `await meter.stop()` must finish in a process that has nothing else to do.
 * The long-lived nvidia-smi and its pipes are unref'd (they must not keep a
 * finished CLI alive), so if the timers that bound stop() were unref'd too,
 * Node would find nothing pending while stop() waits for nvidia-smi to exit
 * and quit mid-await: no report, exit code 0. Mocha's own event loop hides
 * that, so the meter runs here in a separate Node process.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fixturePath } from '../support/paths';
import { alive, tempDir } from './energyFakes';

/** Runs `script` in a fresh Node and collects what it prints. */
function runNode(script: string, env: NodeJS.ProcessEnv, timeoutMs = 15000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the script did not end within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('meter.stop() in a process with nothing else pending', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('meter-stop');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const mode of ['normal', 'stuck'] as const) {
    it(`completes and prints the report after the await (fake nvidia-smi "${mode}")`, async () => {
      const smi = fixturePath('energy', `nvidia-smi-${mode}`);
      fs.chmodSync(smi, 0o755);
      const pidFile = path.join(dir, 'pids');
      // Only the meter is left once the sleep is over: its interval timer is unref'd, and so
      // are nvidia-smi and its pipes; what keeps Node alive through stop() must be stop() itself.
      const script = `
        const { startMeter } = require(${JSON.stringify(require.resolve('../../src/core/energy/meter'))});
        (async () => {
          const meter = await startMeter({ pid: process.pid, intervalMs: 100, nvidiaSmiPath: ${JSON.stringify(smi)}, powercapRoot: ${JSON.stringify(path.join(dir, 'none'))}, killGraceMs: 300 });
          await new Promise((r) => setTimeout(r, 600));
          const report = await meter.stop();
          console.log('REPORT ' + JSON.stringify({ gpus: report.gpus.map((g) => g.energyJ), durationS: report.durationS }));
        })();`;
      const r = await runNode(script, { ...process.env, FAKE_SMI_PIDFILE: pidFile });
      assert.strictEqual(r.code, 0, r.stderr);
      const line = r.stdout.split('\n').find((l) => l.startsWith('REPORT '));
      assert.ok(line, `no report printed: the process exited mid-await. stdout: ${JSON.stringify(r.stdout)} stderr: ${r.stderr}`);
      const report = JSON.parse(line.slice('REPORT '.length)) as { gpus: number[]; durationS: number };
      assert.strictEqual(report.gpus.length, 2, 'both fake GPUs measured');
      assert.ok(report.gpus[0] > 0 && report.durationS >= 0.6, line);
      // Every nvidia-smi the meter started is gone, the long-lived one included.
      const pids = fs.readFileSync(pidFile, 'utf8').trim().split('\n');
      assert.ok(pids.some((l) => l.startsWith('loop ')), pids.join(', '));
      for (const l of pids) assert.ok(!alive(Number(l.split(' ')[1])), `${l} still runs`);
    });
  }
});
