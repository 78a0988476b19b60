import type { AssignmentFact, Facts, LoopFact, SubscriptFact } from '../facts';
import type { Rule, RuleReport } from '../rule';

/** Methods that only tensors and arrays have (Python lists and tuples have none of them). */
const ARRAY_METHODS = new Set([
  'cuda', 'cpu', 'numpy', 'detach', 'to', 'view', 'reshape', 'unsqueeze', 'squeeze', 'permute',
  'transpose', 'contiguous', 'numel', 'dim', 'size', 'float', 'half', 'double', 'long', 'clone',
  'astype', 'flatten',
]);
/** Libraries whose calls return tensors or arrays. */
const ARRAY_LIBRARY = /^(torch|numpy|tensorflow|jax)\./;

interface Header {
  /** The tensor whose length bounds the loop (`t` in `range(len(t))`). */
  object: string;
  /** The dimension the loop walks (`1` in `range(t.shape[1])`). */
  dim: number;
  /** `range(t.shape[k])` and `range(t.size(k))` prove `t` is an array; `len(t)` does not. */
  provesArray: boolean;
}

/** Reads `range(len(t))`, `range(0, t.shape[k])`, `range(t.size(k))`; strided or offset ranges are not element loops. */
function readHeader(facts: Facts, loop: LoopFact): Header | undefined {
  if (loop.iterCallId === undefined) return undefined;
  const call = facts.calls[loop.iterCallId];
  if (call.name !== 'range' || call.args.some((a) => a.keyword !== undefined || a.splat !== undefined)) return undefined;
  let bound: string;
  if (call.args.length === 1) bound = call.args[0].text;
  else if (call.args.length === 2 && call.args[0].literal === 0) bound = call.args[1].text;
  else return undefined; // `range(0, n, bptt)` batches; `range(1, n)` usually reads t[i - 1].
  bound = bound.replace(/\s+/g, '');
  let m = /^len\((.+)\)$/.exec(bound);
  if (m) return { object: m[1], dim: 0, provesArray: false };
  m = /^(.+)\.shape\[(\d+)\]$/.exec(bound) ?? /^(.+)\.size\((?:dim=)?(\d+)\)$/.exec(bound) ?? /^(.+)\.size\(\)\[(\d+)\]$/.exec(bound);
  if (m) return { object: m[1], dim: Number(m[2]), provesArray: true };
  return undefined;
}

/** Whether `name` is shown to be a tensor or array elsewhere in the file. */
function isArray(facts: Facts, name: string): boolean {
  return facts.calls.some(
    (c) =>
      (c.receiver === name && c.method !== undefined && ARRAY_METHODS.has(c.method)) ||
      (c.assignedTo.includes(name) && ((c.imported && ARRAY_LIBRARY.test(c.name)) || (c.method !== undefined && ARRAY_METHODS.has(c.method)))),
  );
}

/** The comma-separated index expressions of a subscript (`['i', ':']` for `t[i, :]`). */
function indexParts(facts: Facts, s: SubscriptFact): string[] {
  const full = facts.text.slice(s.range.startIndex, s.range.endIndex);
  return full.slice(s.object.length).replace(/^\s*\[/, '').replace(/\]\s*$/, '').split(',').map((p) => p.trim());
}

const word = (name: string) => new RegExp(`(^|[^\\w.])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`);

/**
 * `acc += t[i]` and `acc = acc + t[i]` are reductions (`t.sum()`); any other
 * use of the carried value, such as `h = cell(x[t], h)` or
 * `ret = r[t] + gamma * ret`, is a recurrence that a vector op cannot replace.
 */
function isRecurrence(a: AssignmentFact): boolean {
  if (!a.selfReferential) return false;
  const target = word(a.target);
  if (a.operator === '+=' || a.operator === '-=') return target.test(a.valueText);
  if (a.operator !== '=') return true;
  const rest = a.valueText.trim();
  if (!rest.startsWith(a.target)) return true;
  const tail = rest.slice(a.target.length);
  return !/^\s*[-+]/.test(tail) || target.test(tail);
}

/** Body text checks for statements Facts does not model: an early `return` or a `yield` per element. */
function exitsEarly(facts: Facts, loop: LoopFact): boolean {
  const body = facts.text.slice(loop.headerRange.endIndex, loop.range.endIndex);
  return /^[ \t]*(return|yield)\b/m.test(body);
}

/**
 * GL202: `for i in range(len(t))` (or `t.shape[k]`, `t.size(k)`) whose body
 * does element-wise arithmetic on `t[i]`. Every element becomes its own trip
 * through the interpreter and the framework's dispatcher (and a kernel launch
 * on a GPU) for a few nanoseconds of actual arithmetic.
 */
export const pythonLoopOverTensor: Rule = {
  meta: {
    code: 'GL202',
    name: 'python-loop-over-tensor',
    family: 'GL2',
    summary: 'A Python loop walks a tensor element by element doing arithmetic a vectorised op would do at once.',
    defaultSeverity: 'warning',
    languages: ['python'],
    fixable: false,
  },
  check(facts) {
    const reports: RuleReport[] = [];
    for (const loop of facts.loops) {
      const v = loop.target;
      if (!v || !/^\w+$/.test(v) || loop.kind === 'while') continue;
      // Breaking after the first hit, per-sample training steps and early exits are not element-wise maths.
      if (loop.hasBreak || loop.trains) continue;
      const header = readHeader(facts, loop);
      if (!header || exitsEarly(facts, loop)) continue;
      const elementUse = loop.subscripts.some((s) => {
        if (s.object !== header.object || !s.inArithmetic || s.inCall) return false;
        return indexParts(facts, s)[header.dim] === v;
      });
      if (!elementUse) continue;
      // Reading a neighbour (`t[i - 1]`, `v[i + 1]`) or carrying state forward is a sequential recurrence.
      const neighbour = new RegExp(`(^|[^\\w.])${v}\\s*[-+]\\s*\\w`);
      if (loop.subscripts.some((s) => indexParts(facts, s).some((p) => neighbour.test(p)))) continue;
      // Writing `out[i]` touches a different element each time; only state kept across iterations can recur.
      const perElement = new RegExp(`\\[(.*[^\\w.])?${v}(?!\\w).*\\]$`);
      if (loop.assignments.some((a) => !perElement.test(a.target) && isRecurrence(a))) continue;
      if (!header.provesArray && !isArray(facts, header.object)) continue;
      const element = `${header.object}[${':, '.repeat(header.dim)}${v}]`;
      reports.push({
        range: loop.headerRange,
        message:
          `This Python loop visits \`${header.object}\` one element at a time: each \`${element}\` operation goes through the interpreter and the framework's dispatcher separately ` +
          '(and launches its own kernel on a GPU), so the overhead dwarfs the arithmetic. ' +
          `Express it as whole-tensor operations on \`${header.object}\` (broadcasting, \`sum\`/\`cumsum\`, \`torch.where\`, indexing with masks), which run the loop in compiled code. ` +
          'Source: NumPy user guide, "What is NumPy?" (vectorized code has no explicit loops: they run in optimized, pre-compiled C code).',
      });
    }
    return reports;
  },
};
