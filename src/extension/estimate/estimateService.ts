/**
 * Estimates of the open scripts, from the Facts the DiagnosticsService already
 * built: nothing is parsed again, and the result is kept per Facts object and
 * settings, so lenses and hovers after a keystroke cost a lookup.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Facts } from '../../core/analysis/facts';
import type { Finding } from '../../core/analysis/types';
import { estimateTraining, findingSavings, type EstimateOptions, type FindingSaving, type TrainingEstimate } from '../../core/estimate';
import { historyDir } from '../../core/history/runStore';
import type { FileAnalysis } from '../diagnosticsService';
import { HardwareResolver } from './estimateHardware';
import { ScriptRuns } from './scriptRuns';

export interface ScriptEstimate {
  estimates: TrainingEstimate[];
  savings: FindingSaving[];
}

interface Cached extends ScriptEstimate {
  key: string;
}

export class EstimateService implements vscode.Disposable {
  private readonly cache = new WeakMap<Facts, Cached>();
  private readonly runs: ScriptRuns;
  readonly hardware: HardwareResolver;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when estimates may differ: settings, detected hardware, a recorded run. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly analysisFor: (uri: vscode.Uri) => FileAnalysis | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.runs = new ScriptRuns((m) => log.warn(m));
    this.hardware = new HardwareResolver(log, () => this.changed.fire());
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('greenlens')) this.changed.fire();
      }),
    );
  }

  /** Whether `greenlens.estimate.enable` is on for the file (and GreenLens itself: its Facts are then current). */
  enabled(uri: vscode.Uri): boolean {
    const cfg = vscode.workspace.getConfiguration('greenlens', uri);
    return cfg.get<boolean>('estimate.enable', true) && cfg.get<boolean>('enable', true);
  }

  /** The estimates and per-finding savings of a file's last analysis, or undefined when it has none yet. */
  forFile(uri: vscode.Uri): ScriptEstimate | undefined {
    const analysis = this.analysisFor(uri);
    if (!analysis?.facts) return undefined;
    const options = this.optionsFor(uri);
    const key = JSON.stringify({ ...options, runs: options.runs?.map((r) => r.runId) });
    const hit = this.cache.get(analysis.facts);
    if (hit && hit.key === key) return hit;
    const result = this.compute(uri, analysis.facts, analysis.findings, options);
    this.cache.set(analysis.facts, { key, ...result });
    return result;
  }

  /** The saving of one finding's fix on its script, when the estimate has one. */
  savingFor(uri: vscode.Uri, finding: Finding): FindingSaving | undefined {
    if (!this.enabled(uri)) return undefined;
    return this.forFile(uri)?.savings.find((s) => s.code === finding.code && s.line === finding.range.start.line);
  }

  /** Called when a run was recorded: its script's estimate may now be calibrated. */
  runRecorded(): void {
    this.runs.clear();
    this.changed.fire();
  }

  private compute(uri: vscode.Uri, facts: Facts, findings: readonly Finding[], options: EstimateOptions): ScriptEstimate {
    try {
      const estimates = estimateTraining(facts, options);
      const savings = estimates.length > 0 ? findingSavings(findings, facts, estimates, options) : [];
      return { estimates, savings };
    } catch (err) {
      // An estimate failure must never take the diagnostics or the editor down with it.
      this.log.error(`Estimate of ${uri.fsPath} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { estimates: [], savings: [] };
    }
  }

  private optionsFor(uri: vscode.Uri): EstimateOptions {
    const cfg = vscode.workspace.getConfiguration('greenlens', uri);
    const { hardware, gpus } = this.hardware.resolve(uri);
    const options: EstimateOptions = { gpus };
    if (hardware) options.hardware = hardware;
    const region = cfg.get<string>('region', '').trim();
    if (region) options.region = region;
    const pue = cfg.inspect<number>('pue');
    const userPue = pue?.workspaceFolderValue ?? pue?.workspaceValue ?? pue?.globalValue;
    if (userPue !== undefined) options.pue = userPue;
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    if (folder && uri.scheme === 'file') {
      const script = path.relative(folder, uri.fsPath).split(path.sep).join('/');
      const all = cfg.get<Record<string, { args?: string[] }>>('runConfigurations', {});
      const args = (all[script] ?? all[path.basename(uri.fsPath)])?.args;
      if (Array.isArray(args)) options.scriptArgs = args.filter((a): a is string => typeof a === 'string');
      const runs = this.runs.completedRuns(historyDir(folder, cfg.get<string>('historyFolder', '.greenlens')), script);
      if (runs.length > 0) options.runs = runs;
    }
    return options;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
