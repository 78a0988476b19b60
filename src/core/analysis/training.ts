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

/** Fills `trains` on functions, loops and the file. */
export function computeTrainingFacts(facts: Facts): void {
  const byName = new Map<string, number[]>();
  for (const f of facts.functions) {
    const list = byName.get(f.name) ?? [];
    list.push(f.id);
    byName.set(f.name, list);
  }
  /** Same-file functions a call may invoke: `train_one_epoch(...)`, `self.training_step(...)`. */
  const targetsOf = (call: CallFact): number[] => {
    if (call.imported) return [];
    if (!call.method) return byName.get(call.name) ?? [];
    if (call.receiver === 'self' || call.receiver === 'cls') return byName.get(call.method) ?? [];
    return [];
  };
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
