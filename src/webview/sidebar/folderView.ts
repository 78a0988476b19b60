/**
 * One workspace folder's section of the sidebar: totals, budget, the run
 * chart, scripts, findings, suggestions and history warnings. `appendRun`
 * updates the parts a new run changes and leaves the rest alone.
 */
import type { FolderSummary, RunPoint, ScriptSummary, SidebarToHost, Suggestion, Totals } from '../../shared/protocol';
import type { ThemeColors } from '../common/charts';
import { button, h, srOnly, uniqueId } from '../common/dom';
import { arrow, compare, formatCount, describeChange, formatDateTime, formatEnergy, formatMass, formatPercent } from '../common/format';
import { BudgetBar } from './budgetBar';
import { stat } from './liveView';
import { RunChart } from './runChart';

export const FAMILIES = [
  ['GL1', 'Heavy model choice'],
  ['GL2', 'Inefficient loops'],
  ['GL3', 'Training hygiene'],
  ['GL4', 'Data pipeline'],
  ['GL5', 'TensorFlow.js'],
  ['GL6', 'Compression'],
] as const;

/** Suggestions shown per folder; the host ranks them, the sidebar keeps the top few. */
const TOP_SUGGESTIONS = 5;

export interface FolderViewContext {
  theme: ThemeColors;
  budgetKWh?: number;
  /** Running scripts is possible (a trusted workspace). */
  canRun: boolean;
  post(message: SidebarToHost): void;
  /** Whether a collapsible section is open; `fallback` when the user never toggled it. */
  isOpen(key: string, fallback: boolean): boolean;
  setOpen(key: string, open: boolean): void;
}

export class FolderView {
  readonly element: HTMLElement;
  private readonly totals: HTMLElement;
  private readonly week: HTMLElement;
  private readonly budget = new BudgetBar();
  private readonly chart: RunChart | undefined;
  private readonly scriptList: HTMLUListElement;
  private readonly scriptCount: HTMLElement;
  private readonly scriptItems = new Map<string, HTMLLIElement>();

  constructor(
    private readonly folder: FolderSummary,
    private readonly ctx: FolderViewContext,
  ) {
    const headingId = uniqueId('folder');
    this.totals = h('div', { class: 'stats' });
    this.week = h('p', { class: 'week' });
    this.scriptList = h('ul', { class: 'scripts' });
    this.scriptCount = h('span', { class: 'count' });
    this.renderTotals(folder.totals);
    this.renderBudget();

    const hasRuns = folder.runs.length > 0;
    if (hasRuns) this.chart = new RunChart(folder.runs, ctx.theme, (runId) => this.openRun(runId));
    for (const script of sortScripts(folder.scripts)) this.scriptList.appendChild(this.scriptItem(script));
    this.scriptCount.textContent = ` (${folder.scripts.length})`;

    this.element = h(
      'section',
      { class: 'folder', 'aria-labelledby': headingId },
      h('h2', { id: headingId, class: 'folder-name', title: folder.path, text: folder.name }),
      // First, so that totals are never read without knowing some lines were left out of them.
      folder.warnings.length > 0 && this.warnings(),
      hasRuns ? this.totals : this.noRuns(),
      hasRuns && this.week,
      hasRuns && this.budget.element,
      this.chart?.element,
      folder.scripts.length > 0 && this.collapsible('scripts', true, h('span', null, 'Scripts', this.scriptCount), this.scriptList),
      this.findings(),
      folder.suggestions.length > 0 && this.suggestions(),
    );
  }

  get path(): string {
    return this.folder.path;
  }

  get hasRuns(): boolean {
    return this.folder.runs.length > 0;
  }

  /** Creates the chart; call once the section is in the document. */
  mount(): void {
    this.chart?.mount();
  }

  destroy(): void {
    this.chart?.destroy();
  }

  setTheme(theme: ThemeColors): void {
    this.chart?.setTheme(theme);
  }

  /**
   * Records a new run: totals, budget, chart and that script's row. The
   * caller rebuilds the section instead when it had no runs (no chart yet).
   */
  appendRun(run: RunPoint, totals: Totals, script: ScriptSummary): void {
    this.folder.runs.push(run);
    this.folder.totals = totals;
    const i = this.folder.scripts.findIndex((s) => s.script === script.script);
    if (i >= 0) this.folder.scripts[i] = script;
    else this.folder.scripts.push(script);
    this.renderTotals(totals);
    this.renderBudget();
    this.chart?.append(run);
    // The list is sorted by the last run's time, so the updated script moves to the top.
    this.scriptItems.get(script.script)?.remove();
    this.scriptList.prepend(this.scriptItem(script));
    this.scriptCount.textContent = ` (${this.folder.scripts.length})`;
  }

  private openRun(runId: string): void {
    this.ctx.post({ type: 'openRun', folder: this.folder.path, runId });
  }

  private renderTotals(t: Totals): void {
    this.totals.replaceChildren(
      stat(h('span', { class: 'stat-value', text: formatEnergy(t.energyKWh) }), 'energy'),
      stat(h('span', { class: 'stat-value', text: formatMass(t.kgCO2e) }), 'CO2e'),
      stat(h('span', { class: 'stat-value', text: formatCount(t.runs) }), t.runs === 1 ? 'run' : 'runs'),
    );
    const change = compare(t.thisWeekKg, t.lastWeekKg);
    this.week.replaceChildren(
      'This week ',
      h('strong', { text: formatMass(t.thisWeekKg) }),
      ' CO2e ',
      change.direction === 'new'
        ? h('span', { class: 'muted', text: '(none last week)' })
        : h(
            'span',
            { class: `change ${change.direction}`, title: `Last week: ${formatMass(t.lastWeekKg)} CO2e, ${formatEnergy(t.lastWeekKWh)}` },
            h('span', { 'aria-hidden': 'true', text: `${arrow(change.direction)} ${change.ratio !== undefined && change.direction !== 'flat' ? formatPercent(Math.abs(change.ratio)) : ''}` }),
            srOnly(`${describeChange(change.direction, change.ratio)} against last week's ${formatMass(t.lastWeekKg)}`),
          ),
    );
  }

  private renderBudget(): void {
    const budget = this.ctx.budgetKWh;
    const last = this.folder.runs[this.folder.runs.length - 1];
    this.budget.element.hidden = !(budget && budget > 0 && last);
    if (budget && budget > 0 && last) this.budget.update('Last run', last.energyKWh, budget);
  }

  private scriptItem(s: ScriptSummary): HTMLLIElement {
    const direction = s.trend;
    const change = direction === 'new' ? 'first run' : describeChange(direction, s.trendRatio);
    const trendText = direction === 'new' ? 'new' : `${arrow(direction)}${s.trendRatio !== undefined && direction !== 'flat' ? ` ${formatPercent(Math.abs(s.trendRatio))}` : ''}`;
    const open = button(
      [h('span', { class: 'script-name', text: s.script }), h('span', { class: 'script-last', text: `${formatEnergy(s.last.energyKWh)} · ${formatMass(s.last.kgCO2e)}` })],
      () => this.openRun(s.last.runId),
      {
        class: 'script-open',
        title: `Last run ${formatDateTime(s.last.endedAt)} (${s.last.status}), ${s.runs} ${s.runs === 1 ? 'run' : 'runs'}`,
        'aria-label': `${s.script}: last run ${formatEnergy(s.last.energyKWh)}, ${formatMass(s.last.kgCO2e)} CO2e, ${change} against earlier runs. Open its report.`,
      },
    );
    const trend = h('span', { class: `change ${direction}`, 'aria-hidden': 'true', title: `${change} against the mean of earlier runs`, text: trendText });
    const best =
      s.runs > 1
        ? button(`best ${formatEnergy(s.best.energyKWh)}`, () => this.openRun(s.best.runId), {
            class: 'link best',
            'aria-label': `Open the best run of ${s.script}: ${formatEnergy(s.best.energyKWh)} on ${formatDateTime(s.best.endedAt)}`,
          })
        : null;
    const item = h('li', { class: 'script' }, open, trend, best);
    this.scriptItems.set(s.script, item);
    return item;
  }

  /** What to do when the folder has findings or suggestions but no run yet. */
  private noRuns(): HTMLElement {
    return h(
      'div',
      { class: 'no-runs' },
      h('p', { class: 'muted', text: 'No profiled runs in this folder yet: run a training script with an energy profile to record one.' }),
      button('Run the active script with an energy profile', () => this.ctx.post({ type: 'runCommand', command: 'runActive' }), {
        class: 'primary',
        disabled: !this.ctx.canRun,
        title: this.ctx.canRun ? 'Runs the script in the active editor (or the example) and meters its energy' : 'Running scripts needs a trusted workspace',
      }),
      !this.ctx.canRun && h('p', { class: 'muted', text: 'Running scripts needs a trusted workspace; analysis works without it.' }),
      !this.ctx.canRun && button('Manage workspace trust', () => this.ctx.post({ type: 'runCommand', command: 'manageTrust' })),
    );
  }

  private findings(): HTMLElement {
    const counts = this.folder.findingsByFamily;
    const total = FAMILIES.reduce((sum, [code]) => sum + (counts?.[code] ?? 0), 0);
    const list = h(
      'ul',
      { class: 'families' },
      ...FAMILIES.map(([code, label]) => {
        const n = counts?.[code] ?? 0;
        return h(
          'li',
          { class: n > 0 ? 'family' : 'family zero', title: label, 'aria-label': `${code} ${label}: ${n} ${n === 1 ? 'finding' : 'findings'}` },
          h('span', { class: 'family-code', text: code }),
          h('span', { class: 'family-count', text: String(n) }),
        );
      }),
    );
    // Findings cover the files analysed so far (the open ones, until the whole workspace is analysed).
    const analyze = button('Analyze the workspace', () => this.ctx.post({ type: 'runCommand', command: 'analyzeWorkspace' }), {
      class: 'link analyze',
      title: 'Analyse every Python file of the workspace, not only the open ones',
    });
    return h('div', { class: 'findings' }, h('h3', null, 'Findings ', h('span', { class: 'count', text: `(${total} open)` })), list, analyze);
  }

  private suggestions(): HTMLElement {
    const all = [...this.folder.suggestions].sort((a, b) => b.savingRatio - a.savingRatio);
    const items = all.map((s, i) => {
      const item = this.suggestionItem(s);
      item.hidden = i >= TOP_SUGGESTIONS;
      return item;
    });
    const count = h('span', { class: 'count', text: all.length > TOP_SUGGESTIONS ? ` (top ${TOP_SUGGESTIONS} of ${all.length})` : ` (${all.length})` });
    const more =
      all.length > TOP_SUGGESTIONS
        ? button(`Show ${all.length - TOP_SUGGESTIONS} more`, () => {
            for (const item of items) item.hidden = false;
            count.textContent = ` (${all.length})`;
            more?.remove();
            // Keep the keyboard where the reader was: on the first newly shown suggestion.
            items[TOP_SUGGESTIONS].querySelector('button')?.focus();
          }, { class: 'link more' })
        : null;
    const list = h('ul', { class: 'suggestions' }, ...items);
    return this.collapsible('suggestions', true, h('span', null, 'Suggestions', count), h('div', null, list, more));
  }

  private suggestionItem(s: Suggestion): HTMLLIElement {
    const where = `${s.file}:${s.line + 1}`;
    return h(
      'li',
      { class: 'suggestion' },
      button(s.title, () => this.ctx.post({ type: 'openLocation', folder: this.folder.path, file: s.file, line: s.line }), {
        class: 'suggestion-title',
        'aria-label': `${s.title}. Saves ${s.saving}. Open ${where}`,
      }),
      h('p', { class: 'saving', text: s.saving }),
      h('p', { class: 'meta' }, s.code ? h('span', { class: 'badge', text: s.code }) : null, h('span', { class: 'where', text: where })),
      s.snippet ? h('pre', { class: 'snippet', 'aria-label': `Code snippet${s.framework ? ` for ${s.framework}` : ''}` }, h('code', { text: s.snippet })) : null,
      h('p', { class: 'source', text: `Source: ${s.source}` }),
    );
  }

  private warnings(): HTMLElement {
    const w = this.folder.warnings;
    // Open by default: it names the lines that were left out of the totals.
    return this.collapsible(
      'warnings',
      true,
      h('span', null, 'History warnings', h('span', { class: 'count', text: ` (${w.length})` })),
      h('ul', { class: 'warnings' }, ...w.map((text) => h('li', { text }))),
    );
  }

  /** A <details> section whose open state survives the view being hidden and shown. */
  private collapsible(name: string, openByDefault: boolean, title: Node, content: Node): HTMLDetailsElement {
    const key = `${this.folder.path}::${name}`;
    const details = h('details', { class: `section section-${name}`, open: this.ctx.isOpen(key, openByDefault) }, h('summary', null, h('h3', null, title)), content);
    details.addEventListener('toggle', () => this.ctx.setOpen(key, details.open));
    return details;
  }
}

/** Most recently run first: the script being worked on is at the top. */
function sortScripts(scripts: readonly ScriptSummary[]): ScriptSummary[] {
  return [...scripts].sort((a, b) => b.last.endedAt - a.last.endedAt);
}
