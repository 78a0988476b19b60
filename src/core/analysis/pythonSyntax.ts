/**
 * The syntax nodes the Python extractor looks at, gathered in one call.
 *
 * Walking a web-tree-sitter tree node by node (cursor or `namedChildren`)
 * costs a WebAssembly round trip per step: ~20 ms for the ~28,000 nodes of a
 * 2,000-line script. `descendantsOfType` walks inside WebAssembly and hands
 * back only the few thousand nodes of the types below, in document order
 * (pre-order), so parents come before their children and nesting can be
 * recovered in JavaScript from start and end offsets.
 */
import type { Language, Node } from 'web-tree-sitter';
import type { Range } from './types';

/** Node kinds, as small integers so the walk can switch on them cheaply. */
export const K = {
  other: 0,
  call: 1,
  string: 2,
  comment: 3,
  assignment: 4,
  augmentedAssignment: 5,
  subscript: 6,
  binaryOperator: 7,
  unaryOperator: 8,
  forStatement: 9,
  whileStatement: 10,
  comprehension: 11,
  functionDefinition: 12,
  classDefinition: 13,
  decoratedDefinition: 14,
  importStatement: 15,
  ifStatement: 16,
  elifClause: 17,
  elseClause: 18,
  withStatement: 19,
  withItem: 20,
  tryStatement: 21,
  breakStatement: 22,
} as const;

const KIND_OF_TYPE: Record<string, number> = {
  call: K.call,
  string: K.string,
  comment: K.comment,
  assignment: K.assignment,
  augmented_assignment: K.augmentedAssignment,
  subscript: K.subscript,
  binary_operator: K.binaryOperator,
  unary_operator: K.unaryOperator,
  for_statement: K.forStatement,
  while_statement: K.whileStatement,
  list_comprehension: K.comprehension,
  set_comprehension: K.comprehension,
  dictionary_comprehension: K.comprehension,
  generator_expression: K.comprehension,
  function_definition: K.functionDefinition,
  class_definition: K.classDefinition,
  decorated_definition: K.decoratedDefinition,
  import_statement: K.importStatement,
  import_from_statement: K.importStatement,
  if_statement: K.ifStatement,
  elif_clause: K.elifClause,
  else_clause: K.elseClause,
  with_statement: K.withStatement,
  with_item: K.withItem,
  try_statement: K.tryStatement,
  break_statement: K.breakStatement,
};

const COLLECTED_TYPES = Object.keys(KIND_OF_TYPE);

const kindTables = new WeakMap<Language, Uint8Array>();

/** Kind by grammar symbol id (aliases have their own ids, hence a table rather than one id per type). */
function kindTable(language: Language): Uint8Array {
  let table = kindTables.get(language);
  if (!table) {
    table = new Uint8Array(language.types.length);
    language.types.forEach((name, id) => (table![id] = KIND_OF_TYPE[name] ?? K.other));
    kindTables.set(language, table);
  }
  return table;
}

/** The collected nodes of a subtree with their kinds and offsets, in pre-order. */
export class CollectedNodes {
  private constructor(
    readonly nodes: Node[],
    readonly kinds: Uint8Array,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
  ) {}

  /** Collects `node` (if of a collected type) and its descendants of those types. */
  static of(node: Node): CollectedNodes {
    const nodes = node.descendantsOfType(COLLECTED_TYPES) as Node[];
    const table = kindTable(node.tree.language);
    const n = nodes.length;
    const kinds = new Uint8Array(n);
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const x = nodes[i];
      kinds[i] = table[x.typeId] ?? K.other;
      starts[i] = x.startIndex;
      ends[i] = x.endIndex;
    }
    return new CollectedNodes(nodes, kinds, starts, ends);
  }

  get length(): number {
    return this.nodes.length;
  }

  /** First index in [from, to) whose node starts at or after `index`. */
  firstAtOrAfter(from: number, to: number, index: number): number {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The outermost collected node in [from, to) spanning exactly [start, end),
   * or -1. Nodes sharing a start come outermost first in pre-order.
   */
  spanning(from: number, to: number, start: number, end: number): number {
    for (let i = this.firstAtOrAfter(from, to, start); i < to && this.starts[i] === start; i++) {
      if (this.ends[i] === end) return i;
    }
    return -1;
  }
}

/** Offsets of line starts, to turn offsets into the line/column positions of a Range. */
export class LineIndex {
  /** The line found last: lookups come mostly in document order, so it or the next line usually answers. */
  private last = 0;

  constructor(readonly starts: number[]) {}

  static of(text: string): LineIndex {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    return new LineIndex(starts);
  }

  /** The 0-based line holding `index`. */
  lineOf(index: number): number {
    const starts = this.starts;
    const last = this.last;
    if (starts[last] <= index) {
      if (last + 1 === starts.length || index < starts[last + 1]) return last;
      if (last + 2 === starts.length || index < starts[last + 2]) return (this.last = last + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return (this.last = lo);
  }

  /** The range of [start, end), with tree-sitter's positions (UTF-16 columns, like its offsets). */
  range(start: number, end: number): Range {
    const starts = this.starts;
    const line = this.lineOf(start);
    // Most ranges end on their first line or close to it: step forward before searching again.
    let endLine = line;
    for (let steps = 0; endLine + 1 < starts.length && starts[endLine + 1] <= end; steps++) {
      if (steps === 8) {
        endLine = this.lineOf(end);
        break;
      }
      endLine++;
    }
    return {
      start: { line, column: start - starts[line] },
      end: { line: endLine, column: end - starts[endLine] },
      startIndex: start,
      endIndex: end,
    };
  }
}
