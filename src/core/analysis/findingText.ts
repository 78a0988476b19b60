/**
 * A finding's message, shaped for a reader who glances at it: the first
 * sentence (what is wrong, with its figure), the rest (what to do, what to
 * measure) and the source the figures come from.
 *
 * Every rule writes one message ending in `Source: …` (or `Sources: …`), with
 * code in backticks. The editor shows the headline and source as the plain
 * diagnostic text (VS Code shows diagnostics as plain text) and the whole
 * finding as Markdown in the hover, one block per finding; the CLI and SARIF
 * print the message as written.
 */
import type { Finding, Severity } from './types';

export interface FindingText {
  /** The first sentence: what is wrong, with its figure when the rule has one. */
  headline: string;
  /** The sentences after it, before the source: what to do instead, what to measure. */
  details: string;
  /** Where the figures and claims come from, without the label. */
  source?: string;
  /** `Source` or `Sources`, as the rule wrote it. */
  sourceLabel?: string;
}

/** Words ending in a full stop that do not end a sentence. */
const ABBREVIATION = /(\b(e\.g|i\.e|etc|vs|al|approx|cf|no|fig)|\b[A-Z])\.$/i;

/**
 * Offsets of the characters outside code spans, brackets and double quotes,
 * where a full stop may end a sentence or a label may start the source.
 */
function topLevel(text: string): boolean[] {
  const top: boolean[] = new Array(text.length).fill(false);
  let code = false;
  let quote = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '`') {
      code = !code;
      continue;
    }
    if (code) continue;
    if (c === '"') quote = !quote;
    else if (!quote && (c === '(' || c === '[')) depth++;
    else if (!quote && (c === ')' || c === ']') && depth > 0) depth--;
    top[i] = !quote && depth === 0;
  }
  return top;
}

/** Splits a message into headline, details and source. */
export function splitMessage(message: string): FindingText {
  const text = message.trim();
  const top = topLevel(text);
  let body = text;
  let source: string | undefined;
  let sourceLabel: string | undefined;
  const label = /(^|\s)(Sources?): /g;
  let m: RegExpExecArray | null;
  let at = -1;
  while ((m = label.exec(text))) {
    const start = m.index + m[1].length;
    if (top[start]) {
      at = start;
      sourceLabel = m[2];
    }
  }
  if (at >= 0) {
    body = text.slice(0, at).trim();
    source = text.slice(at + sourceLabel!.length + 2).trim();
  }
  const bodyTop = topLevel(body);
  let end = body.length;
  for (let i = 0; i < body.length - 1; i++) {
    if (!bodyTop[i] || !/[.!?]/.test(body[i]) || !/\s/.test(body[i + 1])) continue;
    if (body[i] === '.' && ABBREVIATION.test(body.slice(Math.max(0, i - 8), i + 1))) continue;
    end = i + 1;
    break;
  }
  return { headline: body.slice(0, end).trim(), details: body.slice(end).trim(), source, sourceLabel };
}

/** The text without code-span backticks, for places that show plain text (VS Code's Problems view and diagnostic hovers). */
export function plainText(text: string): string {
  return text.replace(/`([^`]*)`/g, '$1');
}

/**
 * The diagnostic text of a finding: its headline and its source, in plain
 * text. The hover holds the rest, so the Problems view shows one short line
 * per finding and every figure in it still carries its source.
 */
export function diagnosticMessage(finding: Pick<Finding, 'message'>): string {
  const parts = splitMessage(finding.message);
  const source = parts.source ? ` ${parts.sourceLabel}: ${parts.source}` : '';
  return plainText(parts.headline + source);
}

/** Markdown's special characters outside code spans, escaped so a message's `*` or `_` shows as written. */
export function escapeMarkdown(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, k) => (k % 2 === 1 ? part : part.replace(/[\\*_[\]<>#|~]/g, '\\$&')))
    .join('');
}

const SEVERITY_WORD: Record<Severity, string> = { error: 'Error', warning: 'Warning', information: 'Information', hint: 'Hint' };

export interface MarkdownOptions {
  /** Where the rule's documentation opens (a command or web address); no link without it. */
  docsLink?: string;
}

/**
 * One Markdown block for a finding: a title line (code, rule name, severity,
 * docs link), the headline, the details, the source and the quick fix when
 * there is one. Code spans render as code; nothing else in the message is
 * read as Markdown.
 */
export function findingMarkdown(finding: Finding, options: MarkdownOptions = {}): string {
  const parts = splitMessage(finding.message);
  const docs = options.docsLink ? ` · [${finding.code} docs](${options.docsLink})` : '';
  const lines = [`**${finding.code}** ${escapeMarkdown(finding.ruleName)} · ${SEVERITY_WORD[finding.severity]}${docs}`, '', `**${escapeMarkdown(parts.headline)}**`];
  if (parts.details) lines.push('', escapeMarkdown(parts.details));
  if (parts.source) lines.push('', `*${parts.sourceLabel}:* ${escapeMarkdown(parts.source)}`);
  if (finding.fix) lines.push('', `*Quick fix:* ${escapeMarkdown(finding.fix.title)}`);
  return lines.join('\n');
}
