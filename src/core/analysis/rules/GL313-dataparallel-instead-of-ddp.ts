import type { Rule } from '../rule';
import { callsNamed } from '../ruleHelpers';

/**
 * GL313: `nn.DataParallel` runs one Python process that scatters every batch and
 * gathers every output over a single GPU; the PyTorch docs recommend
 * DistributedDataParallel even on one machine because it is faster.
 */
export const dataparallelInsteadOfDdp: Rule = {
  meta: {
    code: 'GL313',
    name: 'dataparallel-instead-of-ddp',
    family: 'GL3',
    summary: 'nn.DataParallel is used where DistributedDataParallel is faster, even on one machine.',
    defaultSeverity: 'information',
    languages: ['python'],
    fixable: false,
  },
  check(facts) {
    return callsNamed(
      facts,
      'torch.nn.DataParallel',
      'torch.nn.parallel.DataParallel',
      'torch.nn.parallel.data_parallel',
      'torch.nn.parallel.data_parallel.data_parallel',
    ).map((call) => ({
      range: call.calleeRange,
      message:
        'nn.DataParallel re-scatters inputs and replicates the model from one process every step; ' +
        'DistributedDataParallel (one process per GPU) is faster even on a single machine. ' +
        'Source: PyTorch CUDA semantics notes, "Use nn.parallel.DistributedDataParallel instead of multiprocessing or nn.DataParallel".',
    }));
  },
};
