/**
 * Runs a short command with a hard time limit. Unlike `execFile`'s timeout,
 * the promise settles when the limit passes even if the child ignores
 * signals or leaves its output pipes open: a hung tool (nvidia-smi waiting on
 * a stuck driver) must never hang the run that asked it a question.
 *
 * The timers that bound a wait are ref'd: a CLI whose command has ended
 * awaits the meter's stop() with nothing else pending, and an unref'd timer
 * would let Node exit in the middle of that await, losing the run's record.
 */
import { spawn, type ChildProcess } from 'child_process';

export interface BoundedResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when killed or never started. */
  code: number | null;
  /** The spawn error (ENOENT: no such executable, EACCES: not executable). */
  error?: NodeJS.ErrnoException;
  timedOut: boolean;
}

export interface BoundedRun {
  result: Promise<BoundedResult>;
  /** Stops the child now (SIGKILL); the result then settles at once. */
  kill(): void;
}

/**
 * Starts `file args` and collects up to `maxBytes` of each output stream.
 * After `timeoutMs` the child gets SIGKILL and the result settles with
 * `timedOut: true` without waiting for the child to acknowledge.
 */
export function runBounded(file: string, args: string[], timeoutMs: number, maxBytes = 256 * 1024): BoundedRun {
  let child: ChildProcess | undefined;
  let settle: (r: BoundedResult) => void = () => undefined;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outBytes = 0;
  let errBytes = 0;
  let done = false;

  const finish = (code: number | null, error: NodeJS.ErrnoException | undefined, timedOut: boolean) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
    child?.stdout?.destroy();
    child?.stderr?.destroy();
    settle({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, error, timedOut });
  };

  const result = new Promise<BoundedResult>((resolve) => {
    settle = resolve;
  });
  // Not unref'd: whoever awaits the result must get it even when nothing else keeps Node alive.
  const timer = setTimeout(() => finish(null, undefined, true), timeoutMs);
  try {
    child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  } catch (e) {
    finish(null, e as NodeJS.ErrnoException, false);
    return { result, kill: () => undefined };
  }
  child.stdout!.on('data', (b: Buffer) => {
    if (outBytes < maxBytes) out.push(b);
    outBytes += b.length;
  });
  child.stderr!.on('data', (b: Buffer) => {
    if (errBytes < maxBytes) err.push(b);
    errBytes += b.length;
  });
  child.on('error', (e) => finish(null, e, false));
  // 'close' waits for the pipes too, so all output is in; the timer covers a child that never closes them.
  child.on('close', (code) => finish(code, undefined, false));
  return { result, kill: () => finish(null, undefined, false) };
}

/**
 * Settles with `promise`'s value, or with undefined after `ms`, whichever
 * comes first. The timer keeps Node alive while it runs and is cleared as
 * soon as `promise` settles, so it never holds a process for longer.
 */
export function waitAtMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
