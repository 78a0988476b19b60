/**
 * Analysis benchmark: prints medians for a ≈2,000-line training script.
 *   npm run bench            human-readable
 *   npm run bench -- --json  one JSON object
 * Targets (checked by reading the figures, never by a timed test):
 *   analyzeMs ≤ 1.5 × parseMs, incrementalMs ≤ 10.
 * The full analysis uses no FactsCache. The incremental one types digits one
 * at a time into a line in the middle of the file, each keystroke analysed
 * with the previous keystroke's tree and the document's FactsCache, as the
 * editor does; its median and 90th percentile are printed, and for comparison
 * the same edit made with a cache rebuilt just before it.
 */
import { spawnSync } from 'child_process';
import { analyzePython, FactsCache } from '../src/core/analysis/analyzer';
import { runRules } from '../src/core/analysis/engine';
import { extractPythonFacts } from '../src/core/analysis/pythonFacts';
import { loadPythonParser, parsePythonSync, type Edit } from '../src/core/analysis/pythonParser';
import { CollectedNodes } from '../src/core/analysis/pythonSyntax';
import { generateTrainingScript } from './generateScript';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs: number): number {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

async function coldStart(runs: number): Promise<number> {
  // A fresh Node process per run: load the wasm runtime and grammar, then analyse once.
  const script = `
    const t = performance.now();
    require(${JSON.stringify(require.resolve('../src/core/analysis/analyzer'))})
      .analyzePython(require(${JSON.stringify(require.resolve('./generateScript'))}).generateTrainingScript(2000))
      .then(() => process.stdout.write(String(performance.now() - t)));`;
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    out.push(Number(r.stdout));
  }
  return median(out);
}

async function main() {
  const json = process.argv.includes('--json');
  const text = generateTrainingScript(2000);
  const lineCount = text.split('\n').length;
  const loaded = await loadPythonParser();
  await analyzePython(text); // warm-up

  const parseMs = time(() => parsePythonSync(loaded, text).delete(), 30);
  const analyzeMs = time(() => {
    const tree = parsePythonSync(loaded, text);
    runRules(extractPythonFacts(tree, text));
    tree.delete();
  }, 30);

  // The floor under analyzeMs: handing the nodes the extractor reads from WebAssembly to JavaScript.
  const tree = parsePythonSync(loaded, text);
  const collectNodesMs = time(() => CollectedNodes.of(tree.rootNode), 30);
  tree.delete();

  const typing = typingMs(loaded, text, 80, 20);
  const incrementalMs = median(typing);
  const incrementalP90Ms = percentile(typing, 0.9);
  const incrementalColdCacheMs = median(editWithColdCache(loaded, text, 30));
  const coldStartMs = await coldStart(5);

  const result = {
    parseMs: round(parseMs),
    analyzeMs: round(analyzeMs),
    collectNodesMs: round(collectNodesMs),
    incrementalMs: round(incrementalMs),
    incrementalP90Ms: round(incrementalP90Ms),
    incrementalColdCacheMs: round(incrementalColdCacheMs),
    coldStartMs: round(coldStartMs),
  };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`GreenLens analysis benchmark — generated training script, ${lineCount} lines (medians)`);
  console.log(`  warm full parse                  ${result.parseMs} ms`);
  console.log(`  full analysis (parse+facts+rules) ${result.analyzeMs} ms  (${(analyzeMs / parseMs).toFixed(2)}× parse; target ≤ 1.5×)`);
  console.log(`    of which collecting the syntax nodes through web-tree-sitter: ${result.collectNodesMs} ms (${(collectNodesMs / parseMs).toFixed(2)}× parse)`);
  console.log(`  incremental after 1-char edit    ${result.incrementalMs} ms  (target ≤ 10 ms; typing, p90 ${result.incrementalP90Ms} ms)`);
  console.log(`    the same edit with a cache rebuilt just before it: ${result.incrementalColdCacheMs} ms`);
  console.log(`  cold start (wasm + 1st analysis) ${result.coldStartMs} ms`);
}

type Loaded = Awaited<ReturnType<typeof loadPythonParser>>;

/** The edit that inserts `char` at offset `at` of `text`, in tree-sitter's terms. */
function insertion(text: string, at: number): Edit {
  const before = text.slice(0, at);
  const row = before.split('\n').length - 1;
  const column = at - (before.lastIndexOf('\n') + 1);
  return { startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: { row, column }, oldEndPosition: { row, column }, newEndPosition: { row, column: column + 1 } };
}

/**
 * Typing, as the editor sees it: digits typed one by one into `total = 0.0`
 * in the middle of the file, each keystroke re-analysed with the previous
 * keystroke's tree (edited) and the document's FactsCache. Returns the time
 * of each keystroke after `warmup` untimed ones.
 */
function typingMs(loaded: Loaded, text: string, keystrokes: number, warmup: number): number[] {
  const at = text.indexOf('total = 0.0', text.length >> 1) + 'total = 0.0'.length;
  let tree = parsePythonSync(loaded, text);
  const cache = new FactsCache();
  runRules(extractPythonFacts(tree, text, cache));
  const out: number[] = [];
  for (let i = 0; i < warmup + keystrokes; i++) {
    const pos = at + i;
    const next = text.slice(0, pos) + String(i % 10) + text.slice(pos);
    const t = performance.now();
    tree.edit(insertion(text, pos));
    const nextTree = parsePythonSync(loaded, next, tree);
    runRules(extractPythonFacts(nextTree, next, cache));
    if (i >= warmup) out.push(performance.now() - t);
    tree.delete();
    tree = nextTree;
    text = next;
  }
  tree.delete();
  return out;
}

/**
 * The same one-character edit with a cache and tree built (untimed) just
 * before it: every cached object is young, so a scavenge in the timed part
 * copies them all — the worst case, kept for comparison with earlier figures.
 */
function editWithColdCache(loaded: Loaded, text: string, runs: number): number[] {
  const at = text.indexOf('total = 0.0', text.length >> 1) + 8;
  const edited = text.slice(0, at) + '1' + text.slice(at);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const old = parsePythonSync(loaded, text);
    const cache = new FactsCache();
    extractPythonFacts(old, text, cache);
    const t = performance.now();
    old.edit(insertion(text, at));
    const tree = parsePythonSync(loaded, edited, old);
    runRules(extractPythonFacts(tree, edited, cache));
    out.push(performance.now() - t);
    tree.delete();
    old.delete();
  }
  return out;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
