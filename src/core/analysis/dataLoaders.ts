/**
 * What GL302 and GL303 need to know about a `DataLoader(...)` call: which
 * calls are PyTorch data loaders, and what kind of dataset they read.
 */
import type { CallFact, Facts, FunctionFact, LoopFact } from './facts';
import { argument, loopMembers } from './ruleHelpers';

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

const PLAIN_NAME = /^[A-Za-z_][\w.]*$/;

/** Lookups GL302 and GL303 make for every loader, built once per file (a long script has hundreds of loaders). */
interface DatasetIndex {
  /** The first call assigned to each name. */
  byAssignedName: Map<string, CallFact>;
  /** Names assigned an already-tokenized value, or that `set_format(...)` is called on. */
  tokenized: Set<string>;
}

const datasetIndexCache = new WeakMap<Facts, DatasetIndex>();

function datasetIndex(facts: Facts): DatasetIndex {
  let index = datasetIndexCache.get(facts);
  if (!index) {
    index = { byAssignedName: new Map(), tokenized: new Set() };
    for (const c of facts.calls) {
      for (const n of c.assignedTo) if (!index.byAssignedName.has(n)) index.byAssignedName.set(n, c);
      if (c.method === 'set_format' && c.receiver) index.tokenized.add(c.receiver);
    }
    for (const a of facts.assignments) {
      const v = a.valueText;
      // Most values mention none of these: skip the expression for them.
      if ((v.includes('token') || v.includes('_format(') || v.includes('return_tensors')) && TOKENIZED.test(v)) index.tokenized.add(a.target);
    }
    datasetIndexCache.set(facts, index);
  }
  return index;
}

/** The call that builds a loader's dataset: written inline, or assigned to the name passed as the dataset. */
function datasetConstruction(facts: Facts, loader: CallFact): CallFact | undefined {
  const dataset = argument(loader, 'dataset', 0);
  if (!dataset) return undefined;
  const inline = callSpanning(facts, dataset.range.startIndex, dataset.range.endIndex);
  if (inline || !PLAIN_NAME.test(dataset.text)) return inline;
  return datasetIndex(facts).byAssignedName.get(dataset.text);
}

/** The call written exactly over `[start, end)`. Calls are in source order of their start, so a binary search finds it. */
function callSpanning(facts: Facts, start: number, end: number): CallFact | undefined {
  const calls = facts.calls;
  for (let i = firstCallAtOrAfter(facts, start); i < calls.length && calls[i].range.startIndex === start; i++) if (calls[i].range.endIndex === end) return calls[i];
  return undefined;
}

/** Names that point at data produced by an agent or a model while it trains. */
const GENERATED_BY_MODEL = /generat|rollout|trajector|play_step|experience|replay|buffer|agent|\benv\b|environment|policy|self\.(net|model)\b/i;

/**
 * A dataset the model itself generates while it trains (on-policy RL, replay
 * buffers): an iterable dataset built from a generator or buffer
 * (`ExperienceSourceDataset(self.generate_trajectory_samples)`), or a
 * same-file class whose `__iter__` draws from an agent, environment, buffer or
 * model. Worker processes would each get a frozen copy of that source and
 * never see the new data, so `num_workers` is no advice there.
 */
export function modelGeneratedDataset(facts: Facts, loader: CallFact): boolean {
  const construction = datasetConstruction(facts, loader);
  if (!construction) return false;
  if (construction.args.some((a) => GENERATED_BY_MODEL.test(a.text))) return true;
  if (construction.imported || construction.method !== undefined) return false;
  const iter = iterMethods(facts).get(construction.name);
  if (!iter) return false;
  return facts.calls.some(
    (c) => c.functionId === iter.id && GENERATED_BY_MODEL.test(facts.text.slice(c.calleeRange.startIndex, c.calleeRange.endIndex)),
  );
}

const iterMethodsCache = new WeakMap<Facts, Map<string, FunctionFact>>();

/** Same-file classes' `__iter__` methods, by class name. */
function iterMethods(facts: Facts): Map<string, FunctionFact> {
  let map = iterMethodsCache.get(facts);
  if (!map) {
    map = new Map();
    for (const f of facts.functions) if (f.name === '__iter__' && f.qualifiedName.endsWith('.__iter__')) map.set(f.qualifiedName.slice(0, -'.__iter__'.length), f);
    iterMethodsCache.set(facts, map);
  }
  return map;
}

/** Text that says a dataset already holds token ids as tensors. */
const TOKENIZED = /tokeni[sz]|\.with_format\(\s*(type\s*=\s*)?["'](torch|pt|numpy)["']|\.set_format\(|return_tensors/;

/**
 * A loader over data that is already tokenized into tensors (Hugging Face
 * `dataset.map(tokenize).with_format("torch")`, `set_format("torch")`): there
 * is nothing to read or decode per batch, so workers would only collate.
 */
export function tokenizedDataset(facts: Facts, loader: CallFact): boolean {
  const dataset = argument(loader, 'dataset', 0);
  if (!dataset) return false;
  if (TOKENIZED.test(dataset.text)) return true;
  return PLAIN_NAME.test(dataset.text) && datasetIndex(facts).tokenized.has(dataset.text);
}

const WORD_CHARS = /[\w.]/;

function mentionsName(text: string, name: string): boolean {
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    const before = text[i - 1];
    const after = text[i + name.length];
    if ((before === undefined || !WORD_CHARS.test(before)) && (after === undefined || !/\w/.test(after))) return true;
  }
  return false;
}

/**
 * The loops that iterate a loader: loops over the name it is assigned to in
 * the same function (`for x, y in train_loader`, `enumerate(loader)`; a
 * `self.` name anywhere), and loops over the parameter of a same-file
 * function it is passed to (`train_epoch(model, train_loader)`). A loader
 * built in a helper and returned reaches its loops under names the file
 * does not connect; then the loops over anything named like a loader count.
 */
export function loopsOverLoader(facts: Facts, loader: CallFact): LoopFact[] {
  const names = loader.assignedTo.filter((n) => /^[A-Za-z_][\w.]*$/.test(n));
  const found = new Set<LoopFact>();
  const byFunction = loopsByFunction(facts);
  for (const name of names) {
    const local = !name.includes('.');
    for (const l of local ? (byFunction.get(loader.functionId) ?? []) : statementLoops(facts)) if (mentionsName(l.iterText ?? '', name)) found.add(l);
    if (!local) continue;
    for (const { fn, param } of passesIn(facts, loader.functionId, name)) {
      for (const l of byFunction.get(fn.id) ?? []) if (mentionsName(l.iterText ?? '', param)) found.add(l);
    }
  }
  return found.size > 0 ? [...found].sort((a, b) => a.id - b.id) : loaderNamedLoops(facts);
}

interface Pass {
  fn: FunctionFact;
  /** The parameter of `fn` that receives the name. */
  param: string;
}

const functionsByNameCache = new WeakMap<Facts, Map<string, FunctionFact[]>>();

function functionsByName(facts: Facts): Map<string, FunctionFact[]> {
  let map = functionsByNameCache.get(facts);
  if (!map) {
    map = new Map();
    for (const f of facts.functions) {
      const list = map.get(f.name);
      if (list) list.push(f);
      else map.set(f.name, [f]);
    }
    functionsByNameCache.set(facts, map);
  }
  return map;
}

/**
 * Where a plain name is passed, in the function (or module) that holds it, to
 * a same-file function (`train_epoch(model, train_loader)`), with the
 * parameter that receives it. Only that function's calls are read: calls are
 * in source order, so its range is found by binary search.
 */
function passesIn(facts: Facts, functionId: number | undefined, name: string): Pass[] {
  const calls = facts.calls;
  let from = 0;
  let to = calls.length;
  if (functionId !== undefined) {
    const { startIndex, endIndex } = facts.functions[functionId].range;
    from = firstCallAtOrAfter(facts, startIndex);
    to = firstCallAtOrAfter(facts, endIndex);
  }
  const out: Pass[] = [];
  const byName = functionsByName(facts);
  for (let i = from; i < to; i++) {
    const call = calls[i];
    if (call.functionId !== functionId || call.imported || !call.args.some((a) => a.text === name)) continue;
    const target = !call.method ? call.name : call.receiver === 'self' ? call.method : undefined;
    for (const fn of (target === undefined ? undefined : byName.get(target)) ?? []) {
      const offset = fn.params[0] === 'self' || fn.params[0] === 'cls' ? 1 : 0;
      let position = 0;
      for (const a of call.args) {
        if (a.splat) break;
        const param = a.keyword ?? fn.params[position + offset];
        if (a.keyword === undefined) position++;
        if (a.text === name && param && fn.params.includes(param)) out.push({ fn, param });
      }
    }
  }
  return out;
}

/** Index of the first call starting at or after `offset`. */
function firstCallAtOrAfter(facts: Facts, offset: number): number {
  const calls = facts.calls;
  let lo = 0;
  let hi = calls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (calls[mid].range.startIndex < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const statementLoopsCache = new WeakMap<Facts, LoopFact[]>();
const loaderLoopsCache = new WeakMap<Facts, LoopFact[]>();

/** `for` and `while` loops (not comprehensions), found once per file. */
function statementLoops(facts: Facts): LoopFact[] {
  let loops = statementLoopsCache.get(facts);
  if (!loops) {
    loops = facts.loops.filter((l) => l.kind !== 'comprehension');
    statementLoopsCache.set(facts, loops);
  }
  return loops;
}

const loopsByFunctionCache = new WeakMap<Facts, Map<number | undefined, LoopFact[]>>();

/** `for` and `while` loops by the function they are written in (`undefined`: module level), grouped once per file. */
function loopsByFunction(facts: Facts): Map<number | undefined, LoopFact[]> {
  let map = loopsByFunctionCache.get(facts);
  if (!map) {
    map = new Map();
    for (const l of statementLoops(facts)) {
      const list = map.get(l.functionId);
      if (list) list.push(l);
      else map.set(l.functionId, [l]);
    }
    loopsByFunctionCache.set(facts, map);
  }
  return map;
}

/** Loops over anything named like a loader (`loader`, `train_loader`, `dataloader`), found once per file. */
function loaderNamedLoops(facts: Facts): LoopFact[] {
  let loops = loaderLoopsCache.get(facts);
  if (!loops) {
    loops = statementLoops(facts).filter((l) => /loader/i.test(l.iterText ?? ''));
    loaderLoopsCache.set(facts, loops);
  }
  return loops;
}

/** A device argument: `device`, `self.device`, `args.device`, `"cuda"`, `f"cuda:{rank}"`, `dev`, `gpu`. */
const DEVICE_ARGUMENT = /^(\w+\.)*\w*(device|dev|gpu|cuda)\w*$|^[fF]?["']cuda/;

/**
 * The batch copies to the GPU in a loader's loops: `.to(device)` (or
 * `.cuda()`) on a name the loop (or a comprehension inside it) binds, without
 * `non_blocking` yet. With pinned memory these copies can overlap compute
 * once they are non-blocking.
 */
export function batchCopies(facts: Facts, loops: readonly LoopFact[]): CallFact[] {
  if (loops.length === 1) return copiesInLoop(facts, loops[0]);
  // Loaders that reach their loops under other names share one list of loops: merge its copies once.
  const shared = loops === loaderLoopsCache.get(facts);
  if (shared && sharedCopiesCache.has(facts)) return sharedCopiesCache.get(facts)!;
  const merged = mergeCopies(facts, loops);
  if (shared) sharedCopiesCache.set(facts, merged);
  return merged;
}

const sharedCopiesCache = new WeakMap<Facts, CallFact[]>();

function mergeCopies(facts: Facts, loops: readonly LoopFact[]): CallFact[] {
  const seen = new Set<number>();
  const out: CallFact[] = [];
  for (const loop of loops) {
    for (const c of copiesInLoop(facts, loop)) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push(c);
    }
  }
  return out.sort((a, b) => a.range.startIndex - b.range.startIndex);
}

const copiesCache = new WeakMap<Facts, Map<number, CallFact[]>>();

/** The batch copies of one loop, found once per file: a long script iterates the same loops for many loaders. */
function copiesInLoop(facts: Facts, loop: LoopFact): CallFact[] {
  let byLoop = copiesCache.get(facts);
  if (!byLoop) {
    byLoop = new Map();
    copiesCache.set(facts, byLoop);
  }
  let out = byLoop.get(loop.id);
  if (out) return out;
  out = [];
  const calls = loopMembers(facts).calls[loop.id];
  const bound = new Set(targetNames(loop.target));
  for (const c of calls) {
    // Comprehensions inside the loop bind names too: `{k: v.to(device) for k, v in batch.items()}`.
    const innermost = facts.loops[c.loopIds[c.loopIds.length - 1]];
    if (innermost.kind === 'comprehension') for (const n of targetNames(innermost.target)) bound.add(n);
  }
  for (const c of calls) {
    if ((c.method !== 'to' && c.method !== 'cuda') || !c.receiver) continue;
    if (c.args.some((a) => a.keyword === 'non_blocking' || a.splat !== undefined)) continue;
    const base = /^[A-Za-z_]\w*/.exec(c.receiver)?.[0];
    if (!base || !bound.has(base)) continue;
    const positional = c.args.filter((a) => a.keyword === undefined);
    const copies =
      (c.method === 'cuda' && positional.length === 0) ||
      (c.method === 'to' && positional.length === 1 && DEVICE_ARGUMENT.test(positional[0].text.trim()) && positional[0].literal !== 'cpu');
    if (copies) out.push(c);
  }
  byLoop.set(loop.id, out);
  return out;
}

function targetNames(target: string | undefined): string[] {
  return (target ?? '').split(/[\s,()[\]]+/).filter((n) => /^[A-Za-z_]\w*$/.test(n));
}
