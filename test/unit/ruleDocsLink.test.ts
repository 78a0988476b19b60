/**
 * A diagnostic's code links to its rule page inside the installed extension
 * (a `file:` link, the only kind the hover and the F8 peek open). package.json
 * maps those pages, and only those, to VS Code's Markdown preview, so the link
 * shows the page rendered (src/extension/ruleDocs.ts). VS Code matches a glob
 * that holds a slash against `<scheme>:<path>`, case-insensitively, with `**`
 * crossing dot folders; picomatch with `dot` and `nocase` matches the same way
 * for these paths. The real editor is checked by the UI steps (workbench.ui.ts).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { RULES } from '../../src/core/analysis/registry';
import { projectRoot } from '../support/paths';

interface Manifest {
  name: string;
  publisher: string;
  version: string;
  contributes: { configurationDefaults?: Record<string, unknown> };
}

const ROOT = projectRoot();
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const associations = (pkg.contributes.configurationDefaults?.['workbench.editorAssociations'] ?? {}) as Record<string, string>;

/** The editor VS Code opens `uri` in by these associations, or undefined for the user's default. */
function editorFor(uri: string): string | undefined {
  const target = uri.replace(/^([a-z-]+):\/\/[^/]*/, '$1:'); // scheme + path, as VS Code matches
  const hits = Object.entries(associations).filter(([glob]) => picomatch(glob, { dot: true, nocase: true })(target));
  return hits.length ? hits[0][1] : undefined;
}

describe('Rule pages open rendered from a diagnostic link', () => {
  const folder = `${pkg.publisher}.${pkg.name}-${pkg.version}`;

  it('maps every rule page of the installed extension to the Markdown preview, local and remote', () => {
    for (const { meta } of RULES) {
      assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', `${meta.code}.md`)), `docs/rules/${meta.code}.md ships with the extension`);
      for (const uri of [
        `file:///home/ada/.vscode/extensions/${folder}/docs/rules/${meta.code}.md`,
        `file:///home/ada/.vscode/extensions/${folder}-linux-x64/docs/rules/${meta.code}.md`,
        `vscode-remote://localhost:8080/home/ada/.local/share/code-server/extensions/${folder}/docs/rules/${meta.code}.md`,
      ]) {
        assert.strictEqual(editorFor(uri), 'vscode.markdown.preview.editor', uri);
      }
    }
  });

  it("leaves every other Markdown file to the user's editor", () => {
    for (const uri of [
      `file://${ROOT}/docs/rules/GL201.md`, // the pages in a GreenLens checkout, which contributors edit
      `file:///home/ada/project/docs/rules/GL201.md`,
      `file:///home/ada/.vscode/extensions/${folder}/README.md`,
      `file:///home/ada/.vscode/extensions/other.greenlens-1.0.0/docs/rules/GL201.md`,
    ]) {
      assert.strictEqual(editorFor(uri), undefined, uri);
    }
  });
});
