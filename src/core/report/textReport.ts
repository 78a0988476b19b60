/**
 * The human-readable report: one `path:line:col: CODE [severity] message` line
 * per finding (a form terminals and editors turn into links), then a summary.
 */
import type { Severity } from '../analysis/types';
import { displayPath, type CheckResult } from './checkResult';

const ORDER: Severity[] = ['error', 'warning', 'information', 'hint'];

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function severityCounts(result: CheckResult): string {
  const counts = new Map<Severity, number>();
  for (const f of result.files) for (const finding of f.findings) counts.set(finding.severity, (counts.get(finding.severity) ?? 0) + 1);
  const names: Record<Severity, [string, string]> = {
    error: ['error', 'errors'],
    warning: ['warning', 'warnings'],
    information: ['information', 'information'],
    hint: ['hint', 'hints'],
  };
  return ORDER.filter((s) => counts.has(s))
    .map((s) => plural(counts.get(s)!, ...names[s]))
    .join(', ');
}

/** The summary line alone, e.g. "Found 3 findings (2 warnings, 1 information) in 2 files; 10 files checked, 1 skipped." */
export function summaryLine(result: CheckResult): string {
  const total = result.files.reduce((n, f) => n + f.findings.length, 0);
  let tail = `${plural(result.checkedCount, 'file', 'files')} checked`;
  if (result.skipped.length > 0) tail += `, ${result.skipped.length} skipped`;
  if (result.errors.length > 0) tail += `, ${plural(result.errors.length, 'error', 'errors')} reading or analysing files`;
  if (total === 0) return `No findings; ${tail}.`;
  return `Found ${plural(total, 'finding', 'findings')} (${severityCounts(result)}) in ${plural(result.files.length, 'file', 'files')}; ${tail}.`;
}

/** The text report, ending with a newline. Positions are 1-based. */
export function formatText(result: CheckResult, cwd: string): string {
  const lines: string[] = [];
  for (const { file, findings } of result.files) {
    const shown = displayPath(file, cwd);
    for (const f of findings) {
      lines.push(`${shown}:${f.range.start.line + 1}:${f.range.start.column + 1}: ${f.code} [${f.severity}] ${f.message}`);
    }
  }
  lines.push(summaryLine(result));
  return lines.join('\n') + '\n';
}
