/**
 * What GL302 and GL303 need to know about a `DataLoader(...)` call: which
 * calls are PyTorch data loaders, and what kind of dataset they read.
 */
import type { CallFact, Facts } from './facts';
import { argument } from './ruleHelpers';

const DATALOADER_NAMES = new Set([
  'torch.utils.data.DataLoader',
  'torch.utils.data.dataloader.DataLoader',
  // PyG's loaders subclass the PyTorch one and accept the same arguments.
  'torch_geometric.loader.DataLoader',
  'torch_geometric.data.DataLoader',
]);

const TENSOR_DATASET_NAMES = new Set(['torch.utils.data.TensorDataset', 'torch.utils.data.dataset.TensorDataset']);

/**
 * A tensor moved to, or created on, a device: `.cuda()`, `.to(device)`,
 * `.to("cuda")`, `device=dev`. Dtype casts such as `.to(torch.float32)` do not match.
 */
const ON_DEVICE = /\.cuda\(|\.to\([^)]*\b(cuda|device|dev|gpu)\b|\bdevice\s*=\s*[^,)]*\b(cuda|device|dev|gpu)\b/i;

/** `DataLoader(...)` calls of PyTorch (and of libraries whose loaders extend it). */
export function dataLoaderCalls(facts: Facts): CallFact[] {
  return facts.calls.filter((c) => c.imported && DATALOADER_NAMES.has(c.name));
}

/**
 * The `TensorDataset(...)` call a loader reads from, written inline or
 * assigned to the name passed as the dataset.
 */
export function tensorDatasetOf(facts: Facts, loader: CallFact): CallFact | undefined {
  const dataset = argument(loader, 'dataset', 0);
  if (!dataset) return undefined;
  return tensorDatasets(facts).find(
    (c) => (c.range.startIndex === dataset.range.startIndex && c.range.endIndex === dataset.range.endIndex) || c.assignedTo.includes(dataset.text),
  );
}

const tensorDatasetCache = new WeakMap<Facts, CallFact[]>();

/** The file's `TensorDataset(...)` calls, found once per file (a long script has hundreds of loaders). */
function tensorDatasets(facts: Facts): CallFact[] {
  let list = tensorDatasetCache.get(facts);
  if (!list) {
    list = facts.calls.filter((c) => c.imported && TENSOR_DATASET_NAMES.has(c.name));
    tensorDatasetCache.set(facts, list);
  }
  return list;
}

/** Whether an expression, or what a plain name was assigned, puts a tensor on a device. */
function onDevice(facts: Facts, expression: string): boolean {
  if (ON_DEVICE.test(expression)) return true;
  if (!/^[A-Za-z_][\w.]*$/.test(expression)) return false;
  return facts.assignments.some((a) => a.target.split(',').some((t) => t.trim() === expression) && ON_DEVICE.test(a.valueText));
}

/**
 * A loader over a `TensorDataset` of tensors already on the GPU: there is
 * nothing to load in workers and CUDA tensors cannot be pinned.
 */
export function datasetOnGpu(facts: Facts, loader: CallFact): boolean {
  const dataset = tensorDatasetOf(facts, loader);
  return dataset !== undefined && dataset.args.length > 0 && dataset.args.some((a) => onDevice(facts, a.text));
}
