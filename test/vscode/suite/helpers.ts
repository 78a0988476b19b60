/** Shared steps of the in-editor suites: they talk to the real VS Code API only. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { waitUntil } from '../harness/steps';

export const SOURCE = 'GreenLens';

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need a workspace folder (a copy of test/vscode/workspace)');
  return vscode.Uri.joinPath(folder.uri, name);
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export function greenLensDiagnostics(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE && (!code || codeOf(d) === code));
}

export async function open(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(doc);
}

/** Waits for the first GreenLens diagnostic with `code` in `uri`. */
export function diagnosticFor(uri: vscode.Uri, code: string, timeoutMs = 15_000): Promise<vscode.Diagnostic> {
  return waitUntil(`a ${code} diagnostic in ${uri.path}`, () => greenLensDiagnostics(uri, code)[0], timeoutMs);
}

export function noDiagnostic(uri: vscode.Uri, code: string, why: string, timeoutMs = 15_000): Promise<true> {
  return waitUntil(`${code} to disappear from ${uri.path} (${why})`, () => greenLensDiagnostics(uri, code).length === 0, timeoutMs);
}

/** The code actions VS Code itself collects for `range`, as the lightbulb would show them. */
export async function codeActionsAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range);
  return (all ?? []).filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
}

export async function actionTitled(uri: vscode.Uri, range: vscode.Range, title: string | RegExp): Promise<vscode.CodeAction> {
  const actions = await codeActionsAt(uri, range);
  const found = actions.find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  assert.ok(found, `no code action ${String(title)} at line ${range.start.line + 1}; got: ${actions.map((a) => JSON.stringify(a.title)).join(', ') || 'none'}`);
  return found;
}

/** Puts the file back as it is on disk at the start of the suite, and saves it. */
export async function restore(doc: vscode.TextDocument, text: string): Promise<void> {
  if (doc.getText() !== text) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    assert.ok(await vscode.workspace.applyEdit(edit), `could not restore ${doc.uri.path}`);
  }
  if (doc.isDirty) await doc.save();
}
