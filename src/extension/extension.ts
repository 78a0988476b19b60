/**
 * Entry point. `activate()` only wires services together and registers their
 * disposables; the parser and its wasm load on the first analysis, not here.
 */
import * as vscode from 'vscode';
import { GreenLensCodeActions } from './codeActions';
import { COMMANDS } from './commandIds';
import { DiagnosticsService } from './diagnosticsService';
import { createLog, showErrorWithLog } from './log';
import { createSettingsReader } from './settings';
import { ProfiledRunService } from './run/profiledRunService';
import { RunCodeLensProvider } from './run/runCodeLens';
import { analyzeWorkspace } from './workspaceScan';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log, vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()));
  try {
    const docsUri = (code: string) => vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${code}.md`);
    const settings = createSettingsReader(log);
    const diagnostics = new DiagnosticsService(settings, log, docsUri);
    context.subscriptions.push(
      diagnostics,
      vscode.languages.registerCodeActionsProvider({ language: 'python' }, new GreenLensCodeActions((uri) => diagnostics.findingsFor(uri)), {
        providedCodeActionKinds: GreenLensCodeActions.kinds,
      }),
      vscode.commands.registerCommand(COMMANDS.analyzeWorkspace, () => analyzeWorkspace(diagnostics, log)),
      vscode.commands.registerCommand(COMMANDS.showRuleDocs, async (code?: string) => {
        const chosen = code ?? (await vscode.window.showInputBox({ prompt: 'Rule code, e.g. GL201' }));
        if (!chosen) return;
        await vscode.commands.executeCommand('markdown.showPreview', docsUri(chosen.trim().toUpperCase()));
      }),
    );
    const runs = new ProfiledRunService(log);
    const runLenses = new RunCodeLensProvider();
    context.subscriptions.push(
      runs,
      runLenses,
      vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, runLenses),
      vscode.commands.registerCommand(COMMANDS.runWithProfile, (uri?: vscode.Uri) => runs.run(uri instanceof vscode.Uri ? uri : undefined)),
      vscode.commands.registerCommand(COMMANDS.stopRun, () => runs.stop()),
      // Until the run report arrives, a run opens as its JSON file.
      vscode.commands.registerCommand(COMMANDS.openRun, (uri: vscode.Uri) => vscode.window.showTextDocument(uri)),
      // A saved pyproject.toml may change [tool.greenlens]; re-read it.
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.path.endsWith('/pyproject.toml')) diagnostics.refreshAll();
      }),
    );
    log.info('GreenLens activated.');
  } catch (err) {
    log.error(`Activation failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void showErrorWithLog('GreenLens could not start. The log has the details.');
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
