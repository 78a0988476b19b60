/**
 * "GreenLens: Analyze Workspace": analyses every Python file of the workspace
 * with a cancellable progress notification and publishes the findings.
 */
import * as vscode from 'vscode';
import type { DiagnosticsService } from './diagnosticsService';

const ALWAYS_SKIPPED = '**/{.git,node_modules,venv,.venv,__pycache__}/**';

export interface ScanSummary {
  files: number;
  findings: number;
  skipped: number;
  cancelled: boolean;
}

export async function analyzeWorkspace(diagnostics: DiagnosticsService, log: vscode.LogOutputChannel): Promise<ScanSummary> {
  const summary: ScanSummary = { files: 0, findings: 0, skipped: 0, cancelled: false };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'GreenLens: analyzing workspace', cancellable: true },
    async (progress, token) => {
      const uris = await vscode.workspace.findFiles('**/*.py', ALWAYS_SKIPPED, undefined, token);
      for (const [i, uri] of uris.entries()) {
        if (token.isCancellationRequested) {
          summary.cancelled = true;
          break;
        }
        progress.report({ message: `${i + 1}/${uris.length} ${vscode.workspace.asRelativePath(uri)}`, increment: 100 / uris.length });
        try {
          const result = await diagnostics.analyzeFile(uri);
          if ('excluded' in result) continue;
          if ('skipped' in result) {
            summary.skipped++;
            log.info(`Skipped ${uri.fsPath}: ${result.skipped}.`);
            continue;
          }
          summary.files++;
          summary.findings += result.findings;
        } catch (err) {
          summary.skipped++;
          log.error(`Could not analyse ${uri.fsPath}: ${String(err)}`);
        }
        // Yield so the extension host stays responsive during large scans.
        await new Promise((r) => setImmediate(r));
      }
    },
  );
  const text = `GreenLens analysed ${summary.files} Python file${summary.files === 1 ? '' : 's'}: ${summary.findings} finding${summary.findings === 1 ? '' : 's'}` +
    (summary.skipped ? `, ${summary.skipped} skipped (see log)` : '') + (summary.cancelled ? ' (cancelled)' : '') + '.';
  log.info(text);
  void vscode.window.showInformationMessage(text, 'Open Problems').then((c) => {
    if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return summary;
}
