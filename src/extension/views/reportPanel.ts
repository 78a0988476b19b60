/**
 * The run report: one webview panel per run, showing the power timeline, the
 * energy per component with provenance, CO2e with the region, intensity and
 * PUE, everyday equivalents, greener regions and the comparison with the
 * previous run of the same script; exports a Markdown carbon statement, CSV
 * and JSON. Panels are restored after a window reload from their saved state.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../core/history/runRecord';
import { historyDir, readHistory, readRun } from '../../core/history/runStore';
import { runPointsOf, scriptOfRecord } from '../../core/insights/aggregate';
import { buildRunReport, exportRun, previousRunOf } from '../../core/insights/report';
import type { HostToReport, ReportPanelState, ReportToHost } from '../../shared/protocol';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const REPORT_VIEW_TYPE = 'greenlens.report';

export class ReportPanels implements vscode.WebviewPanelSerializer<ReportPanelState>, vscode.Disposable {
  private readonly open = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Opens (or reveals) the report of a run of a workspace folder. */
  show(folder: string, runId: string): vscode.WebviewPanel {
    const key = `${folder}\n${runId}`;
    const existing = this.open.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, `Run ${runId.slice(0, 8)}`, vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: false,
    });
    this.attach(panel, { folder, runId });
    return panel;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: ReportPanelState | undefined): Promise<void> {
    if (!state?.folder || !state.runId) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.attach(panel, state);
  }

  private attach(panel: vscode.WebviewPanel, state: ReportPanelState): void {
    const key = `${state.folder}\n${state.runId}`;
    this.open.set(key, panel);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'report', 'GreenLens run report');
    const sub = panel.webview.onDidReceiveMessage((m: ReportToHost) => this.onMessage(panel, state, m));
    panel.onDidDispose(() => {
      sub.dispose();
      if (this.open.get(key) === panel) this.open.delete(key);
    });
  }

  private dir(folder: string): string {
    return historyDir(folder, vscode.workspace.getConfiguration('greenlens', vscode.Uri.file(folder)).get<string>('historyFolder', '.greenlens'));
  }

  private load(state: ReportPanelState): RunRecord {
    const record = readRun(this.dir(state.folder), state.runId);
    if (!record) throw new Error(`No run ${state.runId} in ${this.dir(state.folder)}`);
    return record;
  }

  private async onMessage(panel: vscode.WebviewPanel, state: ReportPanelState, m: ReportToHost): Promise<void> {
    const post = (message: HostToReport) => void panel.webview.postMessage(message);
    try {
      switch (m.type) {
        case 'ready': {
          const record = this.load(state);
          const script = scriptOfRecord(record, state.folder);
          const points = runPointsOf(readHistory(this.dir(state.folder)).runs);
          const previous = previousRunOf(points, record.runId, script);
          panel.title = `${script} — run ${record.runId.slice(0, 8)}`;
          post({ type: 'report', report: buildRunReport(record, { folder: state.folder, previous }) });
          return;
        }
        case 'openRun':
          this.show(state.folder, m.runId);
          return;
        case 'export':
          await this.export(state, m.format);
          return;
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`Run report ${state.runId}: ${message}`);
      post({ type: 'error', message });
    }
  }

  private async export(state: ReportPanelState, format: 'markdown' | 'csv' | 'json'): Promise<void> {
    const exported = exportRun(this.load(state), format, { folder: state.folder });
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(state.folder, exported.fileName)),
      saveLabel: 'Export',
      filters: { [format.toUpperCase()]: [path.extname(exported.fileName).slice(1)] },
    });
    if (!target) return;
    // Through VS Code's file system, so the file lands wherever the dialog pointed (also a remote folder).
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(exported.content));
    const choice = await vscode.window.showInformationMessage(`Exported the run to ${vscode.workspace.asRelativePath(target)}.`, 'Open');
    if (choice) await vscode.window.showTextDocument(target);
  }

  dispose(): void {
    for (const p of this.open.values()) p.dispose();
    this.open.clear();
  }
}
