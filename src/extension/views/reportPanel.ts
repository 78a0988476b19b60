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
import { comparisonForRecord, scriptOfRecord } from '../../core/insights/aggregate';
import { recordFactsLookup } from '../../core/insights/comparison';
import { buildRunReport, exportRun } from '../../core/insights/report';
import { reportSavings, scriptContextOfRecord } from '../../core/insights/scriptSavings';
import type { HostToReport, ReportPanelState, ReportToHost } from '../../shared/protocol';
import { createSettingsReader, type SettingsReader } from '../settings';
import { openFileAtLine } from './openLocation';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const REPORT_VIEW_TYPE = 'greenlens.report';

export class ReportPanels implements vscode.WebviewPanelSerializer<ReportPanelState>, vscode.Disposable {
  private readonly open = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** The extension's settings reader, so the report's findings follow the same rule settings as the editor's. */
    private readonly settings: SettingsReader = createSettingsReader(log),
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
          // Compared with the last completed run of the script, exactly as the sidebar compares it.
          const dir = this.dir(state.folder);
          const comparison = comparisonForRecord(record, state.folder, readHistory(dir).runs, recordFactsLookup(dir));
          panel.title = `${script} — run ${record.runId.slice(0, 8)}`;
          post({ type: 'report', report: buildRunReport(record, { folder: state.folder, comparison }) });
          void this.postSavings(state, record, post);
          return;
        }
        case 'openRun':
          this.show(state.folder, m.runId);
          return;
        case 'openLocation':
          await openFileAtLine(state.folder, m.file, m.line, this.log, { beside: true });
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

  /**
   * Sends "What would save the most" for the run's script once it is
   * analysed (after the report, which never waits for the analysis).
   */
  private async postSavings(state: ReportPanelState, record: RunRecord, post: (message: HostToReport) => void): Promise<void> {
    if (!record.command.file) return;
    const script = scriptOfRecord(record, state.folder);
    try {
      const rules = this.settings.read(vscode.Uri.file(path.resolve(state.folder, script))).rules;
      const savings = await reportSavings({ folder: state.folder, script, rules, context: scriptContextOfRecord(record) });
      post({ type: 'savings', runId: record.runId, savings });
    } catch (err) {
      this.log.warn(`Run report ${record.runId}: could not list the suggestions for ${script}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async export(state: ReportPanelState, format: 'markdown' | 'csv' | 'json'): Promise<void> {
    const exported = exportRun(this.load(state), format, { folder: state.folder });
    // Proposed in the history folder (.greenlens/ unless configured), next to the run it
    // describes: never among the user's tracked files unless they choose to put it there.
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(this.dir(state.folder), exported.fileName)),
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
