/**
 * CPU model name → TDP (thermal design power, watts per package), read from the
 * project's compact table ./cpuPower.json, which scripts/build-cpu-power-table.js
 * builds from CodeCarbon's cpu_power.csv (MIT License; source named in the
 * table's header). The energy meter uses it only when no counter measures the
 * CPU, and labels every figure it derives from it "estimated".
 */
import table from './cpuPower.json';

/** The source to quote beside a TDP from this table. */
export const CPU_POWER_SOURCE: string = table.source;

export interface CpuTdp {
  /** The model name as the table writes it. */
  name: string;
  tdpW: number;
  /**
   * `exact`: the normalised names are equal; `closest`: the most specific
   * table name whose words all appear in the queried name (or the reverse)
   * and which carries the same model number.
   */
  match: 'exact' | 'closest';
}

interface Row {
  name: string;
  tdpW: number;
  tokens: string[];
}

interface Index {
  exact: Map<string, Row>;
  byToken: Map<string, Row[]>;
}

let index: Index | undefined;

/**
 * Reduces a CPU name to the words that identify the model, so that
 * `Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz` (/proc/cpuinfo) and
 * `Intel Xeon E5-2686 v4` (the table) compare equal. Drops trademarks,
 * parenthesised notes, clock speeds, core counts, "Nth Gen", integrated
 * graphics and filler words such as "CPU" and "Processor".
 */
export function normaliseCpuName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[\u00a0\u200b\u200c\u200d\ufeff]/g, ' ')
    .replace(/\((r|tm|c)\)|®|™/g, ' ')
    .replace(/\([^)]*\)/g, ' ')
    .replace(/@.*$/, ' ')
    .replace(/\b\d+(\.\d+)?\s*[gm]hz\b/g, ' ')
    .replace(/\b(with|w\/)\s+radeon.*$/, ' ')
    .replace(/\b[a-z0-9]+-core\b/g, ' ')
    .replace(/\b\d+(st|nd|rd|th)\s+gen(eration)?\b/g, ' ')
    .replace(/\b(cpu|processor|apu|genuine)\b/g, ' ')
    .replace(/[,;]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

function buildIndex(): Index {
  const exact = new Map<string, Row>();
  const byToken = new Map<string, Row[]>();
  for (const [name, tdpW] of table.rows as [string, number][]) {
    const key = normaliseCpuName(name);
    if (!key) continue;
    const previous = exact.get(key);
    // Two spellings of one model: keep the higher TDP, as the table build does.
    if (previous && previous.tdpW >= tdpW) continue;
    const row: Row = { name, tdpW, tokens: key.split(' ') };
    exact.set(key, row);
    for (const t of row.tokens) {
      if (!/\d/.test(t)) continue;
      const list = byToken.get(t) ?? [];
      list.push(row);
      byToken.set(t, list);
    }
  }
  return { exact, byToken };
}

/** The word that names the model: the longest one with a digit (`e5-2686`, `7b12`, `i7-8565u`). */
function modelNumber(tokens: string[]): string | undefined {
  let best: string | undefined;
  for (const t of tokens) if (/\d/.test(t) && (!best || t.length >= best.length)) best = t;
  return best;
}

/**
 * The TDP of a CPU model, from its /proc/cpuinfo "model name" or any common
 * spelling of it; undefined when the table has no row for that model number
 * (generic names such as `Intel(R) Xeon(R) CPU @ 2.20GHz` never match).
 */
export function lookupCpuTdp(modelName: string): CpuTdp | undefined {
  index ??= buildIndex();
  const key = normaliseCpuName(modelName);
  if (!key) return undefined;
  const hit = index.exact.get(key);
  if (hit) return { name: hit.name, tdpW: hit.tdpW, match: 'exact' };

  const query = key.split(' ');
  const model = modelNumber(query);
  if (!model) return undefined;
  const words = new Set(query);
  const candidates = index.byToken.get(model) ?? [];

  // A table name whose words all appear in the query: the most specific wins.
  let best: Row | undefined;
  for (const row of candidates) {
    if (!row.tokens.every((t) => words.has(t))) continue;
    if (!best || row.tokens.length > best.tokens.length || (row.tokens.length === best.tokens.length && row.tdpW > best.tdpW)) best = row;
  }
  // Else a table name that only adds words without digits ("… Microsoft Surface Edition").
  if (!best) {
    for (const row of candidates) {
      const rowWords = new Set(row.tokens);
      if (!query.every((t) => rowWords.has(t))) continue;
      if (row.tokens.some((t) => !words.has(t) && /\d/.test(t))) continue;
      if (!best || row.tokens.length < best.tokens.length || (row.tokens.length === best.tokens.length && row.tdpW > best.tdpW)) best = row;
    }
  }
  return best && { name: best.name, tdpW: best.tdpW, match: 'closest' };
}
