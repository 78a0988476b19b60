/**
 * One suggestion and one finding as list items, the same in the sidebar and
 * the run report: the suggestion's title leads to its line, its evidence
 * names each line it stands on (each one a link), its figures carry their
 * source, and its snippet wraps instead of hiding behind a scrollbar.
 */
import type { FindingItem, Suggestion } from '../../shared/protocol';
import { button, type Child, h } from './dom';
import { alsoAtText, codeSpans, evidenceText, runSavingText } from './suggestionText';

export interface LocationOpener {
  /** Opens `file` (relative to the workspace folder) at a 0-based line. */
  open(file: string, line: number): void;
}

/** Text with its Markdown code spans as <code> elements. */
export function withCode(text: string): Child[] {
  return codeSpans(text).map((p) => (p.code ? h('code', { text: p.text }) : p.text));
}

/** "line 71" as a link to that line. */
function lineLink(file: string, line: number, opener: LocationOpener, label = `line ${line + 1}`): HTMLButtonElement {
  return button(label, () => opener.open(file, line), { class: 'link line-link', 'aria-label': `Open ${file} at line ${line + 1}` });
}

export function suggestionItem(s: Suggestion, opener: LocationOpener): HTMLLIElement {
  const where = `${s.file}:${s.line + 1}`;
  const evidence = s.evidence ?? [];
  const also = alsoAtText(s.alsoAt);
  return h(
    'li',
    { class: 'suggestion' },
    button(s.title, () => opener.open(s.file, s.line), {
      class: 'suggestion-title',
      'aria-label': `${s.title}. Saves ${s.saving}. Open ${where}`,
    }),
    h('p', { class: 'saving', text: s.saving }),
    s.runSaving ? h('p', { class: 'run-saving', text: runSavingText(s.runSaving) }) : null,
    evidence.length > 0
      ? h(
          'ul',
          { class: 'evidence', 'aria-label': 'Because of' },
          ...evidence.map((e) =>
            h(
              'li',
              { title: evidenceText(e) },
              lineLink(s.file, e.line, opener),
              ` ${e.what}`,
              e.excerpt ? h('code', { class: 'excerpt', text: e.excerpt }) : null,
            ),
          ),
        )
      : null,
    h(
      'p',
      { class: 'meta' },
      s.code ? h('span', { class: 'badge', text: s.code }) : null,
      h('span', { class: 'where', text: where }),
      also ? h('span', { class: 'also', text: ` · ${also}` }) : null,
    ),
    s.snippet ? h('pre', { class: 'snippet', 'aria-label': `Code snippet${s.framework ? ` for ${s.framework}` : ''}` }, h('code', { text: s.snippet })) : null,
    h('p', { class: 'source', text: `Source: ${s.source}` }),
  );
}

/** A finding as one row: code, place (a link) and the message's first sentence. */
export function findingRow(f: FindingItem, opener: LocationOpener, showFile: boolean): HTMLLIElement {
  const place = showFile ? `${f.file}:${f.line + 1}` : `line ${f.line + 1}`;
  return h(
    'li',
    { class: `finding severity-${f.severity}` },
    h('span', { class: 'badge', title: f.ruleName, text: f.code }),
    ' ',
    lineLink(f.file, f.line, opener, place),
    h('span', { class: 'finding-summary' }, ...withCode(f.summary)),
  );
}
