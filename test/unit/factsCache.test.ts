/**
 * The FactsCache must be invisible: after any edit, extracting with a cache
 * warmed on earlier versions gives exactly the Facts a cold extraction of
 * the edited text gives. Edits are seeded random typing-sized changes
 * (characters, brackets, quotes, indentation, deleted spans, duplicated
 * lines) applied one after another, as in an editor, to every rule fixture
 * and to the benchmark's generated training script.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FactsCache } from '../../src/core/analysis/analyzer';
import type { Facts } from '../../src/core/analysis/facts';
import { extractPythonFacts } from '../../src/core/analysis/pythonFacts';
import { loadPythonParser, parsePythonSync, type Edit, type Tree } from '../../src/core/analysis/pythonParser';
import { generateTrainingScript } from '../../bench/generateScript';
import { fixturePath } from '../support/paths';

function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const TYPED = ['x', '1', '(', ')', '[', ']', ':', ',', '.', '"', "'", '#', ' ', '\n', '    ', '\\', '=', '+', 'é', 'for ', 'def ', 'import os\n'];

interface TextChange {
  start: number;
  end: number;
  text: string;
}

/** One random change: typing a token, deleting a span, duplicating a line, re-indenting a line. */
function randomChange(text: string, rand: () => number): TextChange {
  const at = Math.floor(rand() * (text.length + 1));
  switch (Math.floor(rand() * 4)) {
    case 0:
      return { start: at, end: at, text: TYPED[Math.floor(rand() * TYPED.length)] };
    case 1:
      return { start: at, end: Math.min(text.length, at + 1 + Math.floor(rand() * 30)), text: '' };
    case 2: {
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      const lineEnd = text.indexOf('\n', at);
      const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd + 1);
      return { start: lineStart, end: lineStart, text: line.endsWith('\n') ? line : line + '\n' };
    }
    default: {
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      let indentEnd = lineStart;
      while (text[indentEnd] === ' ') indentEnd++;
      return { start: lineStart, end: indentEnd, text: ' '.repeat(Math.floor(rand() * 9)) };
    }
  }
}

function point(text: string, index: number) {
  const before = text.slice(0, index);
  const row = before.split('\n').length - 1;
  return { row, column: index - (before.lastIndexOf('\n') + 1) };
}

/** The tree-sitter edit describing a change, so the old tree can be re-parsed incrementally. */
function treeEdit(text: string, c: TextChange): Edit {
  const edited = text.slice(0, c.start) + c.text;
  return {
    startIndex: c.start,
    oldEndIndex: c.end,
    newEndIndex: c.start + c.text.length,
    startPosition: point(text, c.start),
    oldEndPosition: point(text, c.end),
    newEndPosition: point(edited, edited.length),
  } as Edit;
}

/** Facts as plain data: Maps become entry lists, so order and content both count. */
function plain(facts: Facts): unknown {
  return JSON.parse(JSON.stringify(facts, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value)));
}

async function checkEdits(name: string, original: string, edits: number, seed: number): Promise<void> {
  const loaded = await loadPythonParser();
  const rand = prng(seed);
  const cache = new FactsCache();
  let text = original;
  let tree: Tree = parsePythonSync(loaded, text);
  extractPythonFacts(tree, text, cache);
  try {
    for (let k = 0; k < edits; k++) {
      const change = randomChange(text, rand);
      tree.edit(treeEdit(text, change));
      text = text.slice(0, change.start) + change.text + text.slice(change.end);
      const next = parsePythonSync(loaded, text, tree);
      tree.delete();
      tree = next;
      const warm = plain(extractPythonFacts(tree, text, cache));
      const cold = plain(extractPythonFacts(tree, text));
      assert.deepStrictEqual(warm, cold, `${name}, edit ${k + 1} (${JSON.stringify(change)})`);
    }
  } finally {
    tree.delete();
  }
}

function ruleFixtures(): string[] {
  const root = fixturePath('rules');
  return fs
    .readdirSync(root)
    .sort()
    .flatMap((code) =>
      fs
        .readdirSync(path.join(root, code))
        .filter((f) => f.endsWith('.py'))
        .sort()
        .map((f) => path.join(root, code, f)),
    );
}

describe('facts cache', () => {
  it('gives the same facts as a cold extraction after random edits of every rule fixture', async () => {
    for (const [i, file] of ruleFixtures().entries()) {
      await checkEdits(path.basename(path.dirname(file)) + '/' + path.basename(file), fs.readFileSync(file, 'utf8'), 12, 1000 + i);
    }
  });

  it('gives the same facts as a cold extraction after random edits of the generated training script', async () => {
    await checkEdits('generated script', generateTrainingScript(2000), 25, 7);
  });

  it('gives the same facts when nothing changed, so the file-level pass never alters cached statements', async () => {
    const loaded = await loadPythonParser();
    const text = fs.readFileSync(fixturePath('rules', 'GL201', 'flagged.py'), 'utf8');
    const tree = parsePythonSync(loaded, text);
    try {
      const cache = new FactsCache();
      const cold = plain(extractPythonFacts(tree, text));
      for (let run = 0; run < 3; run++) assert.deepStrictEqual(plain(extractPythonFacts(tree, text, cache)), cold);
    } finally {
      tree.delete();
    }
  });

  it('keeps at most maxEntries statements', async () => {
    const loaded = await loadPythonParser();
    const text = generateTrainingScript(300);
    const tree = parsePythonSync(loaded, text);
    try {
      const cache = new FactsCache(10);
      const cold = plain(extractPythonFacts(tree, text));
      assert.deepStrictEqual(plain(extractPythonFacts(tree, text, cache)), cold);
      assert.ok(cache.size <= 10, `size ${cache.size}`);
      assert.deepStrictEqual(plain(extractPythonFacts(tree, text, cache)), cold);
    } finally {
      tree.delete();
    }
  });
});
