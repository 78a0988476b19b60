import type { AssignmentFact, CallFact, Facts, LoopFact } from '../facts';
import type { Rule, RuleReport } from '../rule';
import { loopMembers } from '../ruleHelpers';
import { stepLoops } from '../training';

/** Functions that return a new array holding a copy of all their inputs. */
const CONCAT_FUNCTIONS = new Set([
  'torch.cat', 'torch.concat', 'torch.concatenate', 'torch.vstack', 'torch.hstack', 'torch.row_stack', 'torch.column_stack', 'torch.dstack',
  'numpy.append', 'numpy.concatenate', 'numpy.vstack', 'numpy.hstack', 'numpy.row_stack', 'numpy.column_stack', 'numpy.dstack',
  'pandas.concat', 'tensorflow.concat', 'jax.numpy.append', 'jax.numpy.concatenate',
]);

/** Up to this many iterations the repeated copies cost less than the clarity they buy. */
const SMALL_LOOP = 10;

/** `df = df.append(row)` (pandas < 2) and `df._append(row)` copy the frame too. */
function isFrameAppend(call: CallFact, target: string): boolean {
  return (call.method === 'append' || call.method === '_append') && call.receiver === target;
}

/** Iteration count when it is known: `range(8)`, `range(N_LAYERS)` with a module constant, a literal list. */
function knownCount(facts: Facts, loop: LoopFact): number | undefined {
  if (loop.literalCount !== undefined) return loop.literalCount;
  if (loop.iterCallId === undefined) return undefined;
  const call = facts.calls[loop.iterCallId];
  if (call.name !== 'range' || call.args.length === 0 || call.args.length > 3) return undefined;
  const v = call.args.map((a) => a.literal);
  if (v.some((x) => typeof x !== 'number')) return undefined;
  const [a, b, step] = v as number[];
  if (v.length === 1) return Math.max(0, a);
  return Math.max(0, Math.ceil((b - a) / (step || 1)));
}

/** `for block in self.blocks` or `range(self.num_layers)`: sized by the architecture, not the data. */
function architectureSized(loop: LoopFact): boolean {
  return /(^|[^\w.])self\./.test(loop.iterText ?? '');
}

/** The assignment `target = <call>` (possibly `<call> if c else y`) whose right side is this call. */
function growthAssignment(facts: Facts, call: CallFact, loop: LoopFact): AssignmentFact | undefined {
  const callText = facts.text.slice(call.range.startIndex, call.range.endIndex);
  return loop.assignments.find((a) => {
    if (a.operator !== '=' || a.range.startIndex > call.range.startIndex || a.range.endIndex < call.range.endIndex) return false;
    const v = a.valueText.trim();
    return v === callText || v.startsWith(callText + ' if ') || v.endsWith(' else ' + callText);
  });
}

const wordPatterns = new Map<string, RegExp>();

/** Matches `name` as a whole name; compiled once per name (a long script repeats the same accumulators). */
function wordPattern(name: string): RegExp {
  let pattern = wordPatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`(^|[^\\w.])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`);
    if (wordPatterns.size > 1000) wordPatterns.clear();
    wordPatterns.set(name, pattern);
  }
  return pattern;
}

/**
 * The whole accumulated value is used again inside the loop (`logits = model(idx)` before
 * `idx = torch.cat((idx, nxt), 1)` in autoregressive generation, `model.fit(X, y)` on a growing
 * set): a list cannot stand in for it, and that use costs more than the copy.
 */
function consumedEachIteration(facts: Facts, loop: LoopFact, target: string, growth: Set<AssignmentFact>): boolean {
  const growthRanges = [...growth].map((g) => g.range);
  const inside = (r: { startIndex: number }) => growthRanges.some((g) => r.startIndex >= g.startIndex && r.startIndex < g.endIndex);
  const indexed = target + '[';
  const readsWhole = (text: string) => text === target || text.startsWith(indexed);
  const members = loopMembers(facts);
  const byCall = members.calls[loop.id].some((c) => (c.receiver === target || c.args.some((a) => readsWhole(a.text))) && !inside(c.range));
  if (byCall) return true;
  const mentions = wordPattern(target);
  return members.assignments[loop.id].some((a) => a.target !== target && !growth.has(a) && mentions.test(a.valueText));
}

/** Calls that move, copy or reshape a value without changing what it holds: `acc.to(dev)`, `acc.cpu()`, `acc.detach()`. */
const WRAPPERS = 'to|cpu|cuda|detach|float|double|half|long|int|contiguous|clone|copy|view|reshape|squeeze|unsqueeze|flatten|type|numpy|astype';
const wrappedPatterns = new Map<string, RegExp>();

/** `target` itself, or `target` behind such calls (`acc.to(dev)`, `acc.detach().cpu()`): the loop-carried value. */
function isCarried(text: string, target: string): boolean {
  if (text === target) return true;
  if (!text.startsWith(target + '.')) return false;
  let pattern = wrappedPatterns.get(target);
  if (!pattern) {
    pattern = new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*\\.\\s*(${WRAPPERS})\\s*\\([^()]*\\))+$`);
    if (wrappedPatterns.size > 1000) wrappedPatterns.clear();
    wrappedPatterns.set(target, pattern);
  }
  return pattern.test(text);
}

/** The positional arguments (or list elements) of a concatenation: the pieces it joins. */
function pieces(call: CallFact): string[] {
  const out: string[] = [];
  for (const a of call.args) {
    if (a.keyword !== undefined || a.splat !== undefined) continue;
    if (a.elements) out.push(...a.elements.map((e) => e.trim()));
    else out.push(a.text);
  }
  return out;
}

function grows(call: CallFact, target: string): boolean {
  if (CONCAT_FUNCTIONS.has(call.name) && call.imported) return pieces(call).some((p) => isCarried(p, target));
  return isFrameAppend(call, target);
}

const NO_GRAD_CONTEXT = /(no_grad|inference_mode)/;

/**
 * The piece joined on every step of a training loop that still carries its
 * autograd graph: a name assigned from a call in the loop (`out = model(x)`),
 * not detached, that the loss backpropagated in the same loop is computed
 * from. Keeping it keeps every step's graph, activations included, alive.
 */
function undetachedOutput(facts: Facts, call: CallFact, loop: LoopFact, target: string): string | undefined {
  if (!call.name.startsWith('torch.') || !stepLoops(facts).has(loop.id)) return undefined;
  if (call.contexts.some((c) => NO_GRAD_CONTEXT.test(c))) return undefined;
  const members = loopMembers(facts);
  const losses = new Set(members.calls[loop.id].filter((c) => c.method === 'backward' && c.receiver).map((c) => c.receiver!));
  const lossValues = members.assignments[loop.id].filter((a) => losses.has(a.target)).map((a) => a.valueText);
  const loopVariables = (loop.target ?? '').split(/[\s,()[\]]+/);
  return pieces(call).find(
    (p) =>
      /^[A-Za-z_]\w*$/.test(p) &&
      p !== target &&
      !loopVariables.includes(p) &&
      members.assignments[loop.id].some((a) => a.target === p && a.valueHasCall && !/\.(detach|item|tolist|to|cuda|float|long)\(/.test(a.valueText)) &&
      lossValues.some((v) => wordPattern(p).test(v)),
  );
}

/**
 * GL204: `x = torch.cat([x, y])` (or `np.append`, `pd.concat`, …) on a
 * variable carried from one iteration to the next. Each iteration copies
 * everything gathered so far, so n iterations copy O(n²) elements.
 */
export const concatInLoop: Rule = {
  meta: {
    code: 'GL204',
    name: 'concat-in-loop',
    family: 'GL2',
    summary: 'An array, tensor or DataFrame grows by concatenation inside a loop, copying all earlier data every iteration.',
    defaultSeverity: 'warning',
    languages: ['python'],
    fixable: false,
  },
  check(facts) {
    const growth: { call: CallFact; assignment: AssignmentFact; loop: LoopFact }[] = [];
    for (const call of facts.calls) {
      const loopId = call.loopIds[call.loopIds.length - 1];
      if (loopId === undefined) continue;
      const loop = facts.loops[loopId];
      if (loop.kind === 'comprehension') continue;
      if (!(CONCAT_FUNCTIONS.has(call.name) && call.imported) && call.method !== 'append' && call.method !== '_append') continue;
      const assignment = growthAssignment(facts, call, loop);
      if (!assignment || !grows(call, assignment.target)) continue;
      growth.push({ call, assignment, loop });
    }
    const growthAssignments = new Set(growth.map((g) => g.assignment));
    const reports: RuleReport[] = [];
    for (const { call, assignment, loop } of growth) {
      const target = assignment.target;
      const count = knownCount(facts, loop);
      if ((count !== undefined && count <= SMALL_LOOP) || architectureSized(loop)) continue;
      // The loop variable itself, or another plain assignment in the same loop, resets or trims the
      // value (`for x in …`, `x = batch`, `buf = buf[-k:]`): nothing accumulates. A first-iteration
      // initialisation under `if out is None:` is not a reset.
      const loopVariables = (loop.target ?? '').split(/[\s,()[\]]+/);
      const mentionsTarget = wordPattern(target);
      const reset =
        loopVariables.includes(target) ||
        loopMembers(facts).assignments[loop.id].some(
          (a) =>
            a.target === target &&
            a.operator === '=' &&
            !growthAssignments.has(a) &&
            (a.selfReferential || !(a.guards ?? []).some((g) => mentionsTarget.test(g))),
        );
      if (reset || consumedEachIteration(facts, loop, target, growthAssignments)) continue;
      const fn = isFrameAppend(call, target) ? `${target}.${call.method}` : call.name.replace(/^numpy\./, 'np.').replace(/^pandas\./, 'pd.').replace(/^tensorflow\./, 'tf.');
      const copies = `copies everything \`${target}\` already holds on every iteration, so n iterations move about n²/2 chunks instead of n and reallocate each time`;
      const output = undetachedOutput(facts, call, loop, target);
      reports.push({
        range: assignment.range,
        message: output
          ? `\`${target} = ${fn}(…)\` keeps \`${output}\` from every training step without \`.detach()\`, so the whole autograd graph of each step, activations included, stays alive until the loop ends and memory grows step after step; it also ${copies}. ` +
            `Append \`${output}.detach()\` to a Python list inside the loop and concatenate once after it (\`torch.cat(parts)\`). ` +
            'Source: PyTorch FAQ, "My model reports cuda runtime error(2): out of memory" ("Don\'t accumulate history across your training loop").'
          : `\`${target} = ${fn}(…)\` ${copies}. ` +
            'Append the pieces to a Python list inside the loop and concatenate once after it (`torch.cat(parts)`, `np.concatenate(parts)`, `pd.concat(parts)`). ' +
            'Source: pandas user guide, "Merge, join, concatenate", and the NumPy `append` reference, which both note that each call makes a full copy.',
      });
    }
    return reports;
  },
};
