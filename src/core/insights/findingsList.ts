/**
 * Open findings as a list a reader scans: rule, family, the message's first
 * sentence and the place, for the sidebar's findings list (which the family
 * tiles filter) and the run report. The full message stays in the editor's
 * hover; this is the line that says what and where.
 */
import type { Finding } from '../analysis/types';
import type { FindingItem } from '../../shared/protocol';

const FAMILIES = new Set<FindingItem['family']>(['GL1', 'GL2', 'GL3', 'GL4', 'GL5', 'GL6']);
const SUMMARY_MAX = 300;

/** The family of a rule code (`GL304` → `GL3`), or undefined for a code outside the catalogue. */
export function familyOf(code: string): FindingItem['family'] | undefined {
  const family = code.slice(0, 3) as FindingItem['family'];
  return FAMILIES.has(family) && /^GL\d{3}$/.test(code) ? family : undefined;
}

/**
 * The first sentence of a message: up to the first `.`, `!` or `?` followed
 * by a space and a capital, a backtick or a parenthesis (so "11.5 GFLOPs"
 * and "`x.item()`" do not end it), shortened when long.
 */
export function firstSentence(message: string): string {
  const text = message.replace(/\s+/g, ' ').trim();
  const end = /[.!?](?=\s+[A-Z`(])/.exec(text);
  const sentence = end ? text.slice(0, end.index + 1) : text;
  return sentence.length > SUMMARY_MAX ? `${sentence.slice(0, SUMMARY_MAX - 1)}…` : sentence;
}

/** One file's findings as list items. */
export function findingItemsOf(file: string, findings: readonly Finding[]): FindingItem[] {
  const out: FindingItem[] = [];
  for (const f of findings) {
    const family = familyOf(f.code);
    if (!family) continue;
    out.push({ code: f.code, ruleName: f.ruleName, family, severity: f.severity, summary: firstSentence(f.message), file, line: f.range.start.line });
  }
  return out;
}

/**
 * The findings of several files, by family, then file and line; at most
 * `perFamily` of each family (a workspace scan can find thousands; the
 * tiles carry the full counts, so every family keeps its first findings).
 */
export function findingItems(files: readonly { file: string; findings: readonly Finding[] }[], perFamily = 50): FindingItem[] {
  const all = files.flatMap((f) => findingItemsOf(f.file, f.findings));
  all.sort((a, b) => a.family.localeCompare(b.family) || a.file.localeCompare(b.file) || a.line - b.line || a.code.localeCompare(b.code));
  const taken = new Map<string, number>();
  return all.filter((item) => {
    const n = taken.get(item.family) ?? 0;
    taken.set(item.family, n + 1);
    return n < perFamily;
  });
}
