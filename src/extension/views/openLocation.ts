/**
 * Opens a file a webview names at a line, for the report's "What would save
 * the most" (and any panel that links to code). The webview is not trusted
 * to name a file: its messages carry paths from run records and findings,
 * which the workspace's contents shape, and a restored panel's folder comes
 * from its saved state. So the folder must be a workspace folder and the
 * file a regular file inside it (`fileInFolder`); anything else is refused
 * with a warning in the log.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { fileInFolder } from '../../core/files/fileInFolder';

export async function openFileAtLine(folder: string, file: string, line: number, log: vscode.LogOutputChannel, options: { beside?: boolean } = {}): Promise<void> {
  const isFolder = (vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === 'file' && f.uri.fsPath === folder);
  const target = isFolder ? fileInFolder(folder, file) : { ok: false as const, reason: 'is not in a workspace folder' };
  if (!target.ok) {
    log.warn(`Did not open ${JSON.stringify(file)} (folder ${JSON.stringify(folder)}): it ${target.reason}.`);
    void vscode.window.showWarningMessage(`GreenLens did not open ${path.basename(String(file))}: it ${target.reason}.`);
    return;
  }
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target.path));
    const pos = new vscode.Position(Number.isInteger(line) && line >= 0 ? line : 0, 0);
    // `beside` a report panel, so the reader keeps its list of suggestions in view.
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), ...(options.beside ? { viewColumn: vscode.ViewColumn.Beside } : {}) });
  } catch (err) {
    log.warn(`Could not open ${target.path}: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showWarningMessage(`GreenLens could not open ${path.basename(target.path)}.`);
  }
}
