/**
 * Shared value types of the analysis layer: positions, findings and fixes.
 * Lines and columns are 0-based here (as in VS Code); adapters that need
 * 1-based positions (SARIF, the CLI's text output) convert at their edge.
 */

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
  /** Offsets into the source text (UTF-16 code units), for text edits. */
  startIndex: number;
  endIndex: number;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /**
   * True when applying the fix keeps the program's behaviour apart from the
   * intended saving; the editor marks only these as preferred.
   */
  safe: boolean;
}

/** A figure shown to the user, always with where it comes from. */
export interface Saving {
  /** What is saved, e.g. "FLOPs" or "parameters". */
  metric: string;
  from: number;
  to: number;
  unit: string;
  /** Relative change, e.g. -0.64 for −64%. */
  ratio: number;
  source: string;
}

export interface Finding {
  code: string;
  ruleName: string;
  message: string;
  severity: Severity;
  range: Range;
  fix?: Fix;
  savings?: Saving[];
}

export type Family = 'GL1' | 'GL2' | 'GL3' | 'GL4' | 'GL5' | 'GL6';
