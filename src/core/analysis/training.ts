/**
 * Works out where a file trains a model. "Trains" has many spellings in real
 * code (RULES.md): `.backward()`, `accelerator.backward(loss)`,
 * `self.manual_backward`, `optimizer.step()`, `scaler.step(optimizer)`,
 * `model.fit(`, `train_on_batch`, Hugging Face `trainer.train()`.
 *
 * A loop trains when its own body, or a same-file function called from it,
 * does; a validation loop nested inside the epoch loop does not.
 */
import type { CallFact, Facts } from './facts';

const OPTIMIZER_RECEIVER = /(^|[._])(optim\w*|opt|optimizer\w*|scaler)$/i;

/** True when this call performs a training step (backward pass or optimizer update). */
export function isStepCall(call: CallFact): boolean {
  const m = call.method;
  if (m === 'backward' || m === 'manual_backward') return true;
  if (call.name === 'torch.autograd.backward') return true;
  if (m === 'step' && call.receiver !== undefined && OPTIMIZER_RECEIVER.test(call.receiver)) return true;
  return false;
}

/** True when this call trains a whole model or one batch through a high-level API. */
export function isFitCall(call: CallFact): boolean {
  const m = call.method;
  if (m === 'fit' || m === 'train_on_batch' || m === 'fit_generator' || m === 'partial_fit') return true;
  if (m === 'train' && call.receiver !== undefined && /trainer$/i.test(call.receiver)) return true;
  return false;
}

export function isTrainingCall(call: CallFact): boolean {
  return isStepCall(call) || isFitCall(call);
}

/** Same-file functions a call may invoke (`train_one_epoch(...)`, `self.training_step(...)`), by function name. */
function sameFileTargets(facts: Facts): (call: CallFact) => number[] {
  const byName = new Map<string, number[]>();
  for (const f of facts.functions) {
    const list = byName.get(f.name) ?? [];
    list.push(f.id);
    byName.set(f.name, list);
  }
  return (call) => {
    if (call.imported) return [];
    if (!call.method) return byName.get(call.name) ?? [];
    if (call.receiver === 'self' || call.receiver === 'cls') return byName.get(call.method) ?? [];
    return [];
  };
}

/** Fills `trains` on functions, loops and the file. */
export function computeTrainingFacts(facts: Facts): void {
  const targetsOf = sameFileTargets(facts);
  const direct = facts.calls.map(isTrainingCall);

  // Functions: fixpoint over same-file calls (recursion-safe).
  let changed = true;
  while (changed) {
    changed = false;
    for (const call of facts.calls) {
      if (call.functionId === undefined) continue;
      const fn = facts.functions[call.functionId];
      if (fn.trains) continue;
      if (direct[call.id] || targetsOf(call).some((id) => facts.functions[id].trains)) {
        fn.trains = true;
        changed = true;
      }
    }
    // A nested function that trains makes its parent train only if called; calls handle that.
  }

  for (const call of facts.calls) {
    const trainsHere = direct[call.id] || targetsOf(call).some((id) => facts.functions[id].trains);
    if (!trainsHere) continue;
    facts.trains = true;
    const innermost = call.loopIds[call.loopIds.length - 1];
    if (innermost !== undefined) facts.loops[innermost].trains = true;
  }
  for (const loop of facts.loops) {
    if (!loop.trains) continue;
    for (let p: number | undefined = loop.id; p !== undefined; p = facts.loops[p].parentLoopId) {
      facts.loops[p].containsTraining = true;
    }
  }
}

/** One optimisation step per call: a backward pass, an optimizer step, Keras `train_on_batch`. */
function isSingleStepCall(call: CallFact): boolean {
  return isStepCall(call) || call.method === 'train_on_batch' || call.method === 'partial_fit';
}

const stepLoopsCache = new WeakMap<Facts, ReadonlySet<number>>();

/**
 * Ids of the loops that run one training step per iteration: their own body
 * calls backward, an optimizer step or `train_on_batch`, or a same-file
 * function that steps once per call (outside any loop of its own, as
 * `train_step(batch)` does). An epoch loop whose steps run in a called
 * function's own batch loop (`train_one_epoch(...)`) or inside `model.fit()`
 * runs many steps per iteration: it trains, but it is not a step loop, so a
 * value read once per iteration there is read once per epoch.
 */
export function stepLoops(facts: Facts): ReadonlySet<number> {
  let ids = stepLoopsCache.get(facts);
  if (ids) return ids;
  const targetsOf = sameFileTargets(facts);
  // Only calls that step, or may call a same-file function, matter: find them in one pass.
  const steps: CallFact[] = [];
  const relayed: { call: CallFact; targets: number[] }[] = [];
  for (const call of facts.calls) {
    if (isSingleStepCall(call)) steps.push(call);
    else {
      const targets = targetsOf(call);
      if (targets.length > 0) relayed.push({ call, targets });
    }
  }
  // Functions whose every call runs (at least) one step outside their own loops: fixpoint over same-file calls.
  const once = new Set<number>();
  for (const c of steps) if (c.functionId !== undefined && c.loopIds.length === 0) once.add(c.functionId);
  let changed = true;
  while (changed) {
    changed = false;
    for (const { call, targets } of relayed) {
      if (call.functionId === undefined || call.loopIds.length > 0 || once.has(call.functionId)) continue;
      if (targets.some((id) => once.has(id))) {
        once.add(call.functionId);
        changed = true;
      }
    }
  }
  const found = new Set<number>();
  const add = (call: CallFact) => {
    const innermost = call.loopIds[call.loopIds.length - 1];
    if (innermost !== undefined) found.add(innermost);
  };
  for (const c of steps) add(c);
  for (const { call, targets } of relayed) if (targets.some((id) => once.has(id))) add(call);
  ids = found;
  stepLoopsCache.set(facts, ids);
  return ids;
}
