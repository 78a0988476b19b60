/**
 * "GreenLens: Run with Energy Profile": runs the script of the active editor
 * (or a CodeLens's file) metered, streams its output into a terminal, shows
 * live watts, energy so far and the predicted total in the status bar, and
 * reports energy, CO2e and provenance when it ends.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { DEFAULT_INTERVAL_MS, MIN_INTERVAL_MS } from '../../core/energy/meter';
import type { BudgetCheck } from '../../core/energy/prediction';
import type { RunRecord } from '../../core/history/runRecord';
import { historyDir, readHistory } from '../../core/history/runStore';
import { comparisonForRecord } from '../../core/insights/aggregate';
import { recordFactsLookup } from '../../core/insights/comparison';
import { formatEnergy, formatWatts } from '../../core/report/units';
import { RunStartError, startProfiledRun, type LiveStatus, type ProfiledRun } from '../../core/run/profiledRun';
import { COMMANDS } from '../commandIds';
import { showErrorWithLog } from '../log';
import { isRunnable, launchFor } from './interpreter';
import { runEndMessage } from './runEndMessage';
import { RunTerminal } from './runTerminal';

/** Per-script run settings, keyed by a path relative to the workspace folder. */
interface ScriptRunConfig {
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** A setting's value only when the user (or workspace) set it, not its default. */
function userValue<T>(cfg: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const i = cfg.inspect<T>(key);
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

/** A path relative to the folder when it lies inside it, else as it is. */
function relativeTo(folder: string, file: string): string {
  const rel = path.relative(folder, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** An argument as a POSIX shell would need it typed, so the terminal's command line can be pasted. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface RecordedRun {
  record: RunRecord;
  /** The workspace folder the run belongs to. */
  folder: string;
  historyDir: string;
  /** The run's JSON: in the history folder, or the fallback file when that could not be written. */
  runFile?: string;
  /** Whether the run is in the history folder (the sidebar and reports read it from there). */
  inHistory: boolean;
}

export class ProfiledRunService implements vscode.Disposable {
  private readonly status = vscode.window.createStatusBarItem('greenlens.run', vscode.StatusBarAlignment.Left, 50);
  private readonly recorded = new vscode.EventEmitter<RecordedRun>();
  /** Fires after each run is written to the history (the sidebar listens). */
  readonly onDidRecordRun = this.recorded.event;
  private readonly live = new vscode.EventEmitter<(LiveStatus & { folder: string; script: string }) | undefined>();
  /** Live readings while a run goes on, with the script's workspace-relative path; undefined when it ends. */
  readonly onLive = this.live.event;
  private current?: { run: ProfiledRun; file: vscode.Uri };

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.status.name = 'GreenLens run';
  }

  get isRunning(): boolean {
    return this.current !== undefined;
  }

  async run(target?: vscode.Uri): Promise<RecordedRun | undefined> {
    if (!vscode.workspace.isTrusted) {
      // The command stays listed in Restricted Mode (package.json has no trust enablement), so
      // choosing it says why nothing runs, and offers the trust editor rather than another command.
      void vscode.window
        .showWarningMessage(
          'GreenLens runs scripts only in a trusted workspace: this folder is open in Restricted Mode. Trust it to run with an energy profile.',
          'Manage Workspace Trust',
        )
        .then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.trust.manage');
        });
      return undefined;
    }
    const file = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!file || file.scheme !== 'file' || !isRunnable(file)) {
      void vscode.window.showErrorMessage('Open a Python (.py) or JavaScript (.js, .mjs, .cjs) file to run it with an energy profile.');
      return undefined;
    }
    if (this.current) {
      const choice = await vscode.window.showWarningMessage(`A profiled run of ${path.basename(this.current.file.fsPath)} is still going.`, 'Stop It');
      if (choice) await this.stop();
      return undefined;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
    if (doc?.isDirty) await doc.save();

    const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? path.dirname(file.fsPath);
    const script = path.relative(folder, file.fsPath).split(path.sep).join('/');
    const cfg = vscode.workspace.getConfiguration('greenlens', file);
    const scriptConfig = this.scriptConfig(cfg, folder, file);
    const launch = await launchFor(file, scriptConfig.args ?? [], this.log);
    const dir = historyDir(folder, cfg.get<string>('historyFolder', '.greenlens'));
    const terminal = new RunTerminal(`GreenLens: ${path.basename(file.fsPath)}`, () => void this.stop());
    terminal.write(`\x1b[2m$ ${[launch.command, ...launch.args].map(shellQuote).join(' ')}   (interpreter: ${launch.via})\x1b[0m\n`);
    this.log.info(`Profiled run: ${launch.command} ${launch.args.join(' ')} (interpreter from ${launch.via}), history in ${dir}`);
    // Resolves when the run is over, which closes the warnings raised while it went on.
    let endRun!: () => void;
    const ended = new Promise<void>((resolve) => (endRun = resolve));

    let run: ProfiledRun;
    try {
      run = await startProfiledRun({
        command: launch.command,
        args: launch.args,
        cwd: scriptConfig.cwd ? path.resolve(folder, scriptConfig.cwd) : folder,
        env: { ...process.env, ...(scriptConfig.env ?? {}) },
        historyDir: dir,
        file: script,
        projectName: path.basename(folder),
        region: cfg.get<string>('region', '').trim() || undefined,
        // Only a PUE the user set is passed, so reports can say when the default was used.
        pue: userValue<number>(cfg, 'pue'),
        budgetKWh: cfg.get<number | null>('budget.kWh', null) ?? undefined,
        meter: {
          intervalMs: Math.max(MIN_INTERVAL_MS, cfg.get<number>('sampleIntervalMs', DEFAULT_INTERVAL_MS)),
          powercapRoot: cfg.get<string>('powercapRoot', '').trim() || undefined,
          nvidiaSmiPath: cfg.get<string>('nvidiaSmiPath', '').trim() || undefined,
        },
        onOutput: (text) => terminal.write(text),
        onLive: (status) => this.showLive(status, folder, script),
        onBudgetExceeded: (check) => this.warnOverBudget(check, ended),
        log: (level, message) => (level === 'warn' ? this.log.warn(message) : level === 'info' ? this.log.info(message) : this.log.debug(message)),
      });
    } catch (err) {
      endRun();
      terminal.finish(`Could not start: ${err instanceof Error ? err.message : String(err)}`, false);
      terminal.dispose();
      if (err instanceof RunStartError) {
        // Either the program could not be started, or the history folder cannot take the record
        // (checked before anything runs): each has its own setting to fix.
        const interpreter = err.kind === 'command';
        const hint = interpreter ? 'Select an interpreter with the Python extension or set greenlens.pythonPath.' : 'Nothing was run. Check greenlens.historyFolder.';
        void vscode.window.showErrorMessage(`GreenLens: ${err.message}. ${hint}`, 'Open Settings').then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.action.openSettings', interpreter ? 'greenlens.pythonPath' : 'greenlens.historyFolder');
        });
      } else {
        this.log.error(`Run failed to start: ${String(err)}`);
        void showErrorWithLog('GreenLens could not start the run.');
      }
      return undefined;
    }

    this.current = { run, file };
    this.status.text = '$(pulse) GreenLens: starting…';
    this.status.tooltip = 'Profiled run in progress — click to stop it';
    this.status.command = COMMANDS.stopRun;
    this.status.show();
    void vscode.commands.executeCommand('setContext', 'greenlens.running', true);
    try {
      const result = await run.done;
      const { saved } = result;
      const message = runEndMessage(result.record, path.basename(file.fsPath), saved.csvFile ? relativeTo(folder, saved.csvFile) : dir, saved.fallbackFile, this.comparisonOf(result.record, folder, dir));
      terminal.finish(message.terminalLine, result.record.status === 'completed');
      for (const w of [...result.record.warnings, ...saved.warnings]) this.log.warn(w);
      if (saved.error) this.log.error(`${saved.error}; saved to ${saved.fallbackFile ?? 'nowhere'}`);
      const recorded: RecordedRun = { record: result.record, folder, historyDir: dir, runFile: saved.runFile ?? saved.fallbackFile, inHistory: saved.runFile !== undefined };
      endRun();
      // The sidebar shows the history; a run saved only to a fallback file is not in it.
      if (recorded.inHistory) this.recorded.fire(recorded);
      const show =
        message.severity === 'error' ? vscode.window.showErrorMessage
        : message.severity === 'warning' ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
      void show(message.text, ...(recorded.inHistory ? ['Open Run'] : [])).then((c) => {
        if (c) void vscode.commands.executeCommand(COMMANDS.openRun, folder, result.record.runId);
      });
      return recorded;
    } catch (err) {
      terminal.finish('GreenLens could not record the run; see the GreenLens log.', false);
      this.log.error(`Recording the run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      void showErrorWithLog('GreenLens could not record the run.');
      return undefined;
    } finally {
      endRun();
      this.current = undefined;
      this.status.hide();
      this.live.fire(undefined);
      void vscode.commands.executeCommand('setContext', 'greenlens.running', false);
      terminal.dispose();
    }
  }

  /**
   * The run compared with the last completed run of its script, computed as
   * the sidebar and the report compute it; undefined (and logged) when the
   * history cannot be read, so the notification still comes.
   */
  private comparisonOf(record: RunRecord, folder: string, dir: string) {
    try {
      return comparisonForRecord(record, folder, readHistory(dir).runs, recordFactsLookup(dir));
    } catch (err) {
      this.log.warn(`Could not compare the run with earlier ones: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /**
   * The budget warning, as a notification the run can close: a cancellable
   * progress notification that lasts until `ended` resolves (a plain warning
   * message would stay, with a "Stop Run" button for a run long gone).
   * Cancelling it stops the run.
   */
  private warnOverBudget(check: BudgetCheck, ended: Promise<void>): void {
    this.log.warn(`Budget: ${check.message}`);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `GreenLens: ${check.message} Cancel to stop the run.`, cancellable: true },
      (_progress, token) => {
        const sub = token.onCancellationRequested(() => void this.stop());
        return ended.finally(() => sub.dispose());
      },
    );
  }

  async stop(): Promise<void> {
    if (!this.current) return;
    this.status.text = '$(loading~spin) GreenLens: stopping…';
    await this.current.run.stop();
  }

  private showLive(status: LiveStatus, folder: string, script: string): void {
    const { reading, prediction, progress } = status;
    const parts = [`$(pulse) ${formatWatts(reading.processWatts)}`, formatEnergy(reading.processEnergyKWh)];
    if (prediction) parts.push(`→ ${formatEnergy(prediction.totalKWh)}`);
    this.status.text = parts.join(' · ');
    const epoch = progress?.epoch !== undefined ? `epoch ${progress.epoch}${progress.totalEpochs ? `/${progress.totalEpochs}` : ''}, ` : '';
    this.status.tooltip = new vscode.MarkdownString(
      `**GreenLens profiled run** (${reading.provenance})\n\n` +
        `${epoch}${Math.round(reading.durationS)} s · this run ${formatWatts(reading.processWatts)} now, ${formatEnergy(reading.processEnergyKWh)} so far · whole machine ${formatWatts(reading.watts.total)}` +
        (prediction ? `\n\nPredicted total: ${formatEnergy(prediction.totalKWh)} (from the rate ${prediction.basis.replace(/-/g, ' ')})` : '\n\nThe predicted total appears after the first epoch.') +
        '\n\nClick to stop the run.',
    );
    this.live.fire({ ...status, folder, script });
  }

  private scriptConfig(cfg: vscode.WorkspaceConfiguration, folder: string, file: vscode.Uri): ScriptRunConfig {
    const all = cfg.get<Record<string, ScriptRunConfig>>('runConfigurations', {});
    const rel = path.relative(folder, file.fsPath).split(path.sep).join('/');
    return all[rel] ?? all[path.basename(file.fsPath)] ?? {};
  }

  dispose(): void {
    void this.current?.run.stop();
    this.status.dispose();
    this.recorded.dispose();
    this.live.dispose();
  }
}
