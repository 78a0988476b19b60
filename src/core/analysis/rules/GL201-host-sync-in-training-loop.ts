import type { CallFact, Facts, LoopFact } from '../facts';
import { acceleratorMaybe } from '../gpuEvidence';
import type { Rule, RuleReport } from '../rule';
import { innermostLoop, loopMembers, usesCuda } from '../ruleHelpers';
import { stepLoops } from '../training';
import type { Range } from '../types';

/** Methods that copy a tensor to the host; once a value is on the host, the next one in a chain copies nothing. */
const SYNC_METHODS = new Set(['item', 'cpu', 'numpy', 'tolist']);

const SOURCE = 'Source: PyTorch Performance Tuning Guide, "Avoid unnecessary CPU-GPU synchronization".';
const MEASURE =
  'What one sync costs is the GPU idle gap it leaves on each step, which depends on the model and the CPU: measure it by timing 100 steps with and without this line (call `torch.cuda.synchronize()` before reading the clock), or look for gaps between kernels in a `torch.profiler` trace.';

/**
 * A guard such as `if step % k == 0`, `if (i == 0) or ((i + 1) % k == 0)` or
 * `if iter_num % log_interval == 0 and master_process` makes the sync happen
 * once per k steps, which is how logging should be done.
 */
function isPeriodicGuard(condition: string): boolean {
  return /%/.test(condition) || /==/.test(condition);
}

/** Receivers of `.backward()` in a loop: the loss variables printing or `float()` would read. */
function lossNames(facts: Facts, loopId: number): Set<string> {
  const names = new Set<string>();
  for (const c of loopMembers(facts).calls[loopId]) {
    if (c.method === 'backward' && c.receiver && c.loopIds[c.loopIds.length - 1] === loopId) names.add(c.receiver);
  }
  return names;
}

function isSyncMethod(call: CallFact): boolean {
  return call.method !== undefined && SYNC_METHODS.has(call.method) && call.args.length === 0;
}

/** `.to("cpu")`: a copy to the host written as a move. */
function isToCpu(call: CallFact): boolean {
  return call.method === 'to' && call.args.length > 0 && call.args[0].literal === 'cpu';
}

/** Whether a call in the chain below this one (`x.cpu()` under `.numpy()`) already brought the value to the host. */
function receiverOnHost(facts: Facts, call: CallFact): boolean {
  for (let id = call.receiverCallId; id !== undefined; id = facts.calls[id].receiverCallId) {
    const below = facts.calls[id];
    if (isSyncMethod(below) || isToCpu(below)) return true;
  }
  return false;
}

/**
 * The call made on a call's result (`.numpy()` on `x.cpu()`), if any. Calls
 * are recorded outermost first among those starting at the same offset, so a
 * chain's next call is recorded just before the call it is made on.
 */
function chainedOn(facts: Facts, call: CallFact): CallFact | undefined {
  const next = facts.calls[call.id - 1];
  return next !== undefined && next.receiverCallId === call.id ? next : undefined;
}

interface Sync {
  /** What the user wrote, e.g. `.cpu().numpy()` or `float(<tensor>)`. */
  kind: string;
  range: Range;
  /** The last call of the chain: its result is what the code goes on to use. */
  last: CallFact;
}

/** The host sync a call starts, with the host-side calls chained after it folded in; undefined when it is none. */
function syncAt(facts: Facts, call: CallFact, losses: Set<string>): Sync | undefined {
  if (isSyncMethod(call)) {
    if (receiverOnHost(facts, call)) return undefined;
    let last = call;
    let kind = `.${call.method}()`;
    for (let next = chainedOn(facts, call); next && isSyncMethod(next); next = chainedOn(facts, next)) {
      kind += `.${next.method}()`;
      last = next;
    }
    const range =
      last === call
        ? call.nameRange
        : { start: call.nameRange.start, end: last.nameRange.end, startIndex: call.nameRange.startIndex, endIndex: last.nameRange.endIndex };
    return { kind, range, last };
  }
  if (call.name === 'torch.cuda.synchronize') return { kind: 'torch.cuda.synchronize()', range: call.calleeRange, last: call };
  if ((call.name === 'float' || call.name === 'print') && !call.method && call.args.some((a) => losses.has(a.text))) {
    return { kind: `${call.name}(<tensor>)`, range: call.calleeRange, last: call };
  }
  return undefined;
}

const CONDITION_LINE = /^\s*(if|elif|while|assert)\b/;
const namePatterns = new Map<string, RegExp>();

/** A condition (`if`, `elif`, `while`, `assert`, up to its colon) that tests `name`; compiled once per name. */
function conditionTesting(name: string): RegExp {
  let pattern = namePatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`^[ \\t]*(if|elif|while|assert)\\b[^\\n:]*\\b${name}\\b`, 'm');
    if (namePatterns.size > 1000) namePatterns.clear();
    namePatterns.set(name, pattern);
  }
  return pattern;
}

/**
 * The synced value decides what the loop does next: it is tested by the
 * `if`/`while`/`assert` it is written in, or assigned to a name that a later
 * condition in the loop tests (early stopping, best-loss tracking, NaN checks).
 * Such a value has to reach the CPU; what can change is how often.
 */
function drivesControlFlow(facts: Facts, sync: Sync, first: CallFact, loop: LoopFact): boolean {
  const lineStart = facts.lineStarts[first.range.start.line];
  if (CONDITION_LINE.test(facts.text.slice(lineStart, first.range.startIndex))) return true;
  const names = sync.last.assignedTo.filter((n) => /^[A-Za-z_]\w*$/.test(n));
  if (names.length === 0) return false;
  const after = facts.text.slice(sync.last.range.endIndex, loop.range.endIndex);
  return names.some((n) => conditionTesting(n).test(after));
}

function message(kind: string, cuda: boolean, maybeGpu: boolean, control: boolean): string {
  const code = '`' + kind + '`';
  if (cuda) {
    return (
      `${code} on every training step makes the CPU wait until the GPU has finished all queued work, so the GPU idles while Python prepares the next step` +
      (control ? ' (its value decides what the loop does next, so it must reach the CPU, but rarely on every step)' : '') +
      `. ${MEASURE} ` +
      (control
        ? 'Test the condition every N steps (`if step % N == 0:`), or keep it on the device (`torch.where`, `torch.isfinite(loss).all()` checked every N steps). '
        : 'Keep running values on the device (`total += loss.detach()`) and read them once every N steps (`if step % N == 0:`). ') +
      SOURCE
    );
  }
  const keep = 'keep running values on the device (`total += loss.detach()`) and read them once every N steps (`if step % N == 0:`). ';
  if (control) {
    const first = `${code} decides what this training loop does next, so its value must reach the CPU on every step`;
    return maybeGpu
      ? `${first}. This file may run on a GPU (its device is chosen at run time), where each read makes the CPU wait for all queued work: there, test the condition every N steps (\`if step % N == 0:\`). ${SOURCE}`
      : `${first}; with no GPU in this file that costs almost nothing. On a GPU each read would make the CPU wait for all queued work: there, test the condition every N steps (\`if step % N == 0:\`). ${SOURCE}`;
  }
  return maybeGpu
    ? `${code} on every training step copies a value to the host. This file may run on a GPU (its device is chosen at run time), where each copy makes the CPU wait until all queued work has finished, so the GPU idles between steps. ${MEASURE} Then ${keep}${SOURCE}`
    : `${code} on every training step copies a value to the host; with no GPU in this file that costs almost nothing. On a GPU each copy would make the CPU wait until all queued work has finished, so the GPU idles between steps: there, ${keep}${SOURCE}`;
}

/**
 * GL201: a host synchronisation (`.item()`, `.cpu()`, `.numpy()`, `.tolist()`,
 * `float(loss)`, `print(loss)`, `torch.cuda.synchronize()`) on every step of a
 * training loop. Each one makes the CPU wait until the GPU has drained its
 * queue, so the GPU idles while Python prepares the next step.
 *
 * Only loops that run one step per iteration count: an epoch loop whose steps
 * run in a called function's own loop or inside `.fit()` reads its values
 * once per epoch. A chain such as `.cpu().numpy()` is one copy, reported once.
 * Without firm CUDA evidence the finding is Information, and says why.
 */
export const hostSyncInTrainingLoop: Rule = {
  meta: {
    code: 'GL201',
    name: 'host-sync-in-training-loop',
    family: 'GL2',
    summary: 'A GPU→CPU synchronisation runs on every step of a training loop.',
    defaultSeverity: 'warning',
    languages: ['python'],
    fixable: false,
  },
  check(facts) {
    const steps = stepLoops(facts);
    if (steps.size === 0) return [];
    const reports: RuleReport[] = [];
    const cuda = usesCuda(facts);
    const maybeGpu = !cuda && acceleratorMaybe(facts);
    const lossCache = new Map<number, Set<string>>();
    for (const call of facts.calls) {
      const loop = innermostLoop(facts, call);
      if (!loop || !steps.has(loop.id)) continue;
      if (!lossCache.has(loop.id)) lossCache.set(loop.id, lossNames(facts, loop.id));
      const sync = syncAt(facts, call, lossCache.get(loop.id)!);
      if (!sync) continue;
      if (call.guards.some(isPeriodicGuard)) continue;
      const control = drivesControlFlow(facts, sync, call, loop);
      reports.push({
        range: sync.range,
        severity: cuda ? 'warning' : 'information',
        message: message(sync.kind, cuda, maybeGpu, control),
      });
    }
    return reports;
  },
};
