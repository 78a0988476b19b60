/**
 * Words for suggestions and findings, shared by the sidebar and the run
 * report: the family names of the rule codes, what a suggestion saves on a
 * measured run, and Markdown code spans split out of a message. Pure
 * functions without DOM, so unit tests in Node cover them.
 */
import type { FindingItem, RunSaving, SuggestionEvidence } from '../../shared/protocol';
import { formatEnergy, formatPercent } from './format';

export type Family = FindingItem['family'];

/** The rule families by code prefix, named for what they flag (RULES.md). */
export const FAMILY_NAMES: readonly (readonly [Family, string])[] = [
  ['GL1', 'Heavy models'],
  ['GL2', 'Loops'],
  ['GL3', 'Training setup'],
  ['GL4', 'Data pipeline'],
  ['GL5', 'TensorFlow.js'],
  ['GL6', 'Export & serving'],
];

export function familyName(family: Family): string {
  return FAMILY_NAMES.find(([code]) => code === family)?.[1] ?? family;
}

/**
 * What a suggestion saves on a completed run of the script, e.g.
 * "≈ 6.45 Wh per run: 64% (FLOPs per image) of the 10 Wh its completed run used (measured)".
 */
export function runSavingText(r: RunSaving): string {
  const amount = `${r.upTo ? 'up to' : '≈'} ${formatEnergy(r.kWh)} per run`;
  const provenance = r.provenance ? ` (${r.provenance})` : '';
  return `${amount}: ${formatPercent(r.ratio)} (${r.metric}) of the ${formatEnergy(r.runKWh)} its completed run used${provenance}`;
}

/** "line 71: saves the trained model" (lines counted from 1, as the editor shows them). */
export function evidenceText(e: SuggestionEvidence): string {
  return `line ${e.line + 1}: ${e.what}`;
}

/** "also lines 23, 40" for the other places of the same finding; empty when there are none. */
export function alsoAtText(lines: readonly number[] | undefined): string {
  if (!lines || lines.length === 0) return '';
  return `also ${lines.length === 1 ? 'line' : 'lines'} ${lines.map((l) => l + 1).join(', ')}`;
}

/** A message split at Markdown code spans: `x.item()` becomes a code part. An unclosed backtick stays text. */
export function codeSpans(text: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  const re = /`([^`]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push({ code: false, text: text.slice(last, m.index) });
    parts.push({ code: true, text: m[1] });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ code: false, text: text.slice(last) });
  return parts;
}

/** The findings of one family, or all of them when no family is chosen. */
export function findingsOfFamily(items: readonly FindingItem[], family: Family | undefined): FindingItem[] {
  return family === undefined ? [...items] : items.filter((f) => f.family === family);
}
