/** "GreenLens: Run with Energy Profile" in the real editor: CodeLens, a metered run, its record. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { workspaceFile } from './helpers';

interface RecordedRun {
  record: { runId: string; status: string; energy: { totalKWh: number }; progress?: { epoch?: number; totalEpochs?: number } };
  historyDir: string;
  runFile: string;
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
}
