/**
 * The GreenLens sidebar (a webview view in its own activity-bar container):
 * per workspace folder, the run history's totals and chart, per-script trends,
 * findings per family and the top suggestions; live figures during a run.
 * The full state is sent after the webview's `ready`; afterwards a new run is
 * sent on its own (`runAppended`) instead of re-reading the history.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { fileInFolder } from '../../core/files/fileInFolder';
import { historyDir, readHistory } from '../../core/history/runStore';
import { appendRunPoint, buildFolderSummaryWithStatuses, countFindingsByFamily, runDetailsOf, runPointOfRecord, type RunDetails } from '../../core/insights/aggregate';
import { recordFactsLookup, type RunFacts, type RunFactsLookup } from '../../core/insights/comparison';
import { findingItems } from '../../core/insights/findingsList';
import { scriptContextsOf } from '../../core/insights/runContexts';
import { suggestionsFor } from '../../core/insights/suggestions';
import type { FolderSummary, HostToSidebar, LiveRun, SidebarState, SidebarToHost } from '../../shared/protocol';
import { COMMANDS } from '../commandIds';
import type { DiagnosticsService } from '../diagnosticsService';
import type { ProfiledRunService, RecordedRun } from '../run/profiledRunService';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const SIDEBAR_VIEW_ID = 'greenlens.sidebar';

export class SidebarView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view?: vscode.WebviewView;
  private ready = false;
  private folders = new Map<string, FolderSummary>();
  /** Status and script of runs recorded in this session (the CSV does not carry the status). */
  private readonly details = new Map<string, RunDetails>();
  private live?: LiveRun;
  private findingsTimer?: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];
  /** Facts read from run records, per history folder: a record does not change once written. */
  private readonly recordFacts = new Map<string, Map<string, RunFacts | undefined>>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly diagnostics: DiagnosticsService,
    runs: ProfiledRunService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      runs.onDidRecordRun((r) => this.onRunRecorded(r)),
      runs.onLive((status) => {
        this.live = status && {
          folder: status.folder,
          script: status.script,
          watts: status.reading.processWatts,
          energyKWh: status.reading.processEnergyKWh,
          predictedKWh: status.prediction?.totalKWh,
          epoch: status.progress?.epoch,
          totalEpochs: status.progress?.totalEpochs,
          provenance: status.reading.provenance,
        };
        this.post({ type: 'live', live: this.live });
      }),
      // Findings change on every keystroke; the sidebar needs them only now and then.
      diagnostics.onDidChangeFindings(() => {
        clearTimeout(this.findingsTimer);
        this.findingsTimer = setTimeout(() => this.refresh(false), 1000);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh(true)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh(false)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('greenlens.budget') || e.affectsConfiguration('greenlens.historyFolder')) this.refresh(true);
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'sidebar', 'GreenLens');
    view.webview.onDidReceiveMessage((m: SidebarToHost) => this.onMessage(m), undefined, this.disposables);
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
    });
  }

  /** The state the webview shows, rebuilt from the history files and the current findings. */
  buildState(reloadHistory: boolean): SidebarState {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const analyses = this.diagnostics.allAnalyses();
    const next = new Map<string, FolderSummary>();
    for (const folder of folders) {
      const root = folder.uri.fsPath;
      const inFolder = analyses.filter((a) => vscode.workspace.getWorkspaceFolder(a.uri)?.uri.fsPath === root);
      const files = inFolder.map((a) => ({ file: path.relative(root, a.uri.fsPath).split(path.sep).join('/'), findings: a.findings, facts: a.facts }));
      const findingsByFamily = countFindingsByFamily(inFolder.flatMap((a) => a.findings.map((f) => f.code)));
      const dir = historyDir(root, vscode.workspace.getConfiguration('greenlens', folder.uri).get<string>('historyFolder', '.greenlens'));
      const lookup = this.factsLookup(dir);
      // Suggestions rank by what they save on each script's last completed run.
      const withFindings = (summary: FolderSummary): FolderSummary => {
        const contexts = scriptContextsOf(summary.runs, (runId) => lookup(runId)?.status);
        const suggestions = suggestionsFor(files, { limit: 8, contextOf: (file) => contexts.get(file) });
        return { ...summary, findingsByFamily, findings: findingItems(files), suggestions };
      };
      const previous = this.folders.get(root);
      if (previous && !reloadHistory) {
        next.set(root, withFindings(previous));
        continue;
      }
      let history;
      try {
        history = readHistory(dir);
      } catch (err) {
        this.log.error(`Could not read the history in ${dir}: ${String(err)}`);
        history = { runs: [], warnings: [`Could not read the history in ${dir}: ${err instanceof Error ? err.message : String(err)}`] };
      }
      for (const w of history.warnings) this.log.warn(w);
      // The log keeps full paths; the sidebar names files within the folder it shows them under.
      const shown = { ...history, warnings: history.warnings.map((w) => w.split(root + path.sep).join('')) };
      // The CSV does not say how a run ended or how much work it did: the records of the runs the
      // summary needs do (an unreadable record is named when its report is opened).
      next.set(root, withFindings(buildFolderSummaryWithStatuses({ name: folder.name, path: root, history: shown, details: this.details, findingsByFamily, suggestions: [] }, lookup)));
    }
    this.folders = next;
    const budget = vscode.workspace.getConfiguration('greenlens').get<number | null>('budget.kWh', null);
    return { folders: [...next.values()], budgetKWh: budget ?? undefined, live: this.live, canRun: vscode.workspace.isTrusted };
  }

  /** Reads a run's facts from its record once; later asks are answered from memory. */
  private factsLookup(dir: string): RunFactsLookup {
    let cache = this.recordFacts.get(dir);
    if (!cache) this.recordFacts.set(dir, (cache = new Map()));
    const read = recordFactsLookup(dir);
    const known = cache;
    return (runId) => {
      if (!known.has(runId)) known.set(runId, read(runId));
      return known.get(runId);
    };
  }

  private refresh(reloadHistory: boolean): void {
    if (!this.view || !this.ready) return;
    this.post({ type: 'state', state: this.buildState(reloadHistory) });
  }

  private onRunRecorded(r: RecordedRun): void {
    const folder = r.folder;
    this.details.set(r.record.runId, runDetailsOf(r.record, folder));
    const summary = this.folders.get(folder);
    if (!summary || !this.ready) {
      this.refresh(true);
      return;
    }
    const appended = appendRunPoint(summary, runPointOfRecord(r.record, folder));
    this.post({ type: 'runAppended', folder, run: appended.run, totals: appended.totals, script: appended.script });
  }

  private async onMessage(m: SidebarToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'state', state: this.buildState(true) });
        return;
      case 'openRun':
        await vscode.commands.executeCommand(COMMANDS.openRun, m.folder, m.runId);
        return;
      case 'openLocation':
        await this.openLocation(m.folder, m.file, m.line);
        return;
      case 'runCommand':
        if (m.command === 'runActive') await this.runActiveOrExample();
        else if (m.command === 'analyzeWorkspace') await vscode.commands.executeCommand(COMMANDS.analyzeWorkspace);
        else if (m.command === 'manageTrust') await vscode.commands.executeCommand('workbench.trust.manage');
        else await this.openExample();
        return;
    }
  }

  /**
   * Opens a file the webview names, only when it is a regular file inside
   * one of the workspace folders (its real path too): the webview's message
   * carries paths from history files and findings, which the workspace's
   * contents shape. Anything else is refused with a warning in the log.
   */
  private async openLocation(folder: string, file: string, line: number): Promise<void> {
    const isFolder = (vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === 'file' && f.uri.fsPath === folder);
    const target = isFolder ? fileInFolder(folder, file) : { ok: false as const, reason: 'is not in a workspace folder' };
    if (!target.ok) {
      this.log.warn(`Did not open ${JSON.stringify(file)} (folder ${JSON.stringify(folder)}): it ${target.reason}.`);
      void vscode.window.showWarningMessage(`GreenLens did not open ${path.basename(String(file))}: it ${target.reason}.`);
      return;
    }
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target.path));
      const pos = new vscode.Position(Number.isInteger(line) && line >= 0 ? line : 0, 0);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
    } catch (err) {
      this.log.warn(`Could not open ${target.path}: ${err instanceof Error ? err.message : String(err)}`);
      void vscode.window.showWarningMessage(`GreenLens could not open ${path.basename(target.path)}.`);
    }
  }

  /**
   * Runs the script in the active editor (the run command explains when it
   * is not a script); with no editor open, as in a new workspace, the example.
   */
  private async runActiveOrExample(): Promise<void> {
    if (vscode.window.activeTextEditor) {
      await vscode.commands.executeCommand(COMMANDS.runWithProfile);
      return;
    }
    const example = await this.openExample();
    if (example) await vscode.commands.executeCommand(COMMANDS.runWithProfile, example);
  }

  /**
   * Opens a training script of the workspace: in path order, the first whose
   * name says it trains (`tiny_cpu_train.py`), else one that fits or tunes
   * (`hf_finetune.py`), else the first Python file.
   */
  private async openExample(): Promise<vscode.Uri | undefined> {
    const files = await vscode.workspace.findFiles('**/*.py', '**/{.git,node_modules,venv,.venv,__pycache__}/**', 200);
    if (files.length === 0) {
      void vscode.window.showInformationMessage('GreenLens found no Python file in this workspace. Open a folder with a training script.');
      return undefined;
    }
    files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    const named = (re: RegExp) => files.find((f) => re.test(path.basename(f.fsPath)));
    const example = named(/train/i) ?? named(/fit|tune/i) ?? files[0];
    await vscode.window.showTextDocument(example);
    return example;
  }

  private post(message: HostToSidebar): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  dispose(): void {
    clearTimeout(this.findingsTimer);
    for (const d of this.disposables) d.dispose();
  }
}
