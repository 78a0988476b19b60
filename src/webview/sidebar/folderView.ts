/**
 * One workspace folder's section of the sidebar: totals, budget, the run
 * chart, scripts, findings, suggestions and history warnings. `appendRun`
 * updates the parts a new run changes and leaves the rest alone.
 */
import type { FindingItem, FolderSummary, RunComparison, RunPoint, ScriptSummary, SidebarToHost, Totals } from '../../shared/protocol';
import type { ThemeColors } from '../common/charts';
import { append, button, type Child, h, srOnly, uniqueId } from '../common/dom';
import { FAMILY_NAMES, familyName, findingsOfFamily, type Family } from '../common/suggestionText';
import { findingRow, suggestionItem } from '../common/suggestionView';
import { arrow, compare, formatCount, describeChange, formatDateTime, formatEnergy, formatMass, formatPercent } from '../common/format';
import { BudgetBar } from './budgetBar';
import { budgetFigureOf } from './chartData';
import { breakableName, stat } from './liveView';
import { RunChart } from './runChart';

/** Suggestions shown per folder; the host ranks them, the sidebar keeps the top few. */
const TOP_SUGGESTIONS = 5;
/** Findings listed before "Show more". */
const TOP_FINDINGS = 8;

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
    const shown = budgetFigureOf(this.folder.runs);
    this.budget.element.hidden = !(budget && budget > 0 && shown);
    if (budget && budget > 0 && shown) this.budget.show(shown, budget);
  }

  private scriptItem(s: ScriptSummary): HTMLLIElement {
    // The comparison comes from the core as it is (badge, text, tone): the report shows the same object for the same run.
    const c = s.comparison;
    const status = s.last.status;
    const stopped = status === 'failed' || status === 'cancelled' || status === 'killed';
    const open = button(
      [
        h('span', { class: 'script-name' }, ...breakableName(s.script)),
        h('span', { class: 'script-last' }, figure(formatEnergy(s.last.energyKWh)), ' · ', figure(formatMass(s.last.kgCO2e)), stopped && ' · ', stopped && runStatusBadge(status)),
      ],
      () => this.openRun(s.last.runId),
      {
        class: 'script-open',
        title: `Last run ${formatDateTime(s.last.endedAt)} (${status === 'unknown' ? 'status not recorded' : status}), ${s.runs} ${s.runs === 1 ? 'run' : 'runs'}`,
        'aria-label': `${s.script}: last run ${formatEnergy(s.last.energyKWh)}, ${formatMass(s.last.kgCO2e)} CO2e${stopped ? `, ${status}` : ''}; ${c.text}. Open its report.`,
      },
    );
    const trend = h('span', { class: `change ${TONE_CLASS[c.tone]}`, 'aria-hidden': 'true', title: c.detail ? `${c.text} (${c.detail})` : c.text, text: c.badge });
    const best = s.best;
    const bestLink =
      s.runs > 1 && best
        ? button(`best ${formatEnergy(best.energyKWh)}`, () => this.openRun(best.runId), {
            class: 'link best',
            'aria-label': `Open the best run of ${s.script}: ${formatEnergy(best.energyKWh)} on ${formatDateTime(best.endedAt)}`,
          })
        : null;
    const item = h('li', { class: 'script' }, open, trend, bestLink);
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

  /**
   * The findings per family as named tiles; with the findings themselves
   * known, each tile is a toggle that filters the list below it (the choice
   * survives the section being rebuilt when findings change).
   */
  private findings(): HTMLElement {
    const counts = this.folder.findingsByFamily;
    const total = FAMILY_NAMES.reduce((sum, [code]) => sum + (counts?.[code] ?? 0), 0);
    const items = this.folder.findings;
    const chosenKey = (family: Family) => `${this.folder.path}::findings-family::${family}`;
    let chosen = items ? FAMILY_NAMES.map(([code]) => code).find((code) => this.ctx.isOpen(chosenKey(code), false)) : undefined;
    const listBox = h('div', { class: 'finding-list-box' });
    const tiles = new Map<Family, HTMLElement>();
    const render = () => {
      for (const [code, tile] of tiles) tile.setAttribute('aria-pressed', String(code === chosen));
      if (!items) return;
      listBox.replaceChildren();
      append(listBox, ...this.findingList(items, chosen, () => choose(undefined)));
    };
    const choose = (family: Family | undefined) => {
      for (const [code] of FAMILY_NAMES) this.ctx.setOpen(chosenKey(code), code === family);
      chosen = family;
      render();
    };
    const tileList = h(
      'div',
      { class: 'families', role: items ? 'group' : 'list', 'aria-label': items ? 'Filter the findings by family' : 'Findings by family' },
      ...FAMILY_NAMES.map(([code, name]) => {
        const n = counts?.[code] ?? 0;
        const label = `${name} (${code}): ${n} ${n === 1 ? 'finding' : 'findings'}`;
        const content = [h('span', { class: 'family-name', text: name }), h('span', { class: 'family-count', text: String(n) }), h('span', { class: 'family-code', text: code })];
        const cls = n > 0 ? 'family' : 'family zero';
        if (!items) return h('div', { class: cls, role: 'listitem', title: label, 'aria-label': label }, ...content);
        const tile = button(content, () => choose(chosen === code ? undefined : code), { class: cls, title: `${label}. Show only these`, 'aria-label': label, 'aria-pressed': 'false' });
        tiles.set(code, tile);
        return tile;
      }),
    );
    render();
    // Findings cover the files analysed so far (the open ones, until the whole workspace is analysed).
    const analyze = button('Analyze the workspace', () => this.ctx.post({ type: 'runCommand', command: 'analyzeWorkspace' }), {
      class: 'link analyze',
      title: 'Analyse every Python file of the workspace, not only the open ones',
    });
    return h('div', { class: 'findings' }, h('h3', null, 'Findings ', h('span', { class: 'count', text: `(${total} open)` })), tileList, items && listBox, analyze);
  }

  /** The findings of the chosen family (all without one), the first few with "Show more". */
  private findingList(items: readonly FindingItem[], family: Family | undefined, clear: () => void): Child[] {
    const shown = findingsOfFamily(items, family);
    const opener = { open: (file: string, line: number) => this.openLocation(file, line) };
    const head = family
      ? h('p', { class: 'filter-note' }, `${familyName(family)}: ${shown.length} ${shown.length === 1 ? 'finding' : 'findings'} `, button('Show all', clear, { class: 'link' }))
      : null;
    if (shown.length === 0) return [head, h('p', { class: 'muted', text: family ? 'None open in the files analysed so far.' : 'No open findings in the files analysed so far.' })];
    const rows = shown.map((f, i) => {
      const row = findingRow(f, opener, true);
      row.hidden = i >= TOP_FINDINGS;
      return row;
    });
    const more =
      shown.length > TOP_FINDINGS
        ? button(`Show ${shown.length - TOP_FINDINGS} more`, () => {
            for (const row of rows) row.hidden = false;
            more?.remove();
            rows[TOP_FINDINGS].querySelector('button')?.focus();
          }, { class: 'link more' })
        : null;
    return [head, h('ul', { class: 'finding-list' }, ...rows), more];
  }

  private openLocation(file: string, line: number): void {
    this.ctx.post({ type: 'openLocation', folder: this.folder.path, file, line });
  }

  /** The host's ranking, best first: the top few, then "Show more". */
  private suggestions(): HTMLElement {
    const all = this.folder.suggestions;
    const opener = { open: (file: string, line: number) => this.openLocation(file, line) };
    const items = all.map((s, i) => {
      const item = suggestionItem(s, opener);
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

/**
 * Colours by what a comparison means, not by its arrow: only a completed run
 * that used less is green; a stopped run or a change within noise is muted.
 */
const TONE_CLASS: Record<RunComparison['tone'], string> = { good: 'down', bad: 'up', neutral: 'flat' };

/** A run that did not finish, named as such wherever it is listed. */
function runStatusBadge(status: RunPoint['status']): HTMLElement {
  return h('span', { class: `badge run-status status-${status === 'cancelled' ? 'neutral' : 'bad'}`, text: status });
}

/** A figure with its unit that never breaks across lines ("28.5 mWh", not "28.5 / mWh"). */
function figure(text: string): HTMLElement {
  return h('span', { class: 'figure', text });
}

/** Most recently run first: the script being worked on is at the top. */
function sortScripts(scripts: readonly ScriptSummary[]): ScriptSummary[] {
  return [...scripts].sort((a, b) => b.last.endedAt - a.last.endedAt);
}
