/**
 * Lexical scanning of Python source inside one top-level statement that has
 * no syntax error: names, bracket matching and comma-separated items, with
 * the statement's strings and comments (located by the collected nodes)
 * skipped, since brackets and commas inside them are not syntax.
 */
import { CollectedNodes, K } from './pythonSyntax';
import type { Span } from './pythonShapes';

/** Keywords that are not names: a "name" spelled like one means something else. */
export const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

const KEYWORD_INITIALS = new Set([...KEYWORDS].map((k) => k.charCodeAt(0)));

export const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
export const isOpen = (c: number) => c === 40 || c === 91 || c === 123; // ( [ {
export const isClose = (c: number) => c === 41 || c === 93 || c === 125; // ) ] }
export const isDigit = (c: number) => c >= 48 && c <= 57;
export const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
export const isNameChar = (c: number) => isNameStart(c) || isDigit(c);

/** Returned by `nameChain` when the text is not a plain dotted name. */
export const NOT_A_NAME = -2;

/** Scans one statement's text, knowing where its strings and comments are. */
export class SourceScanner {
  /** Strings and comments of the statement in pre-order: brackets and commas inside them are not syntax. */
  protected readonly opaqueStarts: number[] = [];
  protected readonly opaqueEnds: number[] = [];
  protected readonly opaqueIsComment: boolean[] = [];

  constructor(
    protected readonly text: string,
    protected readonly collected: CollectedNodes,
    /** The statement's collected nodes are [from, to). */
    protected readonly from: number,
    protected readonly to: number,
    /** End of the statement: nothing after it belongs to it. */
    protected readonly limit: number,
  ) {
    const { kinds, starts, ends } = collected;
    for (let i = from; i < to; i++) {
      const kind = kinds[i];
      if (kind !== K.string && kind !== K.comment) continue;
      this.opaqueStarts.push(starts[i]);
      this.opaqueEnds.push(ends[i]);
      this.opaqueIsComment.push(kind === K.comment);
    }
  }

  /** End of the ASCII name starting at `p` (`p` itself when none starts there). */
  protected nameEnd(p: number): number {
    const text = this.text;
    if (!isNameStart(text.charCodeAt(p))) return p;
    p++;
    while (isNameChar(text.charCodeAt(p))) p++;
    return p;
  }

  /** Start of the ASCII name ending at `end` (not before `start`), or -1 when none does. */
  protected nameBefore(start: number, end: number): number {
    const text = this.text;
    let p = end;
    while (p > start && isNameChar(text.charCodeAt(p - 1))) p--;
    if (p === end || !isNameStart(text.charCodeAt(p)) || text.charCodeAt(p - 1) > 127) return -1;
    return p;
  }

  /**
   * For `a` or `a.b.c` written without spaces and spanning exactly [start,
   * end): the offset of the last dot (start - 1 when there is none).
   * NOT_A_NAME for anything else.
   */
  protected nameChain(start: number, end: number): number {
    let p = this.nameEnd(start);
    if (p === start) return NOT_A_NAME;
    let lastDot = start - 1;
    while (p < end && this.text.charCodeAt(p) === 46) {
      const next = this.nameEnd(p + 1);
      if (next === p + 1) return NOT_A_NAME;
      lastDot = p;
      p = next;
    }
    return p === end ? lastDot : NOT_A_NAME;
  }

  /** Whether the first name of [start, end) is a keyword (`None.x`, `lambda`). */
  protected startsWithKeyword(start: number, end: number): boolean {
    const length = Math.min(this.nameEnd(start), end) - start;
    // Keywords have 2 to 8 letters: most names are ruled out without building a string.
    return length >= 2 && length <= 8 && KEYWORD_INITIALS.has(this.text.charCodeAt(start)) && KEYWORDS.has(this.text.slice(start, start + length));
  }

  /** Only names, spaces and dots (non-ASCII letters included). */
  protected nameLike(start: number, end: number): boolean {
    const text = this.text;
    for (let p = start; p < end; p++) {
      const c = text.charCodeAt(p);
      if (!isNameChar(c) && !isSpace(c) && c !== 46 && c <= 127) return false;
    }
    return true;
  }

  /** A string literal starts here, maybe with a prefix of up to three letters. */
  protected stringLike(start: number, end: number): boolean {
    const text = this.text;
    let p = start;
    while (p < end && p - start < 3 && ((text.charCodeAt(p) | 32) >= 97 && (text.charCodeAt(p) | 32) <= 122)) p++;
    const c = text.charCodeAt(p);
    return c === 34 || c === 39;
  }

  /** `name=` where the name has non-ASCII letters. */
  protected keywordLike(start: number, end: number): boolean {
    const text = this.text;
    let p = start;
    while (p < end && (isNameChar(text.charCodeAt(p)) || text.charCodeAt(p) > 127)) p++;
    while (p < end && isSpace(text.charCodeAt(p))) p++;
    return text.charCodeAt(p) === 61 && text.charCodeAt(p + 1) !== 61;
  }

  /** The outermost collected node spanning exactly [start, end) in this statement, or -1. */
  protected spanning(start: number, end: number): number {
    return this.collected.spanning(this.from, this.to, start, end);
  }

  /**
   * The strings and comments inside [start, end) that no other one inside it
   * contains, as indices. Relative to the range because the range itself may
   * sit in a string: a call in an f-string placeholder.
   */
  protected opaqueIn(start: number, end: number): number[] {
    const starts = this.opaqueStarts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    let coveredTo = start;
    for (let k = lo; k < starts.length && starts[k] < end; k++) {
      if (starts[k] < coveredTo || this.opaqueEnds[k] > end) continue;
      out.push(k);
      coveredTo = this.opaqueEnds[k];
    }
    return out;
  }

  /** Offset of the `(` matching the `)` at `close`, scanning back no further than `lowest`; -1 if none. */
  protected matchingOpen(close: number, lowest: number): number {
    const open = this.matchingOpenBracket(close, lowest);
    return open >= 0 && this.text.charCodeAt(open) === 40 ? open : -1;
  }

  /** Offset of the bracket matching the one at `close`, scanning back no further than `lowest`; -1 if none. */
  protected matchingOpenBracket(close: number, lowest: number): number {
    const text = this.text;
    const spans = this.opaqueIn(lowest, close);
    let k = spans.length - 1;
    let depth = 0;
    for (let p = close; p >= lowest; p--) {
      if (k >= 0 && p < this.opaqueEnds[spans[k]]) {
        p = this.opaqueStarts[spans[k]];
        k--;
        continue;
      }
      const c = text.charCodeAt(p);
      if (isClose(c)) depth++;
      else if (isOpen(c) && --depth === 0) return p;
    }
    return -1;
  }

  /** Offset of the bracket closing the one at `open`, scanning no further than `highest`; -1 if none. */
  protected matchingClose(open: number, highest: number): number {
    const text = this.text;
    const spans = this.opaqueIn(open, highest + 1);
    let k = 0;
    let depth = 0;
    for (let p = open; p <= highest; p++) {
      if (k < spans.length && p >= this.opaqueStarts[spans[k]]) {
        p = this.opaqueEnds[spans[k]] - 1;
        k++;
        continue;
      }
      const c = text.charCodeAt(p);
      if (isOpen(c)) depth++;
      else if (isClose(c) && --depth === 0) return p;
    }
    return -1;
  }

  /** The texts of items as `items` returns them. */
  protected texts(items: number[]): string[] {
    const out: string[] = [];
    for (let k = 0; k < items.length; k += 2) out.push(this.text.slice(items[k], items[k + 1]));
    return out;
  }

  /**
   * The comma-separated items between the brackets at `open` and `close`,
   * trimmed, as [start, end, start, end, …]; undefined when a comment, a line
   * continuation or a lambda (whose parameters are comma-separated too) sits
   * among them.
   */
  protected items(open: number, close: number): number[] | undefined {
    const text = this.text;
    const spans = this.opaqueIn(open + 1, close);
    const out: number[] = [];
    let k = 0;
    let depth = 0;
    let itemStart = open + 1;
    for (let p = open + 1; p < close; p++) {
      if (k < spans.length && p >= this.opaqueStarts[spans[k]]) {
        if (this.opaqueIsComment[spans[k]]) return undefined;
        p = this.opaqueEnds[spans[k]] - 1;
        k++;
        continue;
      }
      const c = text.charCodeAt(p);
      if (isOpen(c)) depth++;
      else if (isClose(c)) depth--;
      else if (c === 92) return undefined;
      else if (c === 44 && depth === 0) {
        if (!this.pushTrimmed(out, itemStart, p)) return undefined;
        itemStart = p + 1;
      } else if (c === 108 && text.startsWith('lambda', p) && !/\w/.test(text.charAt(p - 1))) return undefined;
    }
    this.pushTrimmed(out, itemStart, close);
    return out;
  }

  /** Appends [start, end) without surrounding whitespace to `out`; false when nothing is left. */
  protected pushTrimmed(out: number[], start: number, end: number): boolean {
    const text = this.text;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (start === end) return false;
    out.push(start, end);
    return true;
  }

  /** [start, end) without surrounding whitespace; undefined when nothing is left. */
  protected trim(start: number, end: number): Span | undefined {
    const text = this.text;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    return start < end ? { start, end } : undefined;
  }

  /** [start, end) without surrounding whitespace and line continuations (`\\` + newline). */
  protected trimBlank(start: number, end: number): Span | undefined {
    const text = this.text;
    for (;;) {
      while (start < end && isSpace(text.charCodeAt(start))) start++;
      if (text.charCodeAt(start) !== 92 || !isSpace(text.charCodeAt(start + 1))) break;
      start++;
    }
    for (;;) {
      while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
      if (end <= start || text.charCodeAt(end - 1) !== 92 || !isSpace(text.charCodeAt(end))) break;
      end--;
    }
    return start < end ? { start, end } : undefined;
  }

  /** The first offset from `p` that is not whitespace, a comment or a line continuation; -1 if unsure. */
  protected skipBlank(p: number): number {
    const text = this.text;
    while (p < this.limit) {
      const c = text.charCodeAt(p);
      if (isSpace(c)) p++;
      else if (c === 92 && text.charCodeAt(p + 1) === 10) p += 2;
      else if (c === 92 && text.charCodeAt(p + 1) === 13) p += text.charCodeAt(p + 2) === 10 ? 3 : 2;
      else if (c === 35) {
        // A comment runs to the end of its line; one that reaches the end of the statement ends it.
        const nl = text.indexOf('\n', p);
        if (nl < 0 || nl >= this.limit) return this.limit;
        p = nl;
      } else return p;
    }
    return p;
  }

  /** The offset after `word` and the spaces that must follow it at `p`, or -1. */
  protected afterWord(p: number, end: number, word: string): number {
    const text = this.text;
    if (!text.startsWith(word, p)) return -1;
    let q = p + word.length;
    const c = text.charCodeAt(q);
    if (c !== 32 && c !== 9 && !(c === 40 || c === 91 || c === 34 || c === 39 || c === 45 || c === 126 || c === 123)) return -1;
    while (q < end && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)) q++;
    return q;
  }

  /** The first `:` outside brackets, strings and comments from `from`, not a walrus; -1 when a lambda makes it unsure. */
  protected headerColon(from: number, end: number): number {
    return this.firstAtTopLevel(from, end, undefined);
  }

  /** The first keyword `word` outside brackets, strings and comments in [from, end), or -1. */
  protected keywordAt(from: number, end: number, word: string): number {
    return this.firstAtTopLevel(from, end, word);
  }

  /**
   * One walk for both searches above, skipping strings and comments and
   * counting brackets: with `word`, the first whole keyword `word` at depth 0
   * (-1 when a non-ASCII neighbour makes "whole" unsure); without, the header
   * colon. A plain branch rather than a callback: it runs for every header.
   */
  private firstAtTopLevel(from: number, end: number, word: string | undefined): number {
    const text = this.text;
    const spans = this.opaqueIn(from, end);
    let k = 0;
    let depth = 0;
    for (let p = from; p < end; p++) {
      if (k < spans.length && p >= this.opaqueStarts[spans[k]]) {
        p = this.opaqueEnds[spans[k]] - 1;
        k++;
        continue;
      }
      const c = text.charCodeAt(p);
      if (isOpen(c)) depth++;
      else if (isClose(c)) depth--;
      else if (word === undefined) {
        if (c === 58 && depth === 0 && text.charCodeAt(p + 1) !== 61) return p;
        if (c === 108 && text.startsWith('lambda', p) && !isNameChar(text.charCodeAt(p - 1))) return -1;
      } else if (depth === 0 && text.startsWith(word, p) && !isNameChar(text.charCodeAt(p - 1)) && !isNameChar(text.charCodeAt(p + word.length))) {
        const before = text.charCodeAt(p - 1);
        const after = text.charCodeAt(p + word.length);
        return before <= 127 && after <= 127 ? p : -1;
      }
    }
    return -1;
  }
}

/**
 * The shape of an f-string with placeholders, each placeholder written `{}`:
 * `f"cuda:{rank}"` → `cuda:{}`. Device strings are often formatted, and the
 * shape is what tells a CUDA device from any other text. Undefined when the
 * text is not a short one-line f-string.
 */
export function fStringTemplate(written: string): string | undefined {
  const m = /^(?:[fF][rR]?|[rR][fF])(['"])/.exec(written);
  if (!m || written.length > 200 || written.startsWith(m[1].repeat(3), m[0].length - 1)) return undefined;
  const content = written.slice(m[0].length, written.length - 1);
  if (!written.endsWith(m[1]) || /[\n\r]/.test(content)) return undefined;
  // Placeholders hold no nested braces in the strings this is for; `{{` is a literal brace.
  return content.replace(/\{\{|\}\}|\{[^{}]*\}/g, (x) => (x === '{{' ? '{' : x === '}}' ? '}' : '{}'));
}

/**
 * The value of a string written without escapes or placeholders, read from
 * its text: `{ value }`, or `{ value: undefined }` for an f-string with a
 * placeholder; undefined when the string needs the tree (escapes, `{{`).
 */
export function plainStringValue(written: string): { value: string | undefined } | undefined {
  let p = 0;
  while (p < written.length && /[A-Za-z]/.test(written[p])) p++;
  const prefix = written.slice(0, p).toLowerCase();
  if (p > 2 || !/^[rbuf]*$/.test(prefix)) return undefined;
  const quote = written[p];
  if (quote !== '"' && quote !== "'") return undefined;
  const delimiter = written.startsWith(quote.repeat(3), p) && written.length >= p + 6 ? quote.repeat(3) : quote;
  const contentStart = p + delimiter.length;
  const contentEnd = written.length - delimiter.length;
  if (contentEnd < contentStart || !written.endsWith(delimiter)) return undefined;
  const content = written.slice(contentStart, contentEnd);
  if (content.includes('\\')) return undefined;
  // A line break in a one-quote string is not Python; tree-sitter still reads one, comments and all.
  if (delimiter.length === 1 && /[\n\r]/.test(content)) return undefined;
  if (prefix.includes('f') && (content.includes('{') || content.includes('}'))) {
    // A single `{` opens a placeholder; `{{` is an escaped brace, left to the tree.
    const brace = content.search(/[{}]/);
    return content[brace] === '{' && content[brace + 1] !== '{' ? { value: undefined } : undefined;
  }
  return { value: content };
}
