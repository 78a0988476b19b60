/**
 * What the extractor reads from a statement, whether it reads the text
 * (pythonLexical.ts) or the tree (pythonNodes.ts): both produce these shapes,
 * so the walk (pythonChunk.ts) does not care which one answered.
 */
import type { Literal } from './facts';
import type { RawArg } from './pythonNodes';
import type { Range } from './types';

/**
 * The value of an expression as far as Facts care: its literal, its dotted
 * name, the element texts of a list display, and the collected node spanning
 * it (-1 if none). Every instance has all fields, so V8 keeps one shape.
 */
export class ValueShape {
  constructor(
    readonly literal: Literal | undefined,
    readonly dotted: string | undefined,
    readonly identifier: string | undefined,
    readonly elements: string[] | undefined,
    readonly node: number,
  ) {}
}

/** A call's callee and arguments. Numeric keys are `spanKey(start, end)` of other nodes. */
export class CallShape {
  args: RawArg[] = [];
  constructor(
    readonly name: string,
    readonly calleeRange: Range,
    readonly nameRange: Range,
    readonly method: string | undefined,
    readonly receiver: string | undefined,
    /** The receiver when it is a call (`torch.randn(3)` in `torch.randn(3).cuda()`). */
    readonly receiverKey: number | undefined,
    /** The callee when it is itself a call (`model.eval()` in `model.eval()(x)`). */
    readonly calleeCallKey: number | undefined,
    readonly dotted: string | undefined,
  ) {}
}

/** One number per [start, end) for Map keys (offsets stay far below 2^26 under the 2 MB source limit). */
export function spanKey(start: number, end: number): number {
  return start * 0x4000000 + end;
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

export interface Span {
  start: number;
  end: number;
}

export interface FunctionHeader {
  name: string;
  nameStart: number;
  params: string[];
  /** Just after the header's `:`: the body is what follows, to the end of the definition. */
  bodyStart: number;
}

export interface Header {
  /** The loop target of a `for`. */
  target?: Span;
  /** The iterable of a `for`, the condition of a `while`, `if` or `elif`. */
  expression: Span;
  /** Just after the header's `:`. */
  bodyStart: number;
}

/** The parts of a `for` or `while` header the LoopFact records. */
export interface LoopHeader {
  headerRange: Range;
  target: string | undefined;
  iterText: string | undefined;
  literalCount: number | undefined;
  /** The body, which also holds any `else:` clause until the walk reaches that clause. */
  body: { start: number; end: number } | undefined;
  /** Span key of the iterable when it is a call. */
  iterCallKey?: number;
  /** The iterable call whose arguments decide `literalCount` (`range(8)`). */
  countFromCall?: { start: number; end: number };
}
