/**
 * A CodeLens above each training entry point of a Python file with what the
 * training will cost: "≈ 5.6 kWh · 2.7 kg CO2e · 14 h on 1× A100 (estimated)".
 * Lenses come from the last analysis (never a parse of their own), and are
 * asked for again whenever the findings or the estimate's inputs change.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { EstimateService } from './estimateService';
import { estimateLensTitle, estimateTooltip } from './estimateText';

export class EstimateCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor(
    private readonly estimates: EstimateService,
    onDidChangeFindings: vscode.Event<void>,
  ) {
    this.listeners = [onDidChangeFindings(() => this.changed.fire()), estimates.onDidChange(() => this.changed.fire())];
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.estimates.enabled(doc.uri)) return [];
    const result = this.estimates.forFile(doc.uri);
    if (!result) return [];
    return result.estimates
      .filter((e) => e.line >= 0 && e.line < doc.lineCount)
      .map(
        (e) =>
          new vscode.CodeLens(doc.lineAt(e.line).range, {
            title: estimateLensTitle(e),
            tooltip: estimateTooltip(e),
            command: COMMANDS.setEstimateHardware,
            arguments: [doc.uri],
          }),
      );
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.changed.dispose();
  }
}
