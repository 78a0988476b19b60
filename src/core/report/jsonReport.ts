/**
 * The JSON report: a flat array of findings with 1-based positions, for
 * scripts that post-process GreenLens output.
 */
import type { Finding, Range, Saving } from '../analysis/types';
import { displayPath, type CheckResult } from './checkResult';

export interface JsonRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface JsonFinding extends JsonRange {
  /** Relative to the working directory, with forward slashes. */
  path: string;
  code: string;
  name: string;
  severity: Finding['severity'];
  message: string;
  fix?: { title: string; safe: boolean; edits: (JsonRange & { newText: string })[] };
  savings?: Saving[];
}

/** A 0-based range as 1-based line and column numbers; the end column points just past the range. */
export function oneBased(range: Range): JsonRange {
  return {
    line: range.start.line + 1,
    column: range.start.column + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.column + 1,
  };
}

/** The findings as plain JSON objects, in report order. */
export function toJsonFindings(result: CheckResult, cwd: string): JsonFinding[] {
  const out: JsonFinding[] = [];
  for (const { file, findings } of result.files) {
    const shown = displayPath(file, cwd);
    for (const f of findings) {
      const item: JsonFinding = { path: shown, code: f.code, name: f.ruleName, severity: f.severity, message: f.message, ...oneBased(f.range) };
      if (f.fix) {
        item.fix = { title: f.fix.title, safe: f.fix.safe, edits: f.fix.edits.map((e) => ({ ...oneBased(e.range), newText: e.newText })) };
      }
      if (f.savings && f.savings.length > 0) item.savings = f.savings;
      out.push(item);
    }
  }
  return out;
}

/** The JSON report text, ending with a newline. */
export function formatJson(result: CheckResult, cwd: string): string {
  return JSON.stringify(toJsonFindings(result, cwd), null, 2) + '\n';
}
