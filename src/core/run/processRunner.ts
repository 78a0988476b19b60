/**
 * Starts the command of a profiled run in its own process group and stops it
 * the way a terminal user would: SIGINT (KeyboardInterrupt in Python, so the
 * script can clean up), then SIGTERM, then SIGKILL to the whole group after
 * grace periods. A group kill reaches DataLoader workers and other children,
 * so no orphan keeps burning energy after Stop.
 *
 * Output is forwarded to `sinks` with backpressure: when a sink cannot take
 * more (a slow reader on the other end of a pipe), the command's pipe is no
 * longer read, so the command blocks on its next write exactly as it would
 * without GreenLens in between, and nothing piles up in our memory. When a
 * sink closes (`greenlens run … | head -1`), the command's pipe is closed
 * too, so the command sees EPIPE/SIGPIPE on its next write, as it would.
 */
import { spawn } from 'child_process';
import { listProcessGroup } from '../energy/procStat';

/** Where the command's output goes: a Node writable stream (process.stdout) or anything shaped like it. */
export interface OutputSink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  removeListener(event: 'drain', listener: () => void): unknown;
}

export interface ProcessRunOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Every chunk of output as text, for progress parsing and terminals (called before it is forwarded). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Streams the output is forwarded to, with backpressure. */
  sinks?: { stdout?: OutputSink; stderr?: OutputSink };
  /** Called once when a sink closes (EPIPE); the command's pipe is closed with it. */
  onSinkClosed?: (stream: 'stdout' | 'stderr', error: NodeJS.ErrnoException) => void;
}

export interface ProcessExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the command could not be started at all (e.g. ENOENT). */
  spawnError?: Error;
}

export interface StopGrace {
  /** Wait after SIGINT before SIGTERM. */
  interruptMs: number;
  /** Wait after SIGTERM before SIGKILL. */
  terminateMs: number;
}

export const DEFAULT_GRACE: StopGrace = { interruptMs: 3000, terminateMs: 3000 };

/** How long processes left in the group get after SIGTERM before SIGKILL. */
export const LEFTOVER_GRACE_MS = 2000;

export interface LeftoverResult {
  /** Pids still in the command's process group after it exited, that GreenLens stopped. */
  stopped: number[];
  /** Of those, the ones that needed SIGKILL. */
  killed: number[];
}

export interface RunningProcess {
  pid: number | undefined;
  /** Resolves when the command itself (the group leader) has exited. */
  exited: Promise<ProcessExit>;
  /** Stops the whole process group, escalating signals; resolves when the leader has exited. */
  stop(grace?: StopGrace, firstSignal?: NodeJS.Signals): Promise<ProcessExit>;
  /** SIGKILL to the whole group now (a second Ctrl+C). */
  kill(): void;
  /** True once stop() or kill() was called. */
  readonly stopRequested: boolean;
  /**
   * After the leader exited: stops what is left in its process group
   * (SIGTERM, then SIGKILL after `graceMs`), then waits a bounded time for
   * the output pipes to drain and closes them, so a process that escaped the
   * group (setsid) and still holds them cannot keep us waiting.
   */
  finish(graceMs?: number): Promise<LeftoverResult>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function startProcess(options: ProcessRunOptions): RunningProcess {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    // Python buffers stdout when it is a pipe; unbuffered output makes progress visible live.
    env: { PYTHONUNBUFFERED: '1', ...(options.env ?? process.env) },
    // Its own process group, so signals reach every descendant and none reaches us.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  const forward = (stream: 'stdout' | 'stderr') => {
    const source = child[stream];
    const sink = options.sinks?.[stream];
    if (!source) return;
    let closed = false;
    source.on('data', (chunk: Buffer) => {
      options.onOutput?.(decoders[stream].decode(chunk, { stream: true }), stream);
      if (!sink || closed) return;
      if (!sink.write(chunk)) {
        // The reader is slower than the command: stop reading until it catches up.
        source.pause();
        const resume = () => source.resume();
        sink.once('drain', resume);
      }
    });
    source.on('error', () => undefined);
    sink?.on('error', (error) => {
      if (closed) return;
      closed = true;
      // Close the command's end too, so its next write fails as without GreenLens. Node gives
      // the child a socket pair, not a pipe: closing it with unread data would reset the
      // connection (ECONNRESET), so what is queued is read and dropped first, and the next
      // write then gets EPIPE/SIGPIPE like a closed pipe.
      source.resume();
      setImmediate(() => source.destroy());
      options.onSinkClosed?.(stream, error);
    });
  };
  forward('stdout');
  forward('stderr');

  let leaderExit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (err) => resolve((leaderExit = { exitCode: null, signal: null, spawnError: err })));
    child.once('exit', (code, signal) => resolve((leaderExit = { exitCode: code, signal })));
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  let stopRequested = false;
  let stopping: Promise<ProcessExit> | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const within = (ms: number) => Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);

  return {
    pid: child.pid,
    exited,
    get stopRequested() {
      return stopRequested;
    },
    stop(grace = DEFAULT_GRACE, firstSignal: NodeJS.Signals = 'SIGINT') {
      stopRequested = true;
      stopping ??= (async () => {
        if (leaderExit) return leaderExit;
        signalGroup(firstSignal);
        if (!(await within(firstSignal === 'SIGINT' ? grace.interruptMs : grace.terminateMs))) {
          if (firstSignal === 'SIGINT') {
            signalGroup('SIGTERM');
            if (!(await within(grace.terminateMs))) signalGroup('SIGKILL');
          } else signalGroup('SIGKILL');
        }
        return exited;
      })();
      return stopping;
    },
    kill() {
      stopRequested = true;
      signalGroup('SIGKILL');
    },
    async finish(graceMs = LEFTOVER_GRACE_MS) {
      await exited;
      const result: LeftoverResult = { stopped: [], killed: [] };
      if (child.pid !== undefined) {
        // Give processes that are exiting with their parent (DataLoader workers) a moment to go by themselves.
        let left = listProcessGroup(child.pid);
        for (let waited = 0; left.length && waited < 300; waited += 50) {
          await sleep(50);
          left = listProcessGroup(child.pid);
        }
        if (left.length) {
          result.stopped = left;
          signalGroup('SIGTERM');
          for (let waited = 0; waited < graceMs; waited += 50) {
            await sleep(50);
            if (!listProcessGroup(child.pid).length) break;
          }
          result.killed = listProcessGroup(child.pid);
          if (result.killed.length) {
            signalGroup('SIGKILL');
            for (let waited = 0; waited < 1000 && listProcessGroup(child.pid).length; waited += 50) await sleep(50);
          }
        }
      }
      // 'close' waits for the pipes, so no output line is lost; but a process that left the
      // group (setsid) may hold them forever, so wait a bounded time, then close our ends.
      await Promise.race([closed, sleep(1000)]);
      child.stdout?.destroy();
      child.stderr?.destroy();
      return result;
    },
  };
}
