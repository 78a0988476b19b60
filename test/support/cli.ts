/**
 * The built CLI (`dist/cli.js`, bundled by scripts/build.js) spawned as a
 * child process, the way users and CI run it: exit codes, signals, pipes and
 * event-loop exits are real, which in-process `main()` calls inside mocha hide.
 * `npm test` builds dist/ before the unit tests; run `npm run build` first
 * when running mocha alone.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from './paths';

/** The path of the bundled CLI; throws with the command to run when it is not built. */
export function cliPath(): string {
  const file = path.join(projectRoot(), 'dist', 'cli.js');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run 'npm run build' first (npm test does it)`);
  return file;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallS: number;
}

/** Runs `node dist/cli.js ...args` to the end and collects its output. */
export function runCliProcess(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string }): Promise<CliResult> {
  const t0 = performance.now();
  const child = spawnCli(args, { cwd: options.cwd, env: options.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  if (options.input !== undefined) child.stdin!.end(options.input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`greenlens ${args.join(' ')} did not end within ${options.timeoutMs ?? 60000} ms; stderr so far:\n${stderr}`));
    }, options.timeoutMs ?? 60000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, wallS: (performance.now() - t0) / 1000 });
    });
  });
}

/** Starts `node dist/cli.js ...args` and hands back the child, for tests that signal it or close its pipes. */
export function spawnCli(args: string[], options: SpawnOptions & { cwd: string }): ChildProcess {
  return spawn(process.execPath, [cliPath(), ...args], { ...options, env: options.env ?? process.env });
}

/** Whether a process with this pid exists (and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const r = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  return !r.stdout.trim().startsWith('Z');
}
