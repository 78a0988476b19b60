import type { CallFact, Facts } from '../facts';
import type { Rule, RuleReport } from '../rule';
import { argument } from '../ruleHelpers';

/** A receiver cut down to a few rows first (`df.head()`, `df.sample(5)`) is cheap to walk. */
const SMALL_FRAME = /\.(head|tail|sample|nlargest|nsmallest)\(/;

function rowWiseKind(call: CallFact): 'iterrows' | 'itertuples' | 'apply' | undefined {
  if (!call.receiver) return undefined;
  if (call.method === 'iterrows' || call.method === 'itertuples') return call.method;
  if (call.method === 'apply') {
    const axis = argument(call, 'axis');
    if (axis && (axis.literal === 1 || axis.literal === 'columns')) return 'apply';
  }
  return undefined;
}

/** `next(df.iterrows())` and loops that stop at a match read only the first rows. */
function readsFewRows(facts: Facts, call: CallFact, nextCalls: CallFact[]): boolean {
  if (SMALL_FRAME.test(call.receiver ?? '')) return true;
  const outer = nextCalls.find((c) => c.args[0]?.range.startIndex === call.range.startIndex);
  if (outer) return true;
  const loop = facts.loops.find((l) => l.iterCallId === call.id);
  return loop?.hasBreak ?? false;
}

const ADVICE: Record<string, string> = {
  iterrows:
    '`iterrows()` builds a new pandas Series for every row (and casts the row to one dtype), so the loop costs Python work per row and per value. ',
  itertuples:
    '`itertuples()` is faster than `iterrows()` but still runs Python code once per row. ',
  apply:
    '`apply(..., axis=1)` calls a Python function once per row with the row boxed as a Series. ',
};

/**
 * GL203: row-by-row iteration over a pandas DataFrame. Whether it matters
 * depends on the frame's size, which a static check cannot see, so the rule
 * informs rather than warns.
 */
export const dataframeRowIteration: Rule = {
  meta: {
    code: 'GL203',
    name: 'dataframe-row-iteration',
    family: 'GL2',
    summary: 'A pandas DataFrame is processed row by row in Python instead of with column operations.',
    defaultSeverity: 'information',
    languages: ['python'],
    fixable: false,
  },
  check(facts) {
    const reports: RuleReport[] = [];
    let nextCalls: CallFact[] | undefined;
    for (const call of facts.calls) {
      const kind = rowWiseKind(call);
      if (!kind) continue;
      nextCalls ??= facts.calls.filter((c) => c.name === 'next');
      if (readsFewRows(facts, call, nextCalls)) continue;
      reports.push({
        range: call.nameRange,
        message:
          ADVICE[kind] +
          'On large frames this is far slower than column-wise work: use vectorised column arithmetic (`df["a"] * df["b"]`), `np.where`/`Series.where`, `.map` on one column, or `df.eval`. ' +
          'Source: pandas user guide, "Essential basic functionality → Iteration" (iterating is generally slow; look for a vectorised solution) and "Enhancing performance", ' +
          'whose row-wise `apply(axis=1)` example becomes about 100× faster once the per-row Python is replaced by compiled code over whole columns.',
      });
    }
    return reports;
  },
};
