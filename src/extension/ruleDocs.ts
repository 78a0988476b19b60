/**
 * Rule documentation, rendered. The pages ship inside the extension
 * (`docs/rules/<CODE>.md`) and open in VS Code's own Markdown preview, never as
 * raw Markdown, and without the network.
 *
 * A diagnostic's code link is a plain `file:` link to the page, because that is
 * the only kind every place opens: the Problems panel opens command links, but
 * the editor hover and the F8 peek open their link without allowing commands,
 * so a `command:` link there does nothing at all. That the `file:` link renders
 * rather than opening the Markdown source comes from package.json's
 * `configurationDefaults`: `workbench.editorAssociations` maps the pages of the
 * installed extension (a glob on its install folder, `greenlens.greenlens-<version>`)
 * to the Markdown preview editor; Markdown files anywhere
 * else keep the user's own editor. The command and the "Show documentation"
 * quick fix ask for the preview editor directly, which also works when the
 * extension runs from a source folder (development, the host tests).
 */
import * as vscode from 'vscode';
import { RULES } from '../core/analysis/registry';

/** VS Code's Markdown preview as an editor (contributed by the built-in Markdown extension). */
export const MARKDOWN_PREVIEW_EDITOR = 'vscode.markdown.preview.editor';

/** The page of a rule inside the installed extension, e.g. `<extension>/docs/rules/GL201.md`. */
export function ruleDocsUri(extensionUri: vscode.Uri, code: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${code.trim().toUpperCase()}.md`);
}

/** Asks for a rule among the registered ones (code and summary, type to filter). */
async function pickRule(): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    RULES.map((r) => ({ label: r.meta.code, description: r.meta.name, detail: r.meta.summary })),
    { title: 'GreenLens rule documentation', placeHolder: 'Rule code or words of its summary, e.g. GL201', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.label;
}

/**
 * Opens the page of `code` (asked for when missing) rendered, in a preview tab
 * of the active editor group. A code without a page gets a warning instead of
 * an empty preview; when the Markdown preview is unavailable (the built-in
 * Markdown extension disabled) the page opens as text rather than not at all.
 */
export async function showRuleDocs(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, code?: string): Promise<void> {
  const chosen = typeof code === 'string' && code.trim() ? code.trim().toUpperCase() : await pickRule();
  if (!chosen) return;
  const page = ruleDocsUri(extensionUri, chosen);
  try {
    await vscode.workspace.fs.stat(page);
  } catch {
    void vscode.window.showWarningMessage(`GreenLens has no documentation page for ${chosen}.`);
    return;
  }
  try {
    await vscode.commands.executeCommand('vscode.openWith', page, MARKDOWN_PREVIEW_EDITOR, { preview: true });
  } catch (err) {
    log.warn(`The Markdown preview could not open ${page.toString(true)} (${err instanceof Error ? err.message : String(err)}); opening it as text.`);
    await vscode.window.showTextDocument(page, { preview: true });
  }
}
