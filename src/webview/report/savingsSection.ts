/**
 * The run report's "What would save the most": the script's suggestions,
 * best first, each naming the lines it exists because of, then every open
 * finding of the script. Every line is a link; the host opens the file only
 * when it is a regular file inside the run's workspace folder.
 */
import type { ReportSavings, ReportToHost } from '../../shared/protocol';
import { type Child, h } from '../common/dom';
import { findingRow, suggestionItem, type LocationOpener } from '../common/suggestionView';

export function savingsSection(savings: ReportSavings, post: (message: ReportToHost) => void): HTMLElement {
  const opener: LocationOpener = { open: (file, line) => post({ type: 'openLocation', file, line }) };
  const { suggestions, findings, notes, script } = savings;
  const parts: Child[] = [];
  if (suggestions.length > 0) {
    parts.push(
      h(
        'p',
        { class: 'muted' },
        suggestions.some((s) => s.runSaving)
          ? `For ${script}, best first: savings per run come from this script's last completed run; the others rank by their relative figure.`
          : `For ${script}, best first by each suggestion's relative figure.`,
      ),
      h('ol', { class: 'suggestions' }, ...suggestions.map((s) => suggestionItem(s, opener))),
    );
  } else if (notes.length === 0) {
    parts.push(h('p', { class: 'muted', text: `Nothing to suggest for ${script}: no finding with a figure, and no saved, exported or served model to compress.` }));
  }
  for (const note of notes) parts.push(h('p', { class: 'notice', role: 'note', text: note }));
  if (findings.length > 0) {
    parts.push(
      h('h3', { text: `Findings in ${script} (${findings.length})` }),
      h('ul', { class: 'finding-list' }, ...findings.map((f) => findingRow(f, opener, false))),
    );
  }
  return h('div', { class: 'savings' }, ...parts);
}
