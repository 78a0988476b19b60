import { dataLoaderCalls, datasetOnGpu, modelGeneratedDataset, tensorDatasetOf, tokenizedDataset } from '../dataLoaders';
import type { Rule, RuleReport } from '../rule';
import { addKeywordArgument, argument, hasUnpackedArguments } from '../ruleHelpers';

/** `num_workers` is the sixth parameter of `DataLoader`. */
const NUM_WORKERS_POSITION = 5;

/**
 * GL302: a `DataLoader` with no `num_workers` (or `num_workers=0`) in a file
 * that trains. Every batch is then read, decoded and augmented in the
 * training process itself, and the GPU waits while it does.
 *
 * Silent when the value is not a literal (`num_workers=args.workers`), when
 * `**kwargs` may set it, for in-memory `TensorDataset`s (nothing to load;
 * on the GPU they cannot use workers at all), and for iterable datasets the
 * model itself generates (on-policy RL: workers would freeze a copy of the
 * source). Over already-tokenized tensors it says less: workers would only
 * collate.
 */
export const dataloaderWithoutWorkers: Rule = {
  meta: {
    code: 'GL302',
    name: 'dataloader-without-workers',
    family: 'GL3',
    summary: 'A DataLoader loads every batch in the training process (no worker processes).',
    defaultSeverity: 'information',
    languages: ['python'],
    fixable: true,
  },
  check(facts) {
    if (!facts.trains) return [];
    const reports: RuleReport[] = [];
    for (const call of dataLoaderCalls(facts)) {
      if (hasUnpackedArguments(call)) continue;
      // In-memory tensors (tiny data, or already on the GPU): workers have nothing to do.
      if (tensorDatasetOf(facts, call) || datasetOnGpu(facts, call)) continue;
      const workers = argument(call, 'num_workers', NUM_WORKERS_POSITION);
      if (workers && !(workers.hasLiteral && workers.literal === 0)) continue;
      if (modelGeneratedDataset(facts, call)) continue;
      const tokenized = tokenizedDataset(facts, call);
      // Already-tokenized tensors leave workers only the batching: fewer workers, smaller claim.
      const count = tokenized ? 2 : 4;
      const without = workers ? '`num_workers=0` loads' : 'Without `num_workers`, this DataLoader loads';
      const message = tokenized
        ? `${without} every batch in the training process, but the data here are already tokenized tensors, so worker processes would only batch them: expect a small gain. ` +
          'Try `num_workers=2` only if the GPU waits for data: time one pass over the loader alone (`for batch in loader: pass`) and compare it with an epoch of training. ' +
          'Source: PyTorch Performance Tuning Guide, "Enable asynchronous data loading and augmentation".'
        : `${without} every batch in the training process, so the model waits (and the GPU, if any, idles) while Python reads, decodes and augments the next one. ` +
          'Set `num_workers` (e.g. 4, up to the number of CPU cores) so batches are prepared in parallel with training; ' +
          "on Windows and macOS, keep the training code under `if __name__ == '__main__':` because workers re-import the script. " +
          'What it saves is the share of each step spent loading: time one pass over the loader alone (`for batch in loader: pass`) and compare it with an epoch of training. ' +
          'Source: PyTorch Performance Tuning Guide, "Enable asynchronous data loading and augmentation".';
      // A constant that holds 0 (`num_workers=WORKERS`) is left for the user to change where it is defined.
      const edit = !workers
        ? addKeywordArgument(facts, call, `num_workers=${count}`)
        : workers.text === '0'
          ? { range: workers.range, newText: String(count) }
          : undefined;
      reports.push({
        // On the `DataLoader(` call, where the reader looks for the loader's settings.
        range: call.calleeRange,
        message,
        fix: edit && {
          title: `${workers ? 'Set' : 'Add'} num_workers=${count} (unsafe: starts worker processes, which need memory and a __main__ guard on Windows/macOS)`,
          edits: [edit],
          safe: false,
        },
      });
    }
    return reports;
  },
};
