/**
 * The analysis entry point used by the editor, the CLI and the benchmarks:
 * text in, findings out, with the parse tree kept for incremental re-parsing.
 */
import type { Facts } from './facts';
import { extractPythonFacts } from './pythonFacts';
import { loadPythonParser, parsePythonSync, type Tree } from './pythonParser';
import { runRules, type AnalysisOptions } from './engine';
import type { Finding } from './types';

export interface AnalysisResult {
  findings: Finding[];
  facts: Facts;
  tree: Tree;
}

/** Analyses Python source. Pass the previous tree (already edited) to re-parse incrementally. */
export async function analyzePython(text: string, options: AnalysisOptions = {}, oldTree?: Tree): Promise<AnalysisResult> {
  const loaded = await loadPythonParser();
  const tree = parsePythonSync(loaded, text, oldTree);
  const facts = extractPythonFacts(tree, text);
  return { findings: runRules(facts, options), facts, tree };
}
