import type { AssignmentFact, CallFact, Facts, FunctionFact, LoopFact } from '../facts';
import type { Rule, RuleReport } from '../rule';
import { spanRange } from '../modelCalls';
import { argument, callGroups, importsPackage, loopMembers } from '../ruleHelpers';
import { isTrainingCall } from '../training';
import type { Fix } from '../types';

/**
 * A point where a model is put in evaluation mode, and the names the model
 * goes by from there on.
 */
interface EvalSwitch {
  /** Offset after which model calls count. */
  from: number;
  functionId?: number;
  names: Set<string>;
  /** The call that led into this function: its calls are covered when that call is. */
  site?: CallFact;
  /** `model.eval()(x)`: the call made on the switch's result. */
  chained?: CallFact;
}

const NO_GRAD = /^torch\.(autograd\.)?(grad_mode\.)?(no_grad|inference_mode)$/;
const SET_GRAD = /^torch\.(autograd\.)?(grad_mode\.)?set_grad_enabled$/;
const ENABLE_GRAD = /^torch\.(autograd\.)?(grad_mode\.)?enable_grad$/;
/** Lightning runs these hooks with gradients off. */
const LIGHTNING_NO_GRAD_HOOK = /^(validation_step|test_step|predict_step|on_(validation|test|predict)_\w+)$/;
const DOTTED = /^[A-Za-z_][\w.]*$/;
const MAX_DEPTH = 3;

/** What a `with` item or decorator does to gradients: off, on, or nothing. */
function gradMode(label: string): 'off' | 'on' | undefined {
  const paren = label.indexOf('(');
  const base = paren < 0 ? label : label.slice(0, paren);
  const arg = paren < 0 ? undefined : label.slice(paren + 1, -1).trim();
  if (NO_GRAD.test(base)) return arg !== undefined && /False/.test(arg) ? undefined : 'off';
  // `set_grad_enabled(phase == "train")` switches gradients off in the evaluation phase: treat as off.
  if (SET_GRAD.test(base)) return arg === 'True' ? 'on' : 'off';
  if (ENABLE_GRAD.test(base)) return 'on';
  return undefined;
}

/** The innermost context that decides gradients for this call. */
function contextMode(call: CallFact): 'off' | 'on' | undefined {
  for (let i = call.contexts.length - 1; i >= 0; i--) {
    const mode = gradMode(call.contexts[i]);
    if (mode) return mode;
  }
  return undefined;
}

/** Calls that need gradients: a backward pass, `autograd.grad`, inputs that require grad. */
function needsGradients(call: CallFact): boolean {
  if (call.method === 'backward' || call.method === 'manual_backward' || call.method === 'retain_grad') return true;
  if (call.method === 'requires_grad_') return call.args.length === 0 || call.args[0].literal === true;
  return /^torch\.autograd\.(grad|backward|functional\.\w+)$/.test(call.name) || contextMode(call) === 'on';
}

/** `model` in `model.to(device).eval()`: the receiver at the bottom of a method chain, when it is a name. */
function baseReceiver(facts: Facts, call: CallFact): string | undefined {
  let c = call;
  while (c.receiverCallId !== undefined) c = facts.calls[c.receiverCallId];
  return c.receiver !== undefined && DOTTED.test(c.receiver) ? c.receiver : undefined;
}

/** `model.eval()` or `model.train(False)`. */
function isEvalCall(call: CallFact): boolean {
  if (call.imported) return false;
  if (call.method === 'eval') return call.args.length === 0 && call.receiver !== undefined;
  if (call.method === 'train') return argument(call, 'mode', 0)?.literal === false;
  return false;
}

/** `model.train()` or `model.train(True)`: the end of evaluation mode. */
function isTrainCall(call: CallFact): boolean {
  if (call.method !== 'train' || call.imported) return false;
  const mode = argument(call, 'mode', 0);
  return mode === undefined || mode.literal === true;
}

function calleeText(facts: Facts, call: CallFact): string {
  return facts.text.slice(call.calleeRange.startIndex, call.calleeRange.endIndex);
}

/** A statement such as `torch.set_grad_enabled(False)` on its own line (not a `with` item). */
function isStatement(facts: Facts, call: CallFact): boolean {
  const lineStart = facts.lineStarts[call.range.start.line];
  return facts.text.slice(lineStart, call.range.startIndex).trim() === '';
}

/** Shared empty answer: most calls invoke no same-file function. */
const NONE: readonly FunctionFact[] = [];

/** Lookups built once per file, so the rule stays fast on long scripts. */
class FileIndex {
  private readonly byName = new Map<string, FunctionFact[]>();
  private readonly calls = new Map<number | undefined, CallFact[]>();
  private readonly assignments = new Map<number | undefined, AssignmentFact[]>();
  private readonly sites = new Map<number, CallFact[]>();

  constructor(readonly facts: Facts) {
    for (const f of facts.functions) push(this.byName, f.name, f);
    // Calls are recorded in source order, so each function's list is sorted by offset.
    for (const c of facts.calls) {
      push(this.calls, c.functionId, c);
      for (const f of this.calledFunctions(c)) push(this.sites, f.id, c);
    }
    for (const a of facts.assignments) push(this.assignments, a.functionId, a);
  }

  /** Same-file functions a call invokes: `evaluate(...)`, `self.validate(...)`. */
  calledFunctions(call: CallFact): readonly FunctionFact[] {
    if (call.imported) return NONE;
    if (!call.method) return this.byName.get(call.name) ?? NONE;
    if (call.receiver === 'self' || call.receiver === 'cls') return this.byName.get(call.method) ?? NONE;
    return NONE;
  }

  callSites(fn: FunctionFact): CallFact[] {
    return this.sites.get(fn.id) ?? [];
  }

  /** Calls written directly in a function (or at module level) that start in `[from, to)`. */
  callsBetween(functionId: number | undefined, from: number, to: number): CallFact[] {
    return (this.calls.get(functionId) ?? []).filter((c) => c.range.startIndex >= from && c.range.startIndex < to);
  }

  assignmentsBetween(functionId: number | undefined, from: number, to: number): AssignmentFact[] {
    return (this.assignments.get(functionId) ?? []).filter((a) => a.range.startIndex >= from && a.range.startIndex < to);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The parameter of `fn` that receives an argument at `call`, when the argument's text is one of `names`. */
function mappedParameters(call: CallFact, fn: FunctionFact, names: Set<string>): string[] {
  const offset = fn.params[0] === 'self' || fn.params[0] === 'cls' ? 1 : 0;
  const out: string[] = [];
  let position = 0;
  for (const a of call.args) {
    if (a.splat) break;
    if (a.keyword === undefined) {
      if (names.has(a.text) && fn.params[position + offset]) out.push(fn.params[position + offset]);
      position++;
    } else if (names.has(a.text) && fn.params.includes(a.keyword)) out.push(a.keyword);
  }
  return out;
}

/** Names a model keeps inside a called function: its parameters, or the same global or `self.` name. */
function namesInside(call: CallFact, fn: FunctionFact, names: Set<string>): Set<string> {
  const inside = new Set(mappedParameters(call, fn, names));
  for (const n of names) if (!fn.params.includes(n.split('.')[0])) inside.add(n);
  return inside;
}

/** A function whose call sites are being checked, and the next site to check. */
interface CoverageFrame {
  id: number;
  sites: CallFact[];
  next: number;
}

/**
 * Every same-file call site of function `id` runs under no_grad, directly or
 * because the calling function is itself covered (or it is a no-grad hook).
 * A function met again while its own answer is pending (recursion) counts as
 * not covered. Callers are followed with an explicit stack rather than by
 * recursion: a chain of functions each calling the next is as long as the
 * file makes it. Answers are kept in `cache` for the rest of the file.
 */
function functionCoveredIn(facts: Facts, index: FileIndex, id: number, cache: Map<number, boolean>): boolean {
  const cached = cache.get(id);
  if (cached !== undefined) return cached;
  const pending = new Set<number>();
  const stack: CoverageFrame[] = [];
  /** Starts on a function: its answer when known at once, else undefined with a frame pushed. */
  const open = (fnId: number): boolean | undefined => {
    const known = cache.get(fnId);
    if (known !== undefined) return known;
    if (pending.has(fnId)) return false;
    pending.add(fnId);
    const fn = facts.functions[fnId];
    if (fn.decorators.some((d) => gradMode(d) === 'off') || LIGHTNING_NO_GRAD_HOOK.test(fn.name)) {
      cache.set(fnId, true);
      return true;
    }
    const sites = index.callSites(fn);
    if (sites.length === 0) {
      cache.set(fnId, false);
      return false;
    }
    stack.push({ id: fnId, sites, next: 0 });
    return undefined;
  };
  let answer = open(id);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    // `answer` is the verdict on the site before `next`, when it had to wait for its caller.
    let covered = answer !== false;
    answer = undefined;
    while (covered && frame.next < frame.sites.length) {
      const site = frame.sites[frame.next++];
      const mode = contextMode(site);
      if (mode === 'off') continue;
      if (mode !== undefined || site.functionId === undefined) {
        covered = false;
        break;
      }
      const caller = open(site.functionId);
      if (caller === undefined) break; // Its frame is on top now: come back with its answer.
      covered = caller;
    }
    if (stack[stack.length - 1] !== frame) continue;
    stack.pop();
    cache.set(frame.id, covered);
    answer = covered;
  }
  return answer!;
}

/** The name `torch` is imported under (`import torch`, `import torch as th`), if it is imported as a module. */
function torchName(facts: Facts): string | undefined {
  return facts.imports.find((i) => i.qualified === 'torch')?.local;
}

/**
 * Whether a loop's body may need gradients or train: a backward pass,
 * `autograd.grad`, `requires_grad`, an optimizer step, `model.train()`, or a
 * same-file function that trains. Wrapping such a loop in `no_grad` would
 * change what it computes.
 */
function loopUsesGradients(facts: Facts, index: FileIndex, loop: LoopFact): boolean {
  const members = loopMembers(facts);
  if (members.calls[loop.id].some((c) => needsGradients(c) || isTrainingCall(c) || isTrainCall(c) || index.calledFunctions(c).some((f) => f.trains))) return true;
  return members.assignments[loop.id].some((a) => /(^|\.)requires_grad$/.test(a.target) || /requires_grad\s*=\s*True|enable_grad/.test(a.valueText));
}

/**
 * The quick fix that wraps the evaluation loop around a model call in
 * `with torch.no_grad():`: the outermost `for`/`while` loop around the call
 * that starts after `model.eval()` and whose body needs no gradients. None
 * when there is no such loop, when `torch` is not imported as a module, when
 * the loop holds a multi-line string (indenting would change it) or a `yield`.
 */
function noGradFix(facts: Facts, index: FileIndex, call: CallFact, from: number): Fix | undefined {
  const torch = torchName(facts);
  if (!torch) return undefined;
  const loop = call.loopIds
    .map((id) => facts.loops[id])
    .find((l) => l.kind !== 'comprehension' && l.range.startIndex >= from && !loopUsesGradients(facts, index, l));
  if (!loop) return undefined;
  const text = facts.text;
  const lineStart = facts.lineStarts[loop.range.start.line];
  const indent = text.slice(lineStart, loop.range.startIndex);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const body = text.slice(lineStart, loop.range.endIndex);
  if (body.includes('"""') || body.includes("'''")) return undefined;
  // A generator suspended inside `no_grad` would leave gradients off in its caller.
  if (/\byield\b/.test(body)) return undefined;
  const lines = body.split('\n');
  // One more level of the file's own indentation, read from the loop body's first line.
  const inner = lines.slice(1).find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const innerIndent = inner ? inner.slice(0, inner.length - inner.trimStart().length) : '';
  const unit = innerIndent.startsWith(indent) && innerIndent.length > indent.length ? innerIndent.slice(indent.length) : indent.includes('\t') ? '\t' : '    ';
  const wrapped = lines.map((l) => (l.trim() === '' ? l : unit + l)).join('\n');
  return {
    title: `Wrap the evaluation loop in \`with ${torch}.no_grad():\``,
    edits: [{ range: spanRange(facts, lineStart, loop.range.endIndex), newText: `${indent}with ${torch}.no_grad():\n${wrapped}` }],
    safe: true,
  };
}

/**
 * GL301: a model called in evaluation mode with autograd still on. `.eval()`
 * only changes how dropout and batch norm behave; every operation is still
 * recorded and its activations kept for a backward pass that never comes.
 *
 * Model calls count after `model.eval()` (or `model.eval()(x)`) in the same
 * function, and inside same-file functions called from there (or that put the
 * model in eval mode before their loop). Silent under `torch.no_grad()`,
 * `torch.inference_mode()` or their decorators, in functions whose every
 * same-file call site is under one, in Lightning's evaluation hooks, and
 * where the evaluation needs gradients (saliency maps, style-transfer targets).
 */
export const evalWithoutNoGrad: Rule = {
  meta: {
    code: 'GL301',
    name: 'eval-without-no-grad',
    family: 'GL3',
    summary: 'A model in eval mode runs with autograd still recording (no torch.no_grad / inference_mode).',
    defaultSeverity: 'information',
    languages: ['python'],
    fixable: true,
  },
  check(facts) {
    if (!importsPackage(facts, 'torch')) return [];
    const gradOffStatements = callGroups(facts)
      .filter((g) => SET_GRAD.test(g.name))
      .flatMap((g) => g.calls)
      .filter((c) => c.args[0]?.literal === false && isStatement(facts, c))
      .sort((a, b) => a.id - b.id);
    // `torch.set_grad_enabled(False)` at module level turns gradients off for the whole script.
    if (gradOffStatements.some((c) => c.functionId === undefined)) return [];
    const index = new FileIndex(facts);

    const coveredCache = new Map<number, boolean>();
    const functionCovered = (id: number): boolean => functionCoveredIn(facts, index, id, coveredCache);
    const covered = (call: CallFact): boolean => {
      const mode = contextMode(call);
      if (mode) return mode === 'off';
      if (gradOffStatements.some((s) => s.functionId === call.functionId && s.range.endIndex <= call.range.startIndex)) return true;
      return call.functionId !== undefined && functionCovered(call.functionId);
    };

    const reports = new Map<number, RuleReport>();
    const report = (call: CallFact, from: number) => {
      if (reports.has(call.id)) return;
      reports.set(call.id, {
        range: call.calleeRange,
        message:
          `\`${calleeText(facts, call)}(…)\` runs in eval mode with autograd still on: \`.eval()\` only changes dropout and batch norm, so every operation is still recorded and its activations kept for a backward pass that never comes (\`.detach()\` on the output does not prevent this). ` +
          'Run evaluation under `with torch.no_grad():` or `torch.inference_mode()` (or decorate the function with `@torch.no_grad()`) to save that activation memory and the autograd bookkeeping. ' +
          'How much that saves depends on the model and batch: compare `torch.cuda.max_memory_allocated()` and the time of one evaluation pass with and without it. ' +
          'Source: PyTorch autograd docs, "Locally disabling gradient computation"; creedengo rule GCI100 measured lower memory use and lower CO2 for a small CNN evaluated under `torch.no_grad()`.',
        fix: noGradFix(facts, index, call, from),
      });
    };

    /** Reports model calls from the switch to the end of evaluation mode in one function, then follows same-file calls. */
    const scan = (sw: EvalSwitch, depth: number, visited: Set<number>) => {
      const { functionId, names } = sw;
      const end = functionId === undefined ? facts.text.length : facts.functions[functionId].range.endIndex;
      const after = index.callsBetween(functionId, sw.from, end);
      // Evaluation mode ends at `model.train()` or at a call of a same-file function that trains.
      const trainAgain = after.find(
        (c) => (isTrainCall(c) && names.has(baseReceiver(facts, c) ?? '')) || index.calledFunctions(c).some((f) => f.trains),
      );
      const to = trainAgain ? trainAgain.range.startIndex : end;
      const region = after.filter((c) => c.range.startIndex < to);
      const gradientAssignment = index
        .assignmentsBetween(functionId, sw.from, to)
        .some((a) => /(^|\.)requires_grad$/.test(a.target) && a.literal === true);
      // Gradient-based evaluation (saliency, style-transfer targets) needs the graph.
      if (gradientAssignment || region.some(needsGradients)) return;
      if (sw.site && covered(sw.site)) return;
      const modelCalls = region.filter((c) => names.has(calleeText(facts, c)) || (c.method === 'forward' && names.has(c.receiver ?? '')));
      if (sw.chained) modelCalls.push(sw.chained);
      for (const c of modelCalls) if (!covered(c)) report(c, sw.from);
      if (depth >= MAX_DEPTH) return;
      for (const site of region) {
        for (const fn of index.calledFunctions(site)) {
          if (fn.trains || visited.has(fn.id)) continue;
          const inner = namesInside(site, fn, names);
          if (inner.size === 0) continue;
          scan({ from: fn.range.startIndex, functionId: fn.id, names: inner, site }, depth + 1, new Set([...visited, fn.id]));
        }
      }
    };
    for (const sw of collectSwitches(facts, index)) scan(sw, 0, new Set(sw.functionId === undefined ? [] : [sw.functionId]));
    return [...reports.values()];
  },
};

/**
 * Every place a model enters eval mode: `model.eval()` itself, and the call
 * sites of same-file helpers that leave a parameter or a global in eval mode
 * (`set_eval(model)`, then the loop).
 */
function collectSwitches(facts: Facts, index: FileIndex): EvalSwitch[] {
  const switches: EvalSwitch[] = [];
  for (const call of facts.calls) {
    if (!isEvalCall(call)) continue;
    const names = new Set(call.assignedTo.filter((n) => DOTTED.test(n)));
    const base = baseReceiver(facts, call);
    if (base) names.add(base);
    const chained = call.resultCalled
      ? index.callsBetween(call.functionId, call.range.startIndex, call.range.startIndex + 1).find((c) => c.calleeRange.endIndex === call.range.endIndex)
      : undefined;
    if (names.size === 0 && !chained) continue;
    switches.push({ from: call.range.endIndex, functionId: call.functionId, names, chained });

    if (call.functionId === undefined || !base) continue;
    const helper = facts.functions[call.functionId];
    const restores = index
      .callsBetween(helper.id, call.range.endIndex, helper.range.endIndex)
      .some((c) => isTrainCall(c) && baseReceiver(facts, c) === base);
    if (restores) continue;
    const root = base.split('.')[0];
    const param = helper.params.indexOf(root);
    const offset = helper.params[0] === 'self' || helper.params[0] === 'cls' ? 1 : 0;
    for (const site of index.callSites(helper)) {
      let passed: string | undefined = base;
      if (param >= 0) {
        const arg = argument(site, root, param - offset);
        passed = arg && DOTTED.test(arg.text) ? arg.text + base.slice(root.length) : undefined;
      }
      if (passed) switches.push({ from: site.range.endIndex, functionId: site.functionId, names: new Set([passed]) });
    }
  }
  return switches;
}
