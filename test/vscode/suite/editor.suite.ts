/**
 * GreenLens in the real editor: diagnostics, their docs links, quick fixes,
 * suppression comments and settings, all observed through the `vscode` API.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { waitUntil } from '../harness/steps';
import { actionTitled, diagnosticFor, greenLensDiagnostics, noDiagnostic, open, restore, workspaceFile } from './helpers';

export function defineEditorTests(): void {
  describe('GreenLens in the editor (train.py)', () => {
    const uri = () => workspaceFile('train.py');
    let editor: vscode.TextEditor;
    let original: string;

    before(async () => {
      editor = await open('train.py');
      original = editor.document.getText();
    });

    afterEach(async () => {
      await vscode.workspace.getConfiguration('greenlens').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      await restore(editor.document, original);
    });

    it('the extension under test is loaded from the source folder and active', async () => {
      const ext = vscode.extensions.getExtension('greenlens.greenlens');
      assert.ok(ext, 'greenlens.greenlens is not installed in this extension host');
      await waitUntil('GreenLens to activate on a Python file', () => ext.isActive);
    });

    it('flags GL201, GL303 and GL313 with source GreenLens', async () => {
      const gl201 = await diagnosticFor(uri(), 'GL201');
      assert.strictEqual(editor.document.getText(gl201.range), 'item', 'GL201 should underline the .item() call');
      assert.strictEqual(gl201.severity, vscode.DiagnosticSeverity.Warning, 'a sync in a CUDA training loop is a warning');
      assert.match(gl201.message, /PyTorch Performance Tuning Guide/);
      const gl303 = await diagnosticFor(uri(), 'GL303');
      assert.strictEqual(editor.document.getText(gl303.range), 'DataLoader');
      const gl313 = await diagnosticFor(uri(), 'GL313');
      assert.match(editor.document.getText(gl313.range), /DataParallel$/);
    });

    it('shows each finding under the cursor as one Markdown block with its figure and source', async () => {
      const d = await diagnosticFor(uri(), 'GL201');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri(), d.range.start.translate(0, 1));
      const blocks = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value));
      const gl201 = blocks.filter((b) => b.includes('GL201'));
      assert.strictEqual(gl201.length, 1, `one block for GL201, got: ${JSON.stringify(blocks)}`);
      assert.match(gl201[0], /\*\*.*`\.item\(\)`/, 'a bold headline with the call as a code span');
      assert.match(gl201[0], /PyTorch Performance Tuning Guide/, 'the source');
    });

    it('links each code to its rule page shipped with the extension', async () => {
      const d = await diagnosticFor(uri(), 'GL201');
      assert.ok(typeof d.code === 'object', 'the code should carry a target link');
      const { value, target } = d.code;
      assert.strictEqual(value, 'GL201');
      assert.match(target.path, /\/docs\/rules\/GL201\.md$/);
      assert.strictEqual(target.scheme, 'file', 'rule pages must work offline');
      assert.ok(fs.existsSync(target.fsPath), `the linked page ${target.fsPath} does not exist`);
    });

    it('applies the safe quick fix for GL303 and the finding goes', async () => {
      const d = await diagnosticFor(uri(), 'GL303');
      const fix = await actionTitled(uri(), d.range, /^Add pin_memory=True/);
      assert.strictEqual(fix.isPreferred, true, 'a safe fix should be the preferred one (Ctrl+. Enter, auto-fix)');
      assert.strictEqual(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
      assert.ok(fix.edit && (await vscode.workspace.applyEdit(fix.edit)), 'the fix edit was not applied');
      assert.match(editor.document.lineAt(d.range.start.line).text, /DataLoader\(train_set, .*pin_memory=True\)/);
      await noDiagnostic(uri(), 'GL303', 'pin_memory=True was added');
      assert.ok(greenLensDiagnostics(uri(), 'GL201').length > 0, 'the other findings stay');
    });

    it('"Ignore GL201 on this line" inserts a suppression comment above and silences the finding', async () => {
      const d = await diagnosticFor(uri(), 'GL201');
      const line = d.range.start.line;
      const ignore = await actionTitled(uri(), d.range, 'Ignore GL201 on this line');
      assert.notStrictEqual(ignore.isPreferred, true, 'suppressing is never the preferred action');
      assert.ok(ignore.edit && (await vscode.workspace.applyEdit(ignore.edit)));
      const inserted = editor.document.lineAt(line).text;
      const indent = editor.document.lineAt(line + 1).text.match(/^\s*/)![0];
      assert.strictEqual(inserted, `${indent}# greenlens: ignore[GL201]`);
      await noDiagnostic(uri(), 'GL201', 'the ignore comment was inserted');
      assert.ok(greenLensDiagnostics(uri(), 'GL313').length > 0, 'only GL201 is silenced');
    });

    it('offers the rule documentation as a code action', async () => {
      const d = await diagnosticFor(uri(), 'GL313');
      const docs = await actionTitled(uri(), d.range, 'Show documentation for GL313');
      assert.strictEqual(docs.command?.command, 'greenlens.showRuleDocs');
      assert.deepStrictEqual(docs.command?.arguments, ['GL313']);
    });

    it('a rule set to "off" in workspace settings disappears without a reload, and comes back', async () => {
      await diagnosticFor(uri(), 'GL313');
      await vscode.workspace.getConfiguration('greenlens').update('rules', { GL313: 'off' }, vscode.ConfigurationTarget.Workspace);
      await noDiagnostic(uri(), 'GL313', 'greenlens.rules = {"GL313": "off"}');
      assert.ok(greenLensDiagnostics(uri(), 'GL201').length > 0, 'other rules keep running');
      await vscode.workspace.getConfiguration('greenlens').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      await diagnosticFor(uri(), 'GL313');
    });

    it('a severity set in settings is applied live', async () => {
      await vscode.workspace.getConfiguration('greenlens').update('rules', { GL201: 'error' }, vscode.ConfigurationTarget.Workspace);
      await waitUntil('GL201 to become an error', () => greenLensDiagnostics(uri(), 'GL201')[0]?.severity === vscode.DiagnosticSeverity.Error);
    });

    it('greenlens.enable = false clears the findings', async () => {
      await diagnosticFor(uri(), 'GL201');
      try {
        await vscode.workspace.getConfiguration('greenlens').update('enable', false, vscode.ConfigurationTarget.Workspace);
        await waitUntil('all GreenLens findings to go (greenlens.enable = false)', () => greenLensDiagnostics(uri()).length === 0);
      } finally {
        await vscode.workspace.getConfiguration('greenlens').update('enable', undefined, vscode.ConfigurationTarget.Workspace);
      }
      await diagnosticFor(uri(), 'GL201');
    });
  });
}
