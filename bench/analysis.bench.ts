/**
 * Analysis benchmark: prints medians for a ≈2,000-line training script.
 *   npm run bench            human-readable
 *   npm run bench -- --json  one JSON object
 * Targets (checked by reading the figures, never by a timed test):
 *   analyzeMs ≤ 1.5 × parseMs, incrementalMs ≤ 10.
 * The full analysis uses no FactsCache; the incremental one uses the cache an
 * editor holds, warmed on the text before the edit.
 */
import { spawnSync } from 'child_process';
import { analyzePython, FactsCache } from '../src/core/analysis/analyzer';
import { runRules } from '../src/core/analysis/engine';
import { extractPythonFacts } from '../src/core/analysis/pythonFacts';
import { loadPythonParser, parsePythonSync } from '../src/core/analysis/pythonParser';
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

  // One-character edit in the middle of the file, re-parsed with the old tree and re-extracted
  // with a cache warmed (untimed) on the text before the edit, as the editor's would be.
  const at = text.indexOf('total = 0.0', text.length >> 1);
  const edited = text.slice(0, at + 8) + '1' + text.slice(at + 8);
  const before = text.slice(0, at + 8);
  const row = before.split('\n').length - 1;
  const column = at + 8 - (before.lastIndexOf('\n') + 1);
  const incremental: number[] = [];
  for (let i = 0; i < 30; i++) {
    const old = parsePythonSync(loaded, text);
    const cache = new FactsCache();
    extractPythonFacts(old, text, cache);
    const t = performance.now();
    old.edit({
      startIndex: at + 8,
      oldEndIndex: at + 8,
      newEndIndex: at + 9,
      startPosition: { row, column },
      oldEndPosition: { row, column },
      newEndPosition: { row, column: column + 1 },
    });
    const tree = parsePythonSync(loaded, edited, old);
    runRules(extractPythonFacts(tree, edited, cache));
    incremental.push(performance.now() - t);
    tree.delete();
    old.delete();
  }
  const incrementalMs = median(incremental);
  const coldStartMs = await coldStart(5);

  const result = {
    parseMs: round(parseMs),
    analyzeMs: round(analyzeMs),
    incrementalMs: round(incrementalMs),
    coldStartMs: round(coldStartMs),
  };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`GreenLens analysis benchmark — generated training script, ${lineCount} lines (medians)`);
  console.log(`  warm full parse                  ${result.parseMs} ms`);
  console.log(`  full analysis (parse+facts+rules) ${result.analyzeMs} ms  (${(analyzeMs / parseMs).toFixed(2)}× parse; target ≤ 1.5×)`);
  console.log(`  incremental after 1-char edit    ${result.incrementalMs} ms  (target ≤ 10 ms)`);
  console.log(`  cold start (wasm + 1st analysis) ${result.coldStartMs} ms`);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
