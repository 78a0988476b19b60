/**
 * Publishes GreenLens diagnostics for Python documents: on open, on change
 * (debounced), and when settings change. Keeps each open document's syntax
 * tree and FactsCache so that re-analysis after a keystroke re-parses
 * incrementally and re-extracts only the top-level statements that changed.
 */
import * as vscode from 'vscode';
import { analyzePython, FactsCache } from '../core/analysis/analyzer';
import type { Tree } from '../core/analysis/pythonParser';
import type { Facts } from '../core/analysis/facts';
import type { Finding } from '../core/analysis/types';
import { decodeSource, MAX_SOURCE_BYTES, readSourceFile } from '../core/files/sourceReader';
import { toDiagnostic, toHoverMarkdown, toVsRange } from './convert';
import type { SettingsReader } from './settings';

const DEBOUNCE_MS = 300;

interface DocState {
  tree?: Tree;
  /** Facts of the document's unchanged statements, dropped with the state when the document closes. */
  cache: FactsCache;
  timer?: NodeJS.Timeout;
  /** Version the current findings belong to. */
  version: number;
  findings: Finding[];
  facts?: Facts;
}

/** What the last analysis of a file found, kept for code actions and the sidebar's suggestions. */
export interface FileAnalysis {
  uri: vscode.Uri;
  findings: Finding[];
  facts?: Facts;
}

export class DiagnosticsService implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('greenlens');
  private readonly docs = new Map<string, DocState>();
  /** Findings of files analysed by a workspace scan but not open. */
  private readonly scanned = new Map<string, { findings: Finding[]; facts?: Facts }>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when any file's findings were (re)published. */
  readonly onDidChangeFindings = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Markdown added under a finding in the hover (the estimate's saving), set by whoever computes it. */
  hoverExtra?: (uri: vscode.Uri, finding: Finding) => string | undefined;

  constructor(
    private readonly settings: SettingsReader,
    private readonly log: vscode.LogOutputChannel,
    private readonly docsUri: (code: string) => vscode.Uri,
  ) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('greenlens')) this.refreshAll();
      }),
      vscode.languages.registerHoverProvider({ language: 'python' }, { provideHover: (doc, position) => this.hoverAt(doc, position) }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** The findings behind the diagnostics of a document (for code actions). */
  findingsFor(uri: vscode.Uri): Finding[] {
    return this.docs.get(uri.toString())?.findings ?? this.scanned.get(uri.toString())?.findings ?? [];
  }

  /**
   * The findings under the cursor as Markdown, one block each. Diagnostics
   * are plain text in VS Code's hover, so they carry only each finding's
   * headline and source; these blocks carry the rest with code rendered.
   * Findings of an older version of the document are not shown: their
   * ranges may no longer match the text.
   */
  hoverAt(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const state = this.docs.get(doc.uri.toString());
    if (!state || state.version !== doc.version) return undefined;
    const here = state.findings.filter((f) => toVsRange(f.range).contains(position));
    if (here.length === 0) return undefined;
    const range = here.map((f) => toVsRange(f.range)).reduce((a, b) => a.union(b));
    return new vscode.Hover(
      here.map((f) => toHoverMarkdown(f, this.hoverExtra?.(doc.uri, f))),
      range,
    );
  }

  /** The last analysis of one file (open or scanned), e.g. for its estimate. */
  analysisFor(uri: vscode.Uri): FileAnalysis | undefined {
    const key = uri.toString();
    const s = this.docs.get(key) ?? this.scanned.get(key);
    return s ? { uri, findings: s.findings, facts: s.facts } : undefined;
  }

  /** Every analysed file (open or scanned) with its findings and facts. */
  allAnalyses(): FileAnalysis[] {
    const out: FileAnalysis[] = [];
    for (const [key, s] of this.docs) out.push({ uri: vscode.Uri.parse(key), findings: s.findings, facts: s.facts });
    for (const [key, s] of this.scanned) if (!this.docs.has(key)) out.push({ uri: vscode.Uri.parse(key), findings: s.findings, facts: s.facts });
    return out;
  }

  /**
   * Analyses a file that is not open (for the workspace scan) from disk and
   * publishes its findings. Returns the number of findings, why it was skipped,
   * or that settings exclude it.
   */
  async analyzeFile(uri: vscode.Uri): Promise<{ findings: number } | { skipped: string } | { excluded: true }> {
    const key = uri.toString();
    if (this.docs.has(key)) return { findings: this.findingsFor(uri).length }; // open documents are kept up to date already
    const settings = this.settings.read(uri);
    if (!settings.enable || this.settings.isExcluded(uri)) {
      this.scanned.delete(key);
      this.collection.delete(uri);
      return { excluded: true };
    }
    // A file on disk is read as the CLI reads it: regular files only (a FIFO named *.py would
    // block the read forever) and at most the size limit, whatever stat says.
    const decoded = uri.scheme === 'file' ? readSourceFile(uri.fsPath) : decodeSource(await vscode.workspace.fs.readFile(uri));
    if (decoded.kind !== 'text') return { skipped: decoded.kind === 'skipped' ? decoded.reason : decoded.error.message };
    const result = await analyzePython(decoded.text, { rules: settings.rules });
    result.tree.delete();
    if (this.docs.has(key)) return { findings: this.findingsFor(uri).length }; // opened meanwhile
    this.scanned.set(key, { findings: result.findings, facts: result.facts });
    this.collection.set(uri, result.findings.map((f) => toDiagnostic(f, this.docsUri)));
    this.changed.fire();
    return { findings: result.findings.length };
  }

  /** Re-analyses open documents and scanned files, e.g. after a settings or pyproject.toml change. */
  refreshAll(): void {
    this.settings.invalidate();
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
    for (const key of [...this.scanned.keys()]) {
      const uri = vscode.Uri.parse(key);
      this.analyzeFile(uri).catch((err) => {
        // The file may have been deleted since the scan: drop its stale findings.
        this.log.info(`Dropped findings of ${uri.fsPath}: ${String(err)}`);
        this.scanned.delete(key);
        this.collection.delete(uri);
      });
    }
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const doc = e.document;
    if (doc.uri.path.endsWith('/pyproject.toml') && e.contentChanges.length > 0) {
      // Saved or not, a changed [tool.greenlens] table is picked up on save (see extension.ts).
      return;
    }
    if (!this.isPython(doc) || e.contentChanges.length === 0) return;
    const state = this.docs.get(doc.uri.toString());
    if (state?.tree) {
      // Tell the old tree what changed so tree-sitter can reuse the untouched parts.
      for (const c of e.contentChanges) state.tree.edit(toTreeEdit(c));
    }
    this.schedule(doc, DEBOUNCE_MS);
  }

  private isPython(doc: vscode.TextDocument): boolean {
    return doc.languageId === 'python' && (doc.uri.scheme === 'file' || doc.uri.scheme === 'vscode-remote' || doc.uri.scheme === 'untitled');
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!this.isPython(doc)) return;
    const key = doc.uri.toString();
    const state = this.docs.get(key) ?? { version: -1, findings: [], cache: new FactsCache() };
    this.docs.set(key, state);
    this.scanned.delete(key);
    clearTimeout(state.timer);
    state.timer = setTimeout(() => void this.analyze(doc, state), delay);
  }

  private async analyze(doc: vscode.TextDocument, state: DocState): Promise<void> {
    state.timer = undefined;
    if (doc.isClosed) return;
    const settings = this.settings.read(doc.uri);
    if (!settings.enable || this.settings.isExcluded(doc.uri)) {
      this.collection.delete(doc.uri);
      state.findings = [];
      return;
    }
    const text = doc.getText();
    // The same limit as the CLI, so a generated multi-megabyte file never slows typing.
    if (text.length > MAX_SOURCE_BYTES) {
      this.log.info(`Skipped ${doc.uri.fsPath}: larger than 2 MB.`);
      this.collection.delete(doc.uri);
      return;
    }
    const version = doc.version;
    try {
      const started = performance.now();
      const result = await analyzePython(text, {
        rules: settings.rules,
        onRuleError: (code, err) => this.log.error(`Rule ${code} failed on ${doc.uri.fsPath}: ${String(err)}`),
      }, state.tree, state.cache);
      // A newer edit may have arrived while we worked; its own run will publish.
      if (doc.isClosed || doc.version !== version || this.docs.get(doc.uri.toString()) !== state) {
        result.tree.delete();
        return;
      }
      state.tree?.delete();
      state.tree = result.tree;
      state.version = version;
      state.findings = result.findings;
      state.facts = result.facts;
      this.collection.set(doc.uri, result.findings.map((f) => toDiagnostic(f, this.docsUri)));
      this.changed.fire();
      this.log.trace(`Analysed ${doc.uri.fsPath} in ${(performance.now() - started).toFixed(1)} ms: ${result.findings.length} findings.`);
    } catch (err) {
      // Never let an analysis failure reach the extension host; the next edit retries from scratch.
      state.tree?.delete();
      state.tree = undefined;
      state.cache.clear();
      this.log.error(`Analysis of ${doc.uri.fsPath} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }

  private forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const state = this.docs.get(key);
    if (!state) return;
    clearTimeout(state.timer);
    state.tree?.delete();
    state.cache.clear();
    this.docs.delete(key);
    // The findings stay visible after closing, as they would after a workspace scan.
    this.scanned.set(key, { findings: state.findings, facts: state.facts });
  }

  dispose(): void {
    for (const s of this.docs.values()) {
      clearTimeout(s.timer);
      s.tree?.delete();
      s.cache.clear();
    }
    this.docs.clear();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

/** Translates one VS Code content change into a tree-sitter edit. */
export function toTreeEdit(c: vscode.TextDocumentContentChangeEvent) {
  const lines = c.text.split('\n');
  const newEndRow = c.range.start.line + lines.length - 1;
  const newEndColumn = lines.length === 1 ? c.range.start.character + c.text.length : lines[lines.length - 1].length;
  return {
    startIndex: c.rangeOffset,
    oldEndIndex: c.rangeOffset + c.rangeLength,
    newEndIndex: c.rangeOffset + c.text.length,
    startPosition: { row: c.range.start.line, column: c.range.start.character },
    oldEndPosition: { row: c.range.end.line, column: c.range.end.character },
    newEndPosition: { row: newEndRow, column: newEndColumn },
  };
}
