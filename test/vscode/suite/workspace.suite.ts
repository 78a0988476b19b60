/** "GreenLens: Analyze Workspace" reaches files that are not open. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { diagnosticFor, noDiagnostic, workspaceFile } from './helpers';

interface ScanSummary {
  files: number;
  findings: number;
  skipped: number;
  cancelled: boolean;
}

export function defineWorkspaceTests(): void {
  describe('GreenLens: Analyze Workspace', () => {
    after(async () => {
      await vscode.workspace.getConfiguration('greenlens').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it('analyses every Python file and publishes findings of files that are not open', async () => {
      const evaluate = workspaceFile('evaluate.py');
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === evaluate.toString()), 'evaluate.py must not be open for this test');
      const summary = await vscode.commands.executeCommand<ScanSummary>('greenlens.analyzeWorkspace');
      assert.ok(summary, 'the command should return its summary');
      assert.strictEqual(summary.cancelled, false);
      assert.ok(summary.files >= 2, `expected at least train.py and evaluate.py, got ${summary.files} files`);
      assert.ok(summary.findings >= 4, `expected at least 4 findings, got ${summary.findings}`);
      await diagnosticFor(evaluate, 'GL313', 2000);
    });

    it('a rule turned off in settings also leaves files that were only scanned', async () => {
      const evaluate = workspaceFile('evaluate.py');
      await diagnosticFor(evaluate, 'GL313');
      await vscode.workspace.getConfiguration('greenlens').update('rules', { GL313: 'off' }, vscode.ConfigurationTarget.Workspace);
      await noDiagnostic(evaluate, 'GL313', 'greenlens.rules = {"GL313": "off"} on a scanned, closed file', 5000);
    });
  });
}
