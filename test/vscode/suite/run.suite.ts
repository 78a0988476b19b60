/** "GreenLens: Run with Energy Profile" in the real editor: CodeLens, a metered run, its record. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { buildRunRecord, type RunRecord, type RunInput } from '../../../src/core/history/runRecord';
import { estimateReasons } from '../../../src/core/report/runSummary';
import { runEndMessage } from '../../../src/extension/run/runEndMessage';
import { workspaceFile } from './helpers';

interface RecordedRun {
  record: RunRecord;
  historyDir: string;
  runFile: string;
  inHistory: boolean;
}

/** A script that fails within a second: a line of output, then exit code 3. */
const FAILS_AT_ONCE = 'import sys\nprint("about to fail", flush=True)\nsys.exit(3)\n';

/** A finished run with an estimated CPU figure whose RAPL probe found nothing, as the meter records it. */
function recordOf(end: Pick<RunInput, 'exitCode' | 'signal' | 'stoppedByUser'>): RunRecord {
  return buildRunRecord({
    meter: {
      durationS: 12,
      components: [{ component: 'cpu', energyKWh: 1e-5, powerW: 3, provenance: 'estimated', source: 'TDP model: 65 W × utilisation', machineEnergyKWh: 2e-5 }],
      timeline: [],
      warnings: [],
      sources: [{ component: 'cpu', name: 'RAPL via powercap', status: 'absent', detail: '/sys/class/powercap does not exist' }],
    },
    projectName: 'workspace',
    command: { argv: ['python3', 'train.py'], cwd: '/tmp', file: 'train.py' },
    startedAt: new Date(Date.now() - 12_000),
    carbon: { region: 'FR' },
    ...end,
  });
}

const SCRIPT = [
  '"""A script the run suite profiles: three short epochs of busy work."""',
  'import time',
  '',
  '',
  'def main():',
  '    for epoch in range(3):',
  '        end = time.time() + 0.3',
  '        x = 0',
  '        while time.time() < end:',
  '            x += 1',
  '        print(f"epoch {epoch + 1}/3 done", flush=True)',
  '',
  '',
  'if __name__ == "__main__":',
  '    main()',
  '',
].join('\n');

export function defineRunTests(): void {
  describe('GreenLens: Run with Energy Profile', () => {
    const uri = () => workspaceFile('profiled_script.py');
    before(async () => {
      fs.writeFileSync(uri().fsPath, SCRIPT);
      // No Python extension in the test profile: the setting decides the interpreter.
      await vscode.workspace.getConfiguration('greenlens').update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Workspace);
    });
    after(async () => {
      await vscode.workspace.getConfiguration('greenlens').update('pythonPath', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(uri().fsPath, { force: true });
    });

    it('offers a CodeLens above if __name__ == "__main__":', async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri()));
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri())) ?? [];
      const lens = lenses.find((l) => l.command?.command === 'greenlens.runWithProfile');
      assert.ok(lens, `no GreenLens CodeLens; got ${lenses.map((l) => l.command?.title).join(', ') || 'none'}`);
      assert.strictEqual(lens.range.start.line, 13);
    });

    it('runs the script metered and records it in .greenlens/', async function () {
      this.timeout(60_000);
      const result = await vscode.commands.executeCommand<RecordedRun | undefined>('greenlens.runWithProfile', uri());
      assert.ok(result, 'the command returned no recorded run');
      assert.strictEqual(result.record.status, 'completed');
      assert.ok(result.record.energy.totalKWh > 0, 'energy > 0');
      assert.strictEqual(result.record.progress?.totalEpochs, 3);
      const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
      assert.strictEqual(result.historyDir, path.join(folder, '.greenlens'));
      const csv = fs.readFileSync(path.join(folder, '.greenlens', 'emissions.csv'), 'utf8').trim().split('\n');
      assert.ok(csv[0].startsWith('timestamp,project_name,run_id,experiment_id,duration,emissions'));
      assert.ok(csv.some((line) => line.includes(result.record.runId)), 'the run has its CodeCarbon row');
      const saved = JSON.parse(fs.readFileSync(result.runFile, 'utf8'));
      assert.strictEqual(saved.runId, result.record.runId);
    });

    it('records a script that fails at once as failed, with its exit code, and says so in an error', async function () {
      this.timeout(60_000);
      const failing = workspaceFile('fails_at_once.py');
      fs.writeFileSync(failing.fsPath, FAILS_AT_ONCE);
      try {
        const result = await vscode.commands.executeCommand<RecordedRun | undefined>('greenlens.runWithProfile', failing);
        assert.ok(result, 'a failed run is still recorded');
        assert.strictEqual(result.record.status, 'failed');
        assert.strictEqual(result.record.exitCode, 3);
        assert.ok(result.inHistory && result.runFile && fs.existsSync(result.runFile), 'the record is in the history folder');
        const message = runEndMessage(result.record, 'fails_at_once.py', '.greenlens/emissions.csv');
        assert.strictEqual(message.severity, 'error');
        assert.match(message.text, /^GreenLens: fails_at_once\.py failed with exit code 3 — /);
        assert.match(message.terminalLine, /^GreenLens: failed with exit code 3 — .*Saved to \.greenlens\/emissions\.csv\.$/);
      } finally {
        fs.rmSync(failing.fsPath, { force: true });
      }
    });

    it('reports a missing interpreter and records nothing', async () => {
      const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const csv = path.join(folder, '.greenlens', 'emissions.csv');
      const rowsBefore = fs.existsSync(csv) ? fs.readFileSync(csv, 'utf8').trim().split('\n').length : 0;
      await vscode.workspace.getConfiguration('greenlens').update('pythonPath', '/nonexistent/python3', vscode.ConfigurationTarget.Workspace);
      try {
        const result = await vscode.commands.executeCommand<RecordedRun | undefined>('greenlens.runWithProfile', uri());
        assert.strictEqual(result, undefined, 'no run is recorded when the interpreter cannot start');
        const rowsAfter = fs.existsSync(csv) ? fs.readFileSync(csv, 'utf8').trim().split('\n').length : 0;
        assert.strictEqual(rowsAfter, rowsBefore);
      } finally {
        await vscode.workspace.getConfiguration('greenlens').update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Workspace);
      }
    });
  });

  describe('The end-of-run notification', () => {
    it('is information for a completed run, and says why each figure is estimated', () => {
      const record = recordOf({ exitCode: 0 });
      const message = runEndMessage(record, 'train.py', '.greenlens/emissions.csv');
      assert.strictEqual(message.severity, 'information');
      assert.match(message.text, /^GreenLens: train\.py completed — /);
      const reasons = estimateReasons(record);
      assert.ok(reasons.length > 0 && reasons[0].includes('/sys/class/powercap does not exist'), `the probe's finding is a reason: ${reasons.join(' | ')}`);
      for (const reason of reasons) assert.ok(message.text.includes(reason), `"${reason}" in: ${message.text}`);
      assert.match(message.text, /Grid: France\.$/);
    });

    it('is an error naming the exit code of a failed run, or the signal of a killed one', () => {
      const failed = runEndMessage(recordOf({ exitCode: 3 }), 'train.py', 'h');
      assert.strictEqual(failed.severity, 'error');
      assert.match(failed.text, /train\.py failed with exit code 3 — /);
      const killed = runEndMessage(recordOf({ exitCode: null, signal: 'SIGKILL' }), 'train.py', 'h');
      assert.strictEqual(killed.severity, 'error');
      assert.match(killed.text, /train\.py killed by SIGKILL — /);
    });

    it('is a warning for a cancelled run', () => {
      const cancelled = runEndMessage(recordOf({ exitCode: null, signal: 'SIGINT', stoppedByUser: true }), 'train.py', 'h');
      assert.strictEqual(cancelled.severity, 'warning');
      assert.match(cancelled.text, /train\.py cancelled/);
    });

    it('names the fallback file when the history folder could not be written', () => {
      const message = runEndMessage(recordOf({ exitCode: 0 }), 'train.py', 'h', '/tmp/greenlens-run-1234.json');
      assert.match(message.text, /saved to \/tmp\/greenlens-run-1234\.json\.$/);
      assert.match(message.terminalLine, /Saved to \/tmp\/greenlens-run-1234\.json \(the history folder could not be written\)\.$/);
    });
  });
}
