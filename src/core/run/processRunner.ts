/**
 * Starts the command of a profiled run in its own process group and stops it
 * the way a terminal user would: SIGINT (KeyboardInterrupt in Python, so the
 * script can clean up), then SIGTERM, then SIGKILL to the whole group after
 * grace periods. A group kill reaches DataLoader workers and other children,
 * so no orphan keeps burning energy after Stop.
 */
import { spawn } from 'child_process';

export interface ProcessRunOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
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

export interface RunningProcess {
  pid: number | undefined;
  exited: Promise<ProcessExit>;
  /** Stops the whole process group, escalating signals; resolves when the process has exited. */
  stop(grace?: StopGrace): Promise<ProcessExit>;
  /** True once stop() was called. */
  readonly stopRequested: boolean;
}

export function startProcess(options: ProcessRunOptions): RunningProcess {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    // Python buffers stdout when it is a pipe; unbuffered output makes progress visible live.
    env: { PYTHONUNBUFFERED: '1', ...(options.env ?? process.env) },
    // Its own process group, so signals reach every descendant and none reaches us.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (s: string) => options.onOutput?.(s, 'stdout'));
  child.stderr?.on('data', (s: string) => options.onOutput?.(s, 'stderr'));

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (err) => resolve({ exitCode: null, signal: null, spawnError: err }));
    // 'close' waits for the output pipes to drain, so no output line is lost; but a
    // grandchild that inherited the pipes may keep them open, so do not wait forever.
    child.once('close', (code, signal) => resolve({ exitCode: code, signal }));
    child.once('exit', (code, signal) => setTimeout(() => resolve({ exitCode: code, signal }), 2000).unref());
  });

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
  const within = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);

  return {
    pid: child.pid,
    exited,
    get stopRequested() {
      return stopRequested;
    },
    stop(grace = DEFAULT_GRACE) {
      stopRequested = true;
      stopping ??= (async () => {
        signalGroup('SIGINT');
        if (!(await within(grace.interruptMs))) {
          signalGroup('SIGTERM');
          if (!(await within(grace.terminateMs))) signalGroup('SIGKILL');
        }
        const result = await exited;
        // Children that ignored the signals and outlived the leader still belong to the group.
        signalGroup('SIGKILL');
        return result;
      })();
      return stopping;
    },
  };
}
