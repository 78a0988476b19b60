/** Wires the estimates into the editor: the CodeLens, the hover's savings line and the hardware command. */
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { DiagnosticsService } from '../diagnosticsService';
import type { ProfiledRunService } from '../run/profiledRunService';
import { EstimateCodeLensProvider } from './estimateCodeLens';
import { EstimateService } from './estimateService';
import { savingHoverLine } from './estimateText';
import { setEstimateHardware } from './setEstimateHardware';

export function registerEstimates(
  context: vscode.ExtensionContext,
  diagnostics: DiagnosticsService,
  runs: ProfiledRunService,
  log: vscode.LogOutputChannel,
): EstimateService {
  const estimates = new EstimateService((uri) => diagnostics.analysisFor(uri), log);
  const lenses = new EstimateCodeLensProvider(estimates, diagnostics.onDidChangeFindings);
  diagnostics.hoverExtra = (uri, finding) => {
    try {
      const saving = estimates.savingFor(uri, finding);
      return saving ? savingHoverLine(saving) : undefined;
    } catch (err) {
      // The finding's own hover matters more than its saving.
      log.error(`Saving of ${finding.code} in ${uri.fsPath} failed: ${String(err)}`);
      return undefined;
    }
  };
  context.subscriptions.push(
    estimates,
    lenses,
    vscode.languages.registerCodeLensProvider({ language: 'python' }, lenses),
    vscode.commands.registerCommand(COMMANDS.setEstimateHardware, () => setEstimateHardware()),
    // A new run of a script may calibrate its estimate.
    runs.onDidRecordRun(() => estimates.runRecorded()),
  );
  return estimates;
}
