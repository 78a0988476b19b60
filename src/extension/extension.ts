/**
 * Entry point. `activate()` only wires services together and registers their
 * disposables; the parser and its wasm load on the first analysis, not here.
 */
import * as vscode from 'vscode';
import { GreenLensCodeActions } from './codeActions';
import { COMMANDS } from './commandIds';
import { DiagnosticsService } from './diagnosticsService';
import { registerEstimates } from './estimate/registerEstimates';
import { createLog, showErrorWithLog } from './log';
import { createSettingsReader } from './settings';
import { ruleDocsUri, showRuleDocs } from './ruleDocs';
import { ProfiledRunService } from './run/profiledRunService';
import { RunCodeLensProvider } from './run/runCodeLens';
import { ReportPanels, REPORT_VIEW_TYPE } from './views/reportPanel';
import { SidebarView, SIDEBAR_VIEW_ID } from './views/sidebarView';
import { analyzeWorkspace } from './workspaceScan';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log, vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()));
  try {
    const docsUri = (code: string) => ruleDocsUri(context.extensionUri, code);
    const settings = createSettingsReader(log);
    const diagnostics = new DiagnosticsService(settings, log, docsUri);
    context.subscriptions.push(
      diagnostics,
      vscode.languages.registerCodeActionsProvider({ language: 'python' }, new GreenLensCodeActions((uri) => diagnostics.findingsFor(uri)), {
        providedCodeActionKinds: GreenLensCodeActions.kinds,
      }),
      vscode.commands.registerCommand(COMMANDS.analyzeWorkspace, () => analyzeWorkspace(diagnostics, log)),
      vscode.commands.registerCommand(COMMANDS.showRuleDocs, (code?: string) => showRuleDocs(context.extensionUri, log, code)),
    );
    const runs = new ProfiledRunService(log);
    const runLenses = new RunCodeLensProvider();
    context.subscriptions.push(
      runs,
      runLenses,
      vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, runLenses),
      vscode.commands.registerCommand(COMMANDS.runWithProfile, (uri?: vscode.Uri) => runs.run(uri instanceof vscode.Uri ? uri : undefined)),
      vscode.commands.registerCommand(COMMANDS.stopRun, () => runs.stop()),
    );
    registerEstimates(context, diagnostics, runs, log);
    const reports = new ReportPanels(context.extensionUri, log, settings);
    const sidebar = new SidebarView(context.extensionUri, diagnostics, runs, log);
    context.subscriptions.push(
      reports,
      sidebar,
      vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW_ID, sidebar),
      vscode.commands.registerCommand(COMMANDS.showSidebar, () => vscode.commands.executeCommand(`${SIDEBAR_VIEW_ID}.focus`)),
      vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, reports),
      // The sidebar and the end-of-run notification open a run as (workspace folder, run id).
      vscode.commands.registerCommand(COMMANDS.openRun, (folder: string, runId: string) => reports.show(folder, runId)),
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
