import type { CallFact, Facts } from '../facts';
import type { Rule, RuleReport } from '../rule';
import { innermostLoop, loopMembers, usesCuda } from '../ruleHelpers';

const SYNC_METHODS = new Set(['item', 'cpu', 'numpy', 'tolist']);

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

function syncKind(call: CallFact, losses: Set<string>): string | undefined {
  if (call.method && SYNC_METHODS.has(call.method) && call.args.length === 0) return `.${call.method}()`;
  if (call.name === 'torch.cuda.synchronize') return 'torch.cuda.synchronize()';
  if ((call.name === 'float' || call.name === 'print') && !call.method) {
    if (call.args.some((a) => losses.has(a.text))) return `${call.name}(<tensor>)`;
  }
  return undefined;
}

/**
 * GL201: a host synchronisation (`.item()`, `.cpu()`, `.numpy()`, `.tolist()`,
 * `float(loss)`, `print(loss)`, `torch.cuda.synchronize()`) on every step of a
 * training loop. Each one makes the CPU wait until the GPU has drained its
 * queue, so the GPU idles while Python prepares the next step.
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
    const reports: RuleReport[] = [];
    const cuda = usesCuda(facts);
    const lossCache = new Map<number, Set<string>>();
    for (const call of facts.calls) {
      const loop = innermostLoop(facts, call);
      if (!loop || !loop.trains) continue;
      if (!lossCache.has(loop.id)) lossCache.set(loop.id, lossNames(facts, loop.id));
      const kind = syncKind(call, lossCache.get(loop.id)!);
      if (!kind) continue;
      if (call.guards.some(isPeriodicGuard)) continue;
      reports.push({
        range: call.method ? call.nameRange : call.calleeRange,
        severity: cuda ? 'warning' : 'information',
        message:
          `${kind} on every training step forces the CPU to wait for the GPU to finish all queued work, so the GPU idles between steps` +
          (cuda ? '' : ' (cheap on CPU, costly once this runs on CUDA)') +
          '. Keep running values on the device (e.g. `total += loss.detach()`) and read them once every N steps (`if step % N == 0:`). ' +
          'Source: PyTorch Performance Tuning Guide, "Avoid unnecessary CPU-GPU synchronization".',
      });
    }
    return reports;
  },
};
