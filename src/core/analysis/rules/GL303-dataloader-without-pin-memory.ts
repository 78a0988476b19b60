import { batchCopies, dataLoaderCalls, datasetOnGpu, loopsOverLoader } from '../dataLoaders';
import { runsOnCuda } from '../gpuEvidence';
import type { Rule, RuleReport } from '../rule';
import { addKeywordArgument, argument, hasUnpackedArguments } from '../ruleHelpers';
import type { CallFact, Facts } from '../facts';
import type { Saving, TextEdit } from '../types';

/** `pin_memory` is the eighth parameter of `DataLoader`. */
const PIN_MEMORY_POSITION = 7;

const SOURCE = 'creedengo GCI102, measured on a Quadro RTX 6000';
const SAVINGS: Saving[] = [
  { metric: 'training time', from: 100, to: 90.2, unit: '% of baseline', ratio: -0.098, source: SOURCE },
  { metric: 'CO2', from: 100, to: 92.4, unit: '% of baseline', ratio: -0.076, source: SOURCE },
];

const nonBlockingEdits = new WeakMap<CallFact, TextEdit>();

/** `non_blocking=True` added to a batch copy; made once per call, since every loader over the same loop shares it. */
function nonBlocking(facts: Facts, call: CallFact): TextEdit {
  let edit = nonBlockingEdits.get(call);
  if (!edit) {
    edit = addKeywordArgument(facts, call, 'non_blocking=True');
    nonBlockingEdits.set(call, edit);
  }
  return edit;
}

/**
 * GL303: a `DataLoader` without `pin_memory=True` in a file that runs on a
 * CUDA GPU. Pageable host memory must be copied into a pinned staging buffer
 * before every host-to-device transfer, and the copy cannot overlap compute.
 *
 * Silent when the value is not a literal (`pin_memory=True if use_cuda else
 * False`), when `**kwargs` may set it, when the GPU evidence is only a maybe,
 * and for datasets whose tensors are already on the GPU (they cannot be pinned).
 */
export const dataloaderWithoutPinMemory: Rule = {
  meta: {
    code: 'GL303',
    name: 'dataloader-without-pin-memory',
    family: 'GL3',
    summary: 'A DataLoader feeding a CUDA GPU does not pin its batches in host memory.',
    defaultSeverity: 'information',
    languages: ['python'],
    fixable: true,
  },
  check(facts) {
    if (!runsOnCuda(facts)) return [];
    const reports: RuleReport[] = [];
    for (const call of dataLoaderCalls(facts)) {
      if (hasUnpackedArguments(call) || datasetOnGpu(facts, call)) continue;
      const pin = argument(call, 'pin_memory', PIN_MEMORY_POSITION);
      if (pin && !(pin.hasLiteral && pin.literal === false)) continue;
      // A constant that holds False (`pin_memory=PIN`) is left for the user to change where it is defined.
      const edit = !pin ? addKeywordArgument(facts, call, 'pin_memory=True') : pin.text === 'False' ? { range: pin.range, newText: 'True' } : undefined;
      // Pinned batches copy asynchronously only when the copy says so: the loop's `.to(device)` calls get `non_blocking=True`.
      const loops = edit ? loopsOverLoader(facts, call) : [];
      const copies = batchCopies(facts, loops);
      const loopIds = new Set(loops.map((l) => l.id));
      const inLoops = new Set(copies.map((c) => c.loopIds.find((id) => loopIds.has(id)))).size > 1 ? 'in its loops' : 'in its loop';
      const copyText = copies.length === 1 ? 'the batch copy' : `the ${copies.length} batch copies`;
      reports.push({
        // On the `DataLoader(` call, where the reader looks for the loader's settings.
        range: call.calleeRange,
        message:
          'Batches from this DataLoader sit in pageable host memory, so every copy to the GPU first goes through a staging buffer and cannot overlap computation: ' +
          'creedengo GCI102 measured −9.8% training time and −7.6% CO2 on a Quadro RTX 6000 with pinned memory. ' +
          'Pass `pin_memory=True` and move batches with `.to(device, non_blocking=True)` so each copy overlaps the work already queued on the GPU. ' +
          `Source: ${SOURCE}; PyTorch "A guide on good usage of non_blocking and pin_memory()".`,
        savings: SAVINGS,
        fix: edit && {
          title: `${pin ? 'Set' : 'Add'} pin_memory=True` + (copies.length > 0 ? `, and non_blocking=True to ${copyText} ${inLoops}` : ''),
          edits: [edit, ...copies.map((c) => nonBlocking(facts, c))],
          safe: true,
        },
      });
    }
    return reports;
  },
};
