/**
 * Loads web-tree-sitter and the Python grammar once, and parses Python text,
 * incrementally when the previous tree and the edits are known.
 *
 * The wasm files are looked up next to the running bundle first (dist/, where
 * the build copies them) and then in node_modules, so the same code serves the
 * packaged extension, the CLI and the unit tests.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Edit, Language, Parser, Tree } from 'web-tree-sitter';

export type { Tree, Edit };

interface Loaded {
  parser: Parser;
  language: Language;
}

let loading: Promise<Loaded> | undefined;

function locate(fileName: string, packageName: string): string {
  const beside = path.join(__dirname, fileName);
  if (fs.existsSync(beside)) return beside;
  return require.resolve(`${packageName}/${fileName}`);
}

/** Loads the runtime and grammar; later calls share the first load. */
export function loadPythonParser(): Promise<Loaded> {
  loading ??= (async () => {
    // Required lazily so that importing this module costs nothing until a Python file is analysed.
    const ts: typeof import('web-tree-sitter') = require('web-tree-sitter');
    const runtimeWasm = locate('tree-sitter.wasm', 'web-tree-sitter');
    await ts.Parser.init({ locateFile: () => runtimeWasm });
    const language = await ts.Language.load(locate('tree-sitter-python.wasm', 'tree-sitter-python'));
    const parser = new ts.Parser();
    parser.setLanguage(language);
    return { parser, language };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

/**
 * Parses `text` with a loaded parser. With `oldTree` (already `edit()`ed to
 * match `text`), tree-sitter reuses the unchanged parts, which makes re-parsing
 * after a keystroke a matter of milliseconds.
 */
export function parsePythonSync(loaded: Loaded, text: string, oldTree?: Tree): Tree {
  const tree = loaded.parser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
