/**
 * Quick fixes for GreenLens diagnostics: the rule's own fix (preferred only
 * when it is safe), a suppression comment, and the rule's documentation.
 */
import * as vscode from 'vscode';
import { suppressionComment } from '../core/analysis/suppressions';
import type { Finding } from '../core/analysis/types';
import { COMMANDS } from './commandIds';
import { toWorkspaceEdit } from './convert';

export class GreenLensCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly findingsFor: (uri: vscode.Uri) => Finding[]) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const findings = this.findingsFor(doc.uri);
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'GreenLens') continue;
      const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
      const finding = findings.find(
        (f) => f.code === code && f.range.start.line === diagnostic.range.start.line && f.range.start.column === diagnostic.range.start.character,
      );
      if (finding?.fix) {
        const fix = new vscode.CodeAction(finding.fix.title, vscode.CodeActionKind.QuickFix);
        fix.edit = toWorkspaceEdit(doc.uri, finding.fix.edits);
        fix.diagnostics = [diagnostic];
        fix.isPreferred = finding.fix.safe;
        actions.push(fix);
      }
      actions.push(this.ignoreAction(doc, diagnostic, code));
      const docs = new vscode.CodeAction(`Show documentation for ${code}`, vscode.CodeActionKind.QuickFix);
      docs.command = { command: COMMANDS.showRuleDocs, title: docs.title, arguments: [code] };
      docs.diagnostics = [diagnostic];
      actions.push(docs);
    }
    return actions;
  }

  /**
   * Adds `# greenlens: ignore[CODE]` on its own line above the finding, with
   * the same indentation; when such a comment is already there, adds the code to it.
   */
  private ignoreAction(doc: vscode.TextDocument, diagnostic: vscode.Diagnostic, code: string): vscode.CodeAction {
    const action = new vscode.CodeAction(`Ignore ${code} on this line`, vscode.CodeActionKind.QuickFix);
    const line = doc.lineAt(diagnostic.range.start.line);
    const edit = new vscode.WorkspaceEdit();
    const above = line.lineNumber > 0 ? doc.lineAt(line.lineNumber - 1) : undefined;
    const existing = above && /^\s*#\s*greenlens:\s*ignore\[([^\]]*)\]/.exec(above.text);
    if (above && existing) {
      const close = above.text.indexOf(']', existing.index);
      edit.insert(doc.uri, new vscode.Position(above.lineNumber, close), `, ${code}`);
    } else {
      const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
      edit.insert(doc.uri, new vscode.Position(line.lineNumber, 0), `${indent}${suppressionComment(code)}\n`);
    }
    action.edit = edit;
    action.diagnostics = [diagnostic];
    return action;
  }
}
