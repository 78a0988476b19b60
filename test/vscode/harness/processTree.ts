/**
 * Stopping what the harness started, and only that: a process and every
 * process below it, found through /proc by parent id. Nothing is ever matched
 * by name, so other code-servers or browsers on the machine are left alone.
 */
import * as fs from 'fs';

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may itself contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined; // gone meanwhile
  }
}

/** `root` and all its descendants that are alive now, parents first. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ppid = parentOf(pid);
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const tree: number[] = [];
  const queue = isAlive(root) ? [root] : [];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; treat it as gone.
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/**
 * The harness starts servers `detached`, so each leads its own process group
 * whose id is the server's pid; signalling the group also reaches processes
 * whose parent died and which were re-parented out of the tree.
 */
function signalGroup(root: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-root, sig);
  } catch {
    // no such group (not started detached, or already gone)
  }
}

/**
 * SIGTERM to the whole tree, then SIGKILL to whatever is still alive after
 * `graceMs`. The tree is read before the first signal: once a parent dies its
 * children are re-parented and could no longer be found from `root`.
 */
export async function killTree(root: number, graceMs = 3000): Promise<number[]> {
  const pids = processTree(root);
  signal(pids, 'SIGTERM');
  signalGroup(root, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) await new Promise((r) => setTimeout(r, 50));
  // Children forked while we waited belong to the tree too.
  const rest = [...new Set([...pids.filter(isAlive), ...pids.flatMap((p) => processTree(p))])];
  signal(rest, 'SIGKILL');
  signalGroup(root, 'SIGKILL');
  return pids;
}

/** For `process.on('exit')`, where nothing asynchronous can run: SIGKILL the tree at once. */
export function killTreeSync(root: number): void {
  signal(processTree(root), 'SIGKILL');
  signalGroup(root, 'SIGKILL');
}

const owned = new Set<number>();
let handlersInstalled = false;
let handleSignals = true;

/**
 * A script with its own SIGINT/SIGTERM handler (scripts/start.js) turns ours off and stops
 * its servers itself; the 'exit' hook still kills whatever it leaves behind.
 */
export function setSignalHandling(enabled: boolean): void {
  handleSignals = enabled;
}

/**
 * Remembers a process tree the harness must stop even if a test throws, the
 * runner is interrupted (Ctrl+C, SIGTERM) or exits early.
 */
export function ownProcess(pid: number): void {
  owned.add(pid);
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const p of owned) killTreeSync(p);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      if (!handleSignals) return;
      void (async () => {
        for (const p of [...owned]) await killTree(p, 2000);
        owned.clear();
        process.exit(sig === 'SIGINT' ? 130 : 143);
      })();
    });
  }
}

export function disownProcess(pid: number): void {
  owned.delete(pid);
}
