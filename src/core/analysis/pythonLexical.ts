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
import type { ArgFact } from './facts';
import { argFromNode, literalOf, numberLiteral, stringValue, type RawArg } from './pythonNodes';
import { isDigit, isSpace, KEYWORDS, NOT_A_NAME, plainStringValue, SourceScanner } from './pythonScan';
import { CallShape, ValueShape, spanKey, type AssignmentShape, type FunctionHeader, type Header, type Span } from './pythonShapes';
import { CollectedNodes, K, type LineIndex } from './pythonSyntax';
import type { Range } from './types';

/** A number token (`3`, `1_000`, `3e-4`, `0x1F`, `1j`); other text starting with a digit is an expression. */
const NUMBER = /^\.?\d[\w.]*(?:[+-]\d\w*)?$/;
const ASSIGNMENT_LEFT = /^((?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:[ \t]*,[ \t]*[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)*(?:[ \t]*,)?)[ \t]*=(?!=)[ \t]*/;
const AUGMENTED_LEFT = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t]*(\+=|-=|\*\*=|\*=|\/\/=|\/=|%=|@=|&=|\|=|\^=|>>=|<<=)[ \t]*/;
const PLAIN_NAME = /^[A-Za-z_]\w*$/;

const GENERIC = new ValueShape(undefined, undefined, undefined, undefined, -1);
const NO_ATTRIBUTE: { name?: string } = {};

/** Reads a statement's calls, assignments and headers from its text (see the file comment). */
export class StatementReader extends SourceScanner {
  private readonly stringValues = new Map<number, string | undefined>();

  constructor(
    text: string,
    private readonly lines: LineIndex,
    collected: CollectedNodes,
    /** The statement's collected nodes are [from, to). */
    from: number,
    to: number,
    /** End of the statement: nothing after it belongs to it. */
    limit: number,
  ) {
    super(text, collected, from, to, limit);
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
    const shape = this.callee(start, calleeEnd);
    const args = shape && this.arguments(open, end);
    if (!shape || !args) return undefined;
    shape.args = args;
    return shape;
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
      plainName: PLAIN_NAME.test(target),
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
    const text = this.text;
    let p = this.skipBlank(end);
    if (p >= this.limit || text.charCodeAt(p) !== 46) return NO_ATTRIBUTE;
    p = this.skipBlank(p + 1);
    if (p >= this.limit) return undefined;
    const nameEnd = this.nameEnd(p);
    if (nameEnd === p) return isDigit(text.charCodeAt(p)) || text.charCodeAt(p) === 46 ? NO_ATTRIBUTE : undefined;
    // A name continuing with non-ASCII letters is not what the ASCII scan read.
    if (text.charCodeAt(nameEnd) > 127) return undefined;
    return { name: text.slice(p, nameEnd) };
  }

  /** The callee [start, end): its name, method, receiver and dotted name. */
  private callee(start: number, end: number): CallShape | undefined {
    const text = this.text;
    const name = text.slice(start, end);
    const calleeRange = this.lines.range(start, end);
    const whole = this.spanning(start, end);
    if (whole >= 0) {
      // A call, subscript, string or comprehension: no method, no dotted name.
      const calleeCallKey = this.collected.kinds[whole] === K.call ? spanKey(start, end) : undefined;
      return new CallShape(name, calleeRange, calleeRange, undefined, undefined, undefined, calleeCallKey, undefined);
    }
    const c = text.charCodeAt(start);
    // tree-sitter reads `*a.f()` as a call of the splat `*a.f` in an argument list but of `(*a).f`
    // in a list display: only the tree knows.
    if (c === 42) return undefined;
    const lastDot = this.nameChain(start, end);
    if (lastDot !== NOT_A_NAME) {
      if (this.startsWithKeyword(start, end)) return undefined;
      if (lastDot < start) return new CallShape(name, calleeRange, calleeRange, undefined, undefined, undefined, undefined, name);
      const method = text.slice(lastDot + 1, end);
      if (KEYWORDS.has(method)) return undefined;
      const nameRange = this.lines.range(lastDot + 1, end);
      return new CallShape(name, calleeRange, nameRange, method, text.slice(start, lastDot), undefined, undefined, name);
    }
    const methodStart = this.nameBefore(start, end);
    if (methodStart >= 0) return this.attributeCallee(start, end, name, calleeRange, methodStart);
    // `(f)(x)`, `[f][0](x)`: some other expression, called.
    if ((c === 40 || c === 91) && this.matchingClose(start, end - 1) === end - 1) {
      return new CallShape(name, calleeRange, calleeRange, undefined, undefined, undefined, undefined, undefined);
    }
    return undefined;
  }

  /** `object.method` where the object is more than a dotted name: `f(x).g`, `a[0].g`, `a .g`. */
  private attributeCallee(start: number, end: number, name: string, calleeRange: Range, methodStart: number): CallShape | undefined {
    const text = this.text;
    let dot = methodStart;
    while (dot > start && isSpace(text.charCodeAt(dot - 1))) dot--;
    if (text.charCodeAt(dot - 1) !== 46) return undefined;
    const method = text.slice(methodStart, end);
    if (KEYWORDS.has(method)) return undefined;
    let objectEnd = dot - 1;
    while (objectEnd > start && isSpace(text.charCodeAt(objectEnd - 1))) objectEnd--;
    if (objectEnd === start || text.charCodeAt(objectEnd - 1) === 92 || name.includes('#')) return undefined;
    const receiver = text.slice(start, objectEnd);
    const nameRange = this.lines.range(methodStart, end);
    const object = this.spanning(start, objectEnd);
    if (object >= 0) {
      const receiverKey = this.collected.kinds[object] === K.call ? spanKey(start, objectEnd) : undefined;
      return new CallShape(name, calleeRange, nameRange, method, receiver, receiverKey, undefined, undefined);
    }
    if (this.nameChain(start, objectEnd) !== NOT_A_NAME) {
      if (this.startsWithKeyword(start, objectEnd)) return undefined;
      return new CallShape(name, calleeRange, nameRange, method, receiver, undefined, undefined, `${receiver}.${method}`);
    }
    if (this.nameLike(start, objectEnd)) return undefined;
    return new CallShape(name, calleeRange, nameRange, method, receiver, undefined, undefined, undefined);
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
    for (let k = 0; k < items.length; k += 2) {
      const arg = this.argument(items[k], items[k + 1]);
      if (!arg) return undefined;
      args.push(arg);
    }
    return args;
  }

  private argument(start: number, end: number): RawArg | undefined {
    const text = this.text;
    const c = text.charCodeAt(start);
    // tree-sitter reads `*f(x)` as a call of `*f`, not as a splat: a node spanning the item decides.
    if (c === 42 && this.spanning(start, end) < 0) {
      // `*args` / `**kwargs`: the fact describes the whole splat.
      const splat = text.charCodeAt(start + 1) === 42 ? '**' : '*';
      const fact: ArgFact = { keyword: undefined, splat, text: text.slice(start, end), range: this.lines.range(start, end), literal: undefined, hasLiteral: false };
      return { fact, dotted: undefined, identifier: undefined };
    }
    let keyword: string | undefined;
    let valueStart = start;
    const nameEnd = this.nameEnd(start);
    let p = nameEnd;
    while (p < end && isSpace(text.charCodeAt(p))) p++;
    if (nameEnd > start && text.charCodeAt(p) === 61 && text.charCodeAt(p + 1) !== 61) {
      keyword = text.slice(start, nameEnd);
      p++;
      while (p < end && isSpace(text.charCodeAt(p))) p++;
      valueStart = p;
      if (valueStart >= end) return undefined;
    } else if (text.charCodeAt(nameEnd) > 127 && this.keywordLike(start, end)) {
      // `é=1`: a keyword the ASCII scan did not read.
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
      const literal = kind === K.string ? this.stringValue(node) : kind === K.unaryOperator ? literalOf(this.collected.nodes[node]) : undefined;
      return new ValueShape(literal, undefined, undefined, undefined, node);
    }
    // No collected node spans it: a name, a number, a display or an operator we do not collect.
    const text = this.text;
    const c = text.charCodeAt(start);
    if (c <= 32 || c > 127) return undefined;
    const lastDot = this.nameChain(start, end);
    if (lastDot !== NOT_A_NAME) {
      const word = text.slice(start, end);
      if (lastDot >= start) return this.startsWithKeyword(start, end) ? undefined : new ValueShape(undefined, word, undefined, undefined, -1);
      if (word === 'True' || word === 'False' || word === 'None') return new ValueShape(word === 'None' ? null : word === 'True', undefined, undefined, undefined, -1);
      return KEYWORDS.has(word) ? undefined : new ValueShape(undefined, word, word, undefined, -1);
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(start + 1)))) {
      // A number, or an expression starting with one (`1 if x else 2`), which is no literal.
      const word = text.slice(start, end);
      return NUMBER.test(word) ? new ValueShape(numberLiteral(word), undefined, undefined, undefined, -1) : GENERIC;
    }
    if (c === 91 && this.matchingClose(start, end - 1) === end - 1) {
      const items = this.items(start, end - 1);
      return items && new ValueShape(undefined, undefined, undefined, this.texts(items), -1);
    }
    // `(x)` has x's value and `(a, b)` is a tuple: let the tree tell them apart.
    if (c === 40 && this.matchingClose(start, end - 1) === end - 1) return undefined;
    // A prefixed string, or adjacent strings (`"a" "b"`) that no single string node spans.
    if (this.stringLike(start, end)) return undefined;
    // `a . b`, `not x`, `x if y else z`: only names and spaces, and only the tree tells which.
    if (names && this.nameLike(start, end)) return undefined;
    return GENERIC;
  }

  // ── compound statement headers ──

  /** `def name(params) -> T:` (maybe `async`): the name, the parameter names and where the body begins. */
  functionHeader(start: number, end: number): FunctionHeader | undefined {
    let p = this.afterWord(start, end, 'async');
    p = this.afterWord(p < 0 ? start : p, end, 'def');
    if (p < 0) return undefined;
    const nameEnd = this.nameEnd(p);
    if (nameEnd === p || this.text.charCodeAt(nameEnd) > 127) return undefined;
    let open = nameEnd;
    while (open < end && (this.text.charCodeAt(open) === 32 || this.text.charCodeAt(open) === 9)) open++;
    // Type parameters (`def f[T](x)`) are left to the tree.
    if (this.text.charCodeAt(open) !== 40) return undefined;
    const close = this.matchingClose(open, end - 1);
    const items = close < 0 ? undefined : this.items(open, close);
    if (!items) return undefined;
    const params: string[] = [];
    for (let k = 0; k < items.length; k += 2) {
      const name = this.parameterName(items[k], items[k + 1]);
      if (name === undefined) return undefined;
      params.push(name);
    }
    const colon = this.headerColon(close + 1, end);
    if (colon < 0) return undefined;
    return { name: this.text.slice(p, nameEnd), nameStart: p, params, bodyStart: colon + 1 };
  }

  /** `class Name(...):`: the name. */
  className(start: number, end: number): string | undefined {
    const p = this.afterWord(start, end, 'class');
    if (p < 0) return undefined;
    const nameEnd = this.nameEnd(p);
    return nameEnd === p || this.text.charCodeAt(nameEnd) > 127 ? undefined : this.text.slice(p, nameEnd);
  }

  /**
   * `for target in iterable:` (maybe `async`), `while condition:`, `if condition:`
   * or `elif condition:`: the header's parts and where the body begins.
   */
  header(start: number, end: number, keyword: 'for' | 'while' | 'if' | 'elif'): Header | undefined {
    let p = keyword === 'for' ? this.afterWord(start, end, 'async') : -1;
    p = this.afterWord(p < 0 ? start : p, end, keyword);
    if (p < 0) return undefined;
    let target: Span | undefined;
    if (keyword === 'for') {
      const inAt = this.keywordAt(p, end, 'in');
      target = inAt < 0 ? undefined : this.trimBlank(p, inAt);
      if (!target) return undefined;
      p = inAt + 2;
    }
    const colon = this.headerColon(p, end);
    const expression = colon < 0 ? undefined : this.trimBlank(p, colon);
    if (!expression) return undefined;
    return { target, expression, bodyStart: colon + 1 };
  }

  /** `object[index]`: the object's text and the first index item's text. */
  subscript(start: number, end: number): { object: string; index: string } | undefined {
    const text = this.text;
    if (text.charCodeAt(end - 1) !== 93) return undefined;
    const open = this.matchingOpenBracket(end - 1, start);
    if (open <= start) return undefined;
    const object = this.trim(start, open);
    const items = this.items(open, end - 1);
    if (!object || (object.end !== open && /[\\\n#]/.test(text.slice(object.end, open))) || !items || items.length === 0) return undefined;
    return { object: text.slice(object.start, object.end), index: text.slice(items[0], items[1]) };
  }

  /**
   * Elements of a list or tuple display spanning [start, end), as the tree
   * counts them; undefined for any other expression; null when unsure.
   */
  displayLength(start: number, end: number): number | undefined | null {
    const text = this.text;
    const c = text.charCodeAt(start);
    if ((c !== 91 && c !== 40) || this.matchingClose(start, end - 1) !== end - 1) return undefined;
    const items = this.items(start, end - 1);
    if (!items) return null;
    if (c === 91 || items.length !== 2) return items.length / 2;
    // `(x,)` is a tuple of one; `(x)` is just x.
    let p = items[1];
    while (isSpace(text.charCodeAt(p))) p++;
    return text.charCodeAt(p) === 44 ? 1 : undefined;
  }

  /** The parameter name a parameter list item declares, as the tree reads it (`x` of `x: int = 0`, `*args: T` whole). */
  private parameterName(start: number, end: number): string | undefined {
    const text = this.text;
    const written = text.slice(start, end);
    if (written === '*' || written === '/') return written;
    let p = start;
    while (p < end && p - start < 2 && text.charCodeAt(p) === 42) p++;
    const stars = p - start;
    const nameEnd = this.nameEnd(p);
    if (nameEnd === p || text.charCodeAt(nameEnd) > 127) return undefined;
    let q = nameEnd;
    while (q < end && isSpace(text.charCodeAt(q))) q++;
    if (q === end) return text.slice(p, nameEnd);
    const c = text.charCodeAt(q);
    // `x=0`; `x: int` and `x: int = 0`, where an annotated `*args` is read with its stars.
    if (c === 61) return stars > 0 ? undefined : text.slice(p, nameEnd);
    if (c === 58) return text.slice(stars > 0 ? start : p, nameEnd);
    return undefined;
  }
}
