/** Conversions between the core's plain types and VS Code's. */
import * as vscode from 'vscode';
import { diagnosticMessage, findingMarkdown } from '../core/analysis/findingText';
import type { Finding, Range, Severity, TextEdit } from '../core/analysis/types';
import { COMMANDS } from './commandIds';

export function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column);
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/**
 * A diagnostic whose code links to the rule's page shipped inside the extension (no network needed).
 * VS Code shows diagnostic messages as plain text, so the message is the finding's headline and
 * source only; the hover (toHoverMarkdown) shows the whole finding as Markdown.
 */
export function toDiagnostic(finding: Finding, docsUri: (code: string) => vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toVsRange(finding.range), diagnosticMessage(finding), SEVERITY[finding.severity]);
  d.source = 'GreenLens';
  d.code = { value: finding.code, target: docsUri(finding.code) };
  return d;
}

/**
 * Edits computed on one version of a document, applied through positions
 * (not offsets) so the core's UTF-16 offsets and VS Code's agree.
 */
export function toWorkspaceEdit(uri: vscode.Uri, edits: TextEdit[]): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) we.replace(uri, toVsRange(e.range), e.newText);
  return we;
}

/**
 * One hover block for a finding: code spans render, and the docs link runs
 * the "Show documentation" command, the only command the block may run.
 * `extra` (Markdown) is appended, e.g. what the fix saves on this script.
 */
export function toHoverMarkdown(finding: Finding, extra?: string): vscode.MarkdownString {
  const docsLink = `command:${COMMANDS.showRuleDocs}?${encodeURIComponent(JSON.stringify([finding.code]))}`;
  const md = new vscode.MarkdownString(findingMarkdown(finding, { docsLink }) + (extra ? `\n\n${extra}` : ''));
  md.isTrusted = { enabledCommands: [COMMANDS.showRuleDocs] };
  return md;
}
