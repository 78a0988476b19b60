/** A "Run with Energy Profile" CodeLens above `if __name__ == "__main__":`. */
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';

const MAIN_GUARD = /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/;

export class RunCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly trustListener = vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire());

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    // Running code needs a trusted workspace; offering the lens otherwise would only lead to a refusal.
    if (!vscode.workspace.isTrusted) return [];
    const lenses: vscode.CodeLens[] = [];
    for (let i = 0; i < doc.lineCount; i++) {
      const line = doc.lineAt(i);
      if (!MAIN_GUARD.test(line.text)) continue;
      lenses.push(
        new vscode.CodeLens(line.range, { title: '$(pulse) Run with Energy Profile', command: COMMANDS.runWithProfile, arguments: [doc.uri] }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
    this.trustListener.dispose();
  }
}
