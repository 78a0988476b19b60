import type { ArgFact, CallFact, Facts } from '../facts';
import { assignedNames, spanRange } from '../modelCalls';
import type { Rule, RuleReport } from '../rule';
import { argument, percent } from '../ruleHelpers';
import type { Fix, TextEdit } from '../types';
import {
  heavyLanguageFamily,
  idInStyleOf,
  languageModel,
  sharedScore,
  sizeFromName,
} from '../../knowledge/modelReader';
import type { LanguageModel } from '../../knowledge/models';

/** Classes and variables whose `from_pretrained` loads no weights worth flagging. */
const NOT_A_MODEL = /(tokenizer|config|processor|feature_?extractor)(fast|_class|_cls)?$/i;
/** Checkpoints at least this large (billions, read from the name) are flagged without a table entry. */
const LARGE_BY_NAME_B = 60;

interface CheckpointUse {
  call: CallFact;
  arg: ArgFact;
  id: string;
}

/** The checkpoint id a call loads, when it is a literal (or a module-level constant). */
function checkpointUse(call: CallFact): CheckpointUse | undefined {
  let arg: ArgFact | undefined;
  if (call.method === 'from_pretrained') {
    if (call.receiver && NOT_A_MODEL.test(call.receiver)) return undefined;
    arg = argument(call, 'pretrained_model_name_or_path', 0);
  } else if (call.name === 'transformers.pipeline') {
    arg = argument(call, 'model', 1);
  } else if (call.name === 'sentence_transformers.SentenceTransformer') {
    arg = argument(call, 'model_name_or_path', 0);
  }
  if (!arg || typeof arg.literal !== 'string') return undefined;
  return { call, arg, id: arg.literal };
}

/** Literal arguments that load a tokenizer, config or processor for `id`, which must change with the model. */
function companionArgs(facts: Facts, id: string): ArgFact[] {
  const out: ArgFact[] = [];
  for (const c of facts.calls) {
    let arg: ArgFact | undefined;
    if (c.method === 'from_pretrained' && c.receiver && NOT_A_MODEL.test(c.receiver)) arg = argument(c, 'pretrained_model_name_or_path', 0);
    else if (c.name === 'transformers.pipeline') arg = argument(c, 'tokenizer');
    if (arg && arg.literal === id) out.push(arg);
  }
  return out;
}

const isStringLiteral = (arg: ArgFact) => /^[rRuU]?["']/.test(arg.text);

/** An edit that swaps `id` for `replacement` where the argument's value is written. */
function literalEdit(facts: Facts, arg: ArgFact, id: string, replacement: string): TextEdit | undefined {
  if (isStringLiteral(arg)) {
    return arg.text.includes(id) ? { range: arg.range, newText: arg.text.replace(id, replacement) } : undefined;
  }
  // `MODEL = "bert-large-uncased"` at module level: edit the constant, which every use shares.
  const assignment = facts.assignments.find(
    (a) => a.target === arg.text && a.functionId === undefined && a.loopIds.length === 0 && a.operator === '=' && a.literal === id,
  );
  if (!assignment || !assignment.valueText.includes(id)) return undefined;
  const valueStart = assignment.range.endIndex - assignment.valueText.length;
  const value = facts.text.slice(valueStart, assignment.range.endIndex);
  if (value !== assignment.valueText) return undefined;
  return { range: spanRange(facts, valueStart, assignment.range.endIndex), newText: value.replace(id, replacement) };
}

function replaceFix(facts: Facts, use: CheckpointUse, replacement: string): Fix | undefined {
  const main = literalEdit(facts, use.arg, use.id, replacement);
  if (!main) return undefined;
  const edits = [main];
  for (const arg of companionArgs(facts, use.id)) {
    const e = literalEdit(facts, arg, use.id, replacement);
    if (e && !edits.some((x) => x.range.startIndex === e.range.startIndex)) edits.push(e);
  }
  edits.sort((a, b) => a.range.startIndex - b.range.startIndex);
  const also = edits.length > 1 ? ' (and its tokenizer)' : '';
  return { title: `Use ${replacement} instead of ${use.id}${also}`, edits, safe: false };
}

function params(m: number): string {
  if (m >= 1000) return `${Number((m / 1000).toFixed(1))}B`;
  return `${m}M`;
}

function exactReport(facts: Facts, use: CheckpointUse, model: LanguageModel): RuleReport | undefined {
  const siblings = (model.siblings ?? []).map((s) => languageModel(s)).filter((m): m is LanguageModel => m !== undefined);
  const sibling = siblings[0];
  if (!sibling) return undefined;
  const replacement = idInStyleOf(sibling, use.id);
  const sources = new Set([model.source, sibling.source]);
  let text = `${use.id} → ${replacement}: ${percent((sibling.paramsM - model.paramsM) / model.paramsM)} parameters (${params(model.paramsM)} → ${params(sibling.paramsM)})`;
  const score = sharedScore(model, sibling);
  if (score) {
    text += `, ${score.benchmark} ${score.from.value} → ${score.to.value}`;
    sources.add(score.from.source);
  }
  text += '.';
  if (sibling.claim) text += ` ${sibling.claim}.`;
  const alt = siblings[1];
  if (alt) {
    const altScore = sharedScore(model, alt);
    const scoreText = altScore ? `; ${altScore.benchmark} ${altScore.from.value} → ${altScore.to.value}` : '';
    if (altScore) sources.add(altScore.from.source);
    sources.add(alt.source);
    text += ` Or ${idInStyleOf(alt, use.id)} (${params(alt.paramsM)} parameters${scoreText}).`;
  }
  text += ` Fine-tune the smaller checkpoint first and keep the large one only if your validation metric needs it. Sources: ${[...sources].join('; ')}.`;
  return {
    range: use.arg.range,
    message: text,
    savings: [{ metric: 'parameters', from: model.paramsM, to: sibling.paramsM, unit: 'M', ratio: (sibling.paramsM - model.paramsM) / model.paramsM, source: model.source }],
    fix: replaceFix(facts, use, replacement),
  };
}

/** A checkpoint derived from a heavy base (`roberta-large-mnli`): a swap would lose its fine-tuning, so no fix. */
function familyReport(use: CheckpointUse, base: LanguageModel): RuleReport | undefined {
  const sibling = (base.siblings ?? []).map((s) => languageModel(s)).find((m): m is LanguageModel => m !== undefined);
  if (!sibling) return undefined;
  return {
    range: use.arg.range,
    severity: 'information',
    message:
      `${use.id} is a ${base.stem ?? base.id} checkpoint (${params(base.paramsM)} parameters). ` +
      `The same task fine-tuned on ${sibling.id} (${params(sibling.paramsM)}, ${percent((sibling.paramsM - base.paramsM) / base.paramsM)} parameters) would cost correspondingly less per step; ` +
      `replacing the id here would drop the task fine-tuning, so look for a distilled or base-size checkpoint trained on your task. Source: ${base.source}.`,
  };
}

function largeByNameReport(use: CheckpointUse, billions: number): RuleReport {
  return {
    range: use.arg.range,
    severity: 'information',
    message:
      `${use.id} has about ${billions}B parameters (from its name): every step reads all of them. ` +
      `If a smaller size of the same family (7–13B) meets your quality bar, it needs a fraction of the memory and compute; for fine-tuning, parameter-efficient methods (LoRA) and quantised loading cut the cost further. ` +
      `Source: the parameter count written in the checkpoint id (${billions}B); Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models".`,
  };
}

/**
 * GL102: a large language checkpoint (bert-large, roberta-large, gpt2-large/xl,
 * t5-large/3b/11b, xlm-roberta-large, 70B-class models) loaded by literal id
 * where a distilled or smaller sibling exists.
 */
export const heavyLanguageModel: Rule = {
  meta: {
    code: 'GL102',
    name: 'heavy-language-model',
    family: 'GL1',
    summary: 'A large language checkpoint is loaded where a distilled or smaller sibling exists.',
    defaultSeverity: 'warning',
    languages: ['python'],
    fixable: true,
  },
  check(facts) {
    const reports: RuleReport[] = [];
    for (const call of facts.calls) {
      const use = checkpointUse(call);
      if (!use) continue;
      // A distillation teacher is large on purpose; the student is where the saving is.
      if (assignedNames(facts, call).some((t) => /teacher/i.test(t))) continue;
      const exact = languageModel(use.id);
      let r: RuleReport | undefined;
      if (exact) r = exact.heavy ? exactReport(facts, use, exact) : undefined;
      else {
        const base = heavyLanguageFamily(use.id);
        const billions = sizeFromName(use.id);
        if (base) r = familyReport(use, base);
        else if (billions !== undefined && billions >= LARGE_BY_NAME_B) r = largeByNameReport(use, billions);
      }
      if (r) reports.push(r);
    }
    return reports;
  },
};
