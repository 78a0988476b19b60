/**
 * The analysis entry point used by the editor, the CLI and the benchmarks:
 * text in, findings out, with the parse tree kept for incremental re-parsing.
 */
import type { Facts } from './facts';
import type { FactsCache } from './factsCache';
import { extractPythonFacts } from './pythonFacts';
import { loadPythonParser, parsePythonSync, type Tree } from './pythonParser';
import { runRules, type AnalysisOptions } from './engine';
import type { Finding } from './types';

export interface AnalysisResult {
  findings: Finding[];
  facts: Facts;
  tree: Tree;
}

export { FactsCache } from './factsCache';

/**
 * Analyses Python source. Pass the previous tree (already edited) to re-parse
 * incrementally, and the document's FactsCache to re-extract only the
 * top-level statements that changed.
 */
export async function analyzePython(text: string, options: AnalysisOptions = {}, oldTree?: Tree, cache?: FactsCache): Promise<AnalysisResult> {
  const loaded = await loadPythonParser();
  const tree = parsePythonSync(loaded, text, oldTree);
  try {
    const facts = extractPythonFacts(tree, text, cache);
    return { findings: runRules(facts, options), facts, tree };
  } catch (error) {
    // The caller never sees this tree, so it would stay in WebAssembly memory for good.
    tree.delete();
    throw error;
  }
}
