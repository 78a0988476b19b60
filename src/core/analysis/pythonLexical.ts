/**
 * Reads the parts of a statement whose shape the source text decides — the
 * callee and arguments of a call, the two sides of a simple assignment, the
 * value of a plain string — without asking the syntax tree, whose every
 * property read is a WebAssembly round trip.
 *
 * Only used on top-level statements without syntax errors: there the text
 * obeys Python's lexical rules, so a bracket or comma outside strings and
 * comments (which the collected nodes locate) is syntax. Every method returns
 * undefined when the text alone cannot be sure, and the extractor then reads
 * the tree (pythonNodes.ts), which gives the same answer more slowly.
 */
import type { ArgFact, Literal } from './facts';
import { argFromNode, literalOf, numberLiteral, stringValue, type RawArg } from './pythonNodes';
import { CollectedNodes, K, type LineIndex } from './pythonSyntax';
import type { Range } from './types';

const IDENTIFIER = /^[A-Za-z_]\w*$/;
const DOTTED = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;
/** A number token (`3`, `1_000`, `3e-4`, `0x1F`, `1j`); other text starting with a digit is an expression. */
const NUMBER = /^\.?\d[\w.]*(?:[+-]\d\w*)?$/;
/** Only names, dots and spaces: `a . b`, `not x`, `x if y else z`: the tree tells which. */
const NAME_LIKE = /^[\w\s.\u0080-\uffff]*$/;
/** A string with a prefix, or adjacent strings (`"a" "b"`) when no single string node spans it. */
const STRING_LIKE = /^[A-Za-z]{0,3}["']/;
const KEYWORD_ARGUMENT = /^([A-Za-z_]\w*)\s*=(?!=)\s*/;
const KEYWORD_LIKE = /^[\w\u0080-\uffff]+\s*=(?!=)/;
const ASSIGNMENT_LEFT = /^((?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:[ \t]*,[ \t]*[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)*(?:[ \t]*,)?)[ \t]*=(?!=)[ \t]*/;
const AUGMENTED_LEFT = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t]*(\+=|-=|\*\*=|\*=|\/\/=|\/=|%=|@=|&=|\|=|\^=|>>=|<<=)[ \t]*/;
const ATTRIBUTE_TAIL = /\.\s*([A-Za-z_]\w*)$/;
const IDENTIFIER_AT = /[A-Za-z_]\w*/y;

const KEYWORD_LITERALS = new Map<string, Literal>([
  ['True', true],
  ['False', false],
  ['None', null],
]);
/** Keywords that are not names, so `DOTTED` and `IDENTIFIER` matches on them mean something else. */
const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
const isOpen = (c: number) => c === 40 || c === 91 || c === 123; // ( [ {
const isClose = (c: number) => c === 41 || c === 93 || c === 125; // ) ] }

/** What a value's text says: the fields of ArgFact and the resolution hints that depend on its node type. */
export interface ValueShape {
  literal?: Literal;
  dotted?: string;
  identifier?: string;
  elements?: string[];
  /** The collected node spanning the value, or -1. */
  node: number;
}

export interface CallShape {
  name: string;
  calleeRange: Range;
  nameRange: Range;
  method?: string;
  receiver?: string;
  /** `start:end` of the receiver when it is a call (`torch.randn(3)` in `torch.randn(3).cuda()`). */
  receiverKey?: string;
  /** `start:end` of the callee when it is itself a call (`model.eval()` in `model.eval()(x)`). */
  calleeCallKey?: string;
  dotted?: string;
  args: RawArg[];
}

export interface AssignmentShape {
  /** Text of the left side. */
  target: string;
  /** The left side is a single plain name (a candidate module constant). */
  plainName: boolean;
  targets: string[];
  operator: string;
  valueStart: number;
  valueEnd: number;
  valueText: string;
  literal?: Literal;
  valueIsCall: boolean;
}

interface Span {
  start: number;
  end: number;
}

export class StatementReader {
  /** Strings and comments of the statement in pre-order: brackets and commas inside them are not syntax. */
  private readonly opaqueStarts: number[] = [];
  private readonly opaqueEnds: number[] = [];
  private readonly opaqueIsComment: boolean[] = [];
  private readonly stringValues = new Map<number, string | undefined>();

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
    private readonly collected: CollectedNodes,
    /** The statement's collected nodes are [from, to). */
    private readonly from: number,
    private readonly to: number,
    /** End of the statement: nothing after it belongs to it. */
    private readonly limit: number,
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

  /** The value of the string node at collected index `i` (undefined for an f-string with placeholders). */
  stringValue(i: number): string | undefined {
    if (this.stringValues.has(i)) return this.stringValues.get(i);
    const written = plainStringValue(this.text.slice(this.collected.starts[i], this.collected.ends[i]));
    const value = written ? written.value : stringValue(this.collected.nodes[i]);
    this.stringValues.set(i, value);
    return value;
  }

  /** Callee and arguments of the call spanning [start, end). */
  call(start: number, end: number): CallShape | undefined {
    const text = this.text;
    if (text.charCodeAt(end - 1) !== 41) return undefined;
    const open = this.matchingOpen(end - 1, start);
    if (open <= start) return undefined;
    let calleeEnd = open;
    while (calleeEnd > start && isSpace(text.charCodeAt(calleeEnd - 1))) calleeEnd--;
    // A comment or a line continuation between callee and `(`: rare, and the tree knows better.
    if (calleeEnd === start || text.charCodeAt(calleeEnd - 1) === 92 || text.slice(calleeEnd, open).includes('\n')) return undefined;
    const callee = this.callee(start, calleeEnd);
    const args = callee && this.arguments(open, end);
    if (!callee || !args) return undefined;
    return { ...callee, args };
  }

  /** `left = value`, `a, b = value` or `left += value` with plain names on the left. */
  assignment(start: number, end: number, augmented: boolean): AssignmentShape | undefined {
    const text = this.text;
    const head = text.slice(start, Math.min(end, start + 200));
    const m = (augmented ? AUGMENTED_LEFT : ASSIGNMENT_LEFT).exec(head);
    if (!m || m[0].length === head.length) return undefined;
    const valueStart = start + m[0].length;
    const first = text.charCodeAt(valueStart);
    if (first === 92 || first === 35 || isSpace(first)) return undefined;
    const value = this.value(valueStart, end, false);
    if (!value) return undefined;
    const target = m[1];
    const targets = target.includes(',')
      ? target
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== '')
      : [target];
    return {
      target,
      plainName: IDENTIFIER.test(target),
      targets,
      operator: augmented ? m[2] : '=',
      valueStart,
      valueEnd: end,
      valueText: text.slice(valueStart, end),
      literal: value.literal,
      valueIsCall: value.node >= 0 && this.collected.kinds[value.node] === K.call,
    };
  }

  /**
   * The attribute read on the result of the call ending at `end` (`features`
   * in `vgg19().features`): `{}` when there is none, undefined when unsure.
   */
  attributeAfter(end: number): { name?: string } | undefined {
    let p = this.skipBlank(end);
    if (p < 0) return undefined;
    if (p >= this.limit || this.text.charCodeAt(p) !== 46) return {};
    p = this.skipBlank(p + 1);
    if (p < 0 || p >= this.limit) return undefined;
    IDENTIFIER_AT.lastIndex = p;
    const m = IDENTIFIER_AT.exec(this.text);
    if (!m || m.index !== p) return /\d|\./.test(this.text.charAt(p)) ? {} : undefined;
    // A name continuing with non-ASCII letters is not what the ASCII pattern read.
    if (this.text.charCodeAt(p + m[0].length) > 127) return undefined;
    return { name: m[0] };
  }

  /** The callee [start, end): its name, method, receiver and dotted name. */
  private callee(start: number, end: number): Omit<CallShape, 'args'> | undefined {
    const name = this.text.slice(start, end);
    const calleeRange = this.lines.range(start, end);
    const whole = this.spanning(start, end);
    if (whole >= 0) {
      // A call, subscript, string or comprehension: no method, no dotted name.
      const calleeCallKey = this.collected.kinds[whole] === K.call ? `${start}:${end}` : undefined;
      return { name, calleeRange, nameRange: calleeRange, calleeCallKey };
    }
    if (IDENTIFIER.test(name)) {
      return KEYWORDS.has(name) ? undefined : { name, calleeRange, nameRange: calleeRange, dotted: name };
    }
    // tree-sitter reads `*a.f()` as a call of the splat `*a.f` in an argument list but of `(*a).f`
    // in a list display: only the tree knows.
    if (name.charCodeAt(0) === 42) return undefined;
    const tail = ATTRIBUTE_TAIL.exec(name);
    if (tail) return this.attributeCallee(start, end, name, calleeRange, tail);
    // `(f)(x)`, `[f][0](x)`: some other expression, called.
    const c = name.charCodeAt(0);
    if ((c === 40 || c === 91) && this.matchingClose(start, end - 1) === end - 1) return { name, calleeRange, nameRange: calleeRange };
    return undefined;
  }

  /** `object.method`: the method after the last dot, the receiver before it. */
  private attributeCallee(start: number, end: number, name: string, calleeRange: Range, tail: RegExpExecArray) {
    const method = tail[1];
    if (KEYWORDS.has(method)) return undefined;
    let objectEnd = start + tail.index;
    while (objectEnd > start && isSpace(this.text.charCodeAt(objectEnd - 1))) objectEnd--;
    if (objectEnd === start || this.text.charCodeAt(objectEnd - 1) === 92 || name.includes('#')) return undefined;
    const receiver = this.text.slice(start, objectEnd);
    const nameRange = this.lines.range(end - method.length, end);
    const object = this.spanning(start, objectEnd);
    if (object >= 0) {
      const receiverKey = this.collected.kinds[object] === K.call ? `${start}:${objectEnd}` : undefined;
      return { name, calleeRange, nameRange, method, receiver, receiverKey };
    }
    const dottedObject = DOTTED.test(receiver) || IDENTIFIER.test(receiver);
    if (dottedObject) {
      if (KEYWORDS.has(receiver.split('.', 1)[0])) return undefined;
      return { name, calleeRange, nameRange, method, receiver, dotted: `${receiver}.${method}` };
    }
    if (NAME_LIKE.test(receiver)) return undefined;
    return { name, calleeRange, nameRange, method, receiver };
  }

  /** The arguments of the call whose argument list spans [open, end). */
  private arguments(open: number, end: number): RawArg[] | undefined {
    const generator = this.spanning(open, end);
    if (generator >= 0) {
      // `sum(x for x in xs)`: the generator expression is the whole argument list.
      return this.collected.kinds[generator] === K.comprehension ? [argFromNode(this.collected.nodes[generator])] : undefined;
    }
    const items = this.items(open, end - 1);
    if (!items) return undefined;
    const args: RawArg[] = [];
    for (const item of items) {
      const arg = this.argument(item.start, item.end);
      if (!arg) return undefined;
      args.push(arg);
    }
    return args;
  }

  private argument(start: number, end: number): RawArg | undefined {
    const text = this.text;
    // tree-sitter reads `*f(x)` as a call of `*f`, not as a splat: a node spanning the item decides.
    if (text.charCodeAt(start) === 42 && this.spanning(start, end) < 0) {
      // `*args` / `**kwargs`: the fact describes the whole splat.
      const splat = text.charCodeAt(start + 1) === 42 ? '**' : '*';
      const fact: ArgFact = { keyword: undefined, splat, text: text.slice(start, end), range: this.lines.range(start, end), literal: undefined, hasLiteral: false };
      return { fact, dotted: undefined, identifier: undefined };
    }
    let keyword: string | undefined;
    let valueStart = start;
    const head = text.slice(start, Math.min(end, start + 100));
    const m = KEYWORD_ARGUMENT.exec(head);
    if (m) {
      keyword = m[1];
      valueStart = start + m[0].length;
      if (valueStart >= end) return undefined;
    } else if (KEYWORD_LIKE.test(head)) {
      return undefined;
    }
    const value = this.value(valueStart, end, true);
    if (!value) return undefined;
    const fact: ArgFact = {
      keyword,
      splat: undefined,
      text: text.slice(valueStart, end),
      range: this.lines.range(valueStart, end),
      literal: value.literal,
      hasLiteral: value.literal !== undefined,
    };
    if (value.elements) fact.elements = value.elements;
    return { fact, dotted: value.dotted, identifier: value.identifier };
  }

  /**
   * What the expression [start, end) is, as far as Facts care: a literal, a
   * dotted name, a list display. `names`: whether the dotted name matters
   * (for arguments) or only the literal (for assignments).
   */
  private value(start: number, end: number, names: boolean): ValueShape | undefined {
    const node = this.spanning(start, end);
    if (node >= 0) {
      const kind = this.collected.kinds[node];
      if (kind === K.string) return { literal: this.stringValue(node), node };
      if (kind === K.unaryOperator) return { literal: literalOf(this.collected.nodes[node]), node };
      return { node };
    }
    // No collected node spans it: a name, a number, a display or an operator we do not collect.
    const text = this.text.slice(start, end);
    if (IDENTIFIER.test(text)) {
      if (KEYWORD_LITERALS.has(text)) return { literal: KEYWORD_LITERALS.get(text), node };
      return KEYWORDS.has(text) ? undefined : { dotted: text, identifier: text, node };
    }
    if (DOTTED.test(text)) return KEYWORDS.has(text.split('.', 1)[0]) ? undefined : { dotted: text, node };
    const c = text.charCodeAt(0);
    if ((c >= 48 && c <= 57) || (c === 46 && /^\.\d/.test(text))) {
      // A number, or an expression starting with one (`1 if x else 2`), which is no literal.
      return NUMBER.test(text) ? { literal: numberLiteral(text), node } : { node };
    }
    if (c === 91 && this.matchingClose(start, end - 1) === end - 1) {
      const items = this.items(start, end - 1);
      return items ? { elements: items.map((s) => this.text.slice(s.start, s.end)), node } : undefined;
    }
    // `(x)` has x's value and `(a, b)` is a tuple: let the tree tell them apart.
    if (c === 40 && this.matchingClose(start, end - 1) === end - 1) return undefined;
    if (STRING_LIKE.test(text)) return undefined;
    if (names && NAME_LIKE.test(text)) return undefined;
    return { node };
  }

  /** The outermost collected node spanning exactly [start, end) in this statement, or -1. */
  private spanning(start: number, end: number): number {
    return this.collected.spanning(this.from, this.to, start, end);
  }

  /**
   * The strings and comments inside [start, end) that no other one inside it
   * contains, as indices. Relative to the range because the range itself may
   * sit in a string: a call in an f-string placeholder.
   */
  private opaqueIn(start: number, end: number): number[] {
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
  private matchingOpen(close: number, lowest: number): number {
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
      else if (isOpen(c) && --depth === 0) return c === 40 ? p : -1;
    }
    return -1;
  }

  /** Offset of the bracket closing the one at `open`, scanning no further than `highest`; -1 if none. */
  private matchingClose(open: number, highest: number): number {
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

  /**
   * The comma-separated items between the brackets at `open` and `close`,
   * trimmed; undefined when a comment, a line continuation or a lambda (whose
   * parameters are comma-separated too) sits among them.
   */
  private items(open: number, close: number): Span[] | undefined {
    const text = this.text;
    const spans = this.opaqueIn(open + 1, close);
    const out: Span[] = [];
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
        const item = this.trim(itemStart, p);
        if (!item) return undefined;
        out.push(item);
        itemStart = p + 1;
      } else if (c === 108 && text.startsWith('lambda', p) && !/\w/.test(text.charAt(p - 1))) return undefined;
    }
    const last = this.trim(itemStart, close);
    if (last) out.push(last);
    return out;
  }

  /** [start, end) without surrounding whitespace; undefined when nothing is left. */
  private trim(start: number, end: number): Span | undefined {
    const text = this.text;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    return start < end ? { start, end } : undefined;
  }

  /** The first offset from `p` that is not whitespace, a comment or a line continuation; -1 if unsure. */
  private skipBlank(p: number): number {
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
  if (prefix.includes('f') && (content.includes('{') || content.includes('}'))) {
    // A single `{` opens a placeholder; `{{` is an escaped brace, left to the tree.
    const brace = content.search(/[{}]/);
    return content[brace] === '{' && content[brace + 1] !== '{' ? { value: undefined } : undefined;
  }
  return { value: content };
}
