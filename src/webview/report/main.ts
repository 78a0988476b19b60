/**
 * The run report webview: what one profiled run used and emitted, where each
 * figure comes from, how it compares with the last completed run of the same
 * script and what it would emit elsewhere, with exports for a paper's carbon
 * statement.
 *
 * Expects the host's HTML to hold `<div id="app"></div>` (the body is used
 * otherwise) and to link dist/webview/report.css.
 */
import type { HostToReport, ReportComponent, ReportPanelState, ReportSavings, ReportToHost, RunReport } from '../../shared/protocol';
import { applyThemeDefaults, readTheme, watchTheme } from '../common/charts';
import { append, appRoot, button, type Child, h, srOnly } from '../common/dom';
import {
  arrow,
  commandLine,
  compare,
  describeChange,
  formatDateTime,
  formatDuration,
  formatEnergy,
  formatMass,
  formatPercent,
  formatPower,
  shortCommit,
  significant,
} from '../common/format';
import { connect, type HostConnection } from '../common/vscodeApi';
import { savingsSection } from './savingsSection';
import { TimelineChart } from './timelineChart';

const COMPONENT_NAMES: Record<ReportComponent['component'], string> = { cpu: 'CPU', gpu: 'GPU', ram: 'RAM' };

type Post = (message: ReportToHost) => void;

class ReportApp {
  private timeline: TimelineChart | undefined;
  private theme = readTheme();
  /** Where "What would save the most" goes once the host has analysed the script, and the run it is for. */
  private savingsSlot = h('div', { class: 'savings-slot' });
  private reportRunId: string | undefined;
  private savings: { runId: string; savings: ReportSavings } | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: HostConnection<ReportToHost, ReportPanelState>,
  ) {
    applyThemeDefaults(this.theme);
    watchTheme((theme) => {
      this.theme = theme;
      this.timeline?.setTheme(theme);
    });
    root.replaceChildren(h('p', { class: 'muted', text: 'Loading the run report…' }));
  }

  handle(message: HostToReport): void {
    if (message.type === 'report') this.showReport(message.report);
    else if (message.type === 'savings') this.showSavings(message.runId, message.savings);
    else this.showError(message.message);
  }

  /** Fills the savings slot; kept, so a report shown again for the same run keeps the section. */
  private showSavings(runId: string, savings: ReportSavings): void {
    this.savings = { runId, savings };
    if (runId !== this.reportRunId) return;
    const post: Post = (m) => this.host.post(m);
    this.savingsSlot.replaceChildren(section('What would save the most', savingsSection(savings, post)));
  }

  private showError(message: string): void {
    this.timeline?.destroy();
    this.timeline = undefined;
    this.root.replaceChildren(h('div', { class: 'notice error', role: 'alert' }, h('h1', { text: 'The run report could not be shown' }), h('p', { text: message })));
  }

  private showReport(r: RunReport): void {
    // Kept so VS Code can restore this panel after a window reload.
    this.host.saveState({ folder: r.folder, runId: r.runId });
    const post: Post = (m) => this.host.post(m);
    this.timeline?.destroy();
    const timeline = new TimelineChart(r, this.theme);
    this.timeline = timeline;
    this.root.replaceChildren();
    this.reportRunId = r.runId;
    this.savingsSlot = h('div', { class: 'savings-slot' });
    if (this.savings?.runId === r.runId) this.showSavings(this.savings.runId, this.savings.savings);
    append(
      this.root,
      header(r, post),
      summary(r),
      section('Power over time', timeline.isEmpty ? h('p', { class: 'muted', text: 'No power samples were recorded for this run.' }) : timeline.element),
      section('Energy by component', components(r)),
      section('Emissions', carbon(r)),
      r.equivalents.length > 0 && section('Everyday equivalents', equivalents(r)),
      r.greener.length > 0 && section('Greener regions', greener(r)),
      this.savingsSlot,
      r.comparison && section('Compared with earlier runs', comparison(r, post)),
      section('Run details', details(r)),
      r.warnings.length > 0 && section('Warnings', h('ul', { class: 'warnings' }, ...r.warnings.map((w) => h('li', { text: w })))),
    );
    timeline.mount();
  }
}

function header(r: RunReport, post: Post): HTMLElement {
  const exportButton = (label: string, format: 'markdown' | 'csv' | 'json') =>
    button(label, () => post({ type: 'export', format }), { 'aria-label': `Export the report as ${label}` });
  return h(
    'header',
    { class: 'report-header' },
    h('div', null, h('h1', { text: `Run report: ${r.script ?? commandLine(r.command)}` }), h('p', { class: 'subtitle' }, statusBadge(r.status), ` ended ${formatDateTime(r.endedAt)} · ${formatDuration(r.durationS)}`)),
    h('div', { class: 'exports', role: 'group', 'aria-label': 'Export' }, exportButton('Markdown', 'markdown'), exportButton('CSV', 'csv'), exportButton('JSON', 'json')),
  );
}

function statusBadge(status: string): HTMLElement {
  const kind = status === 'completed' ? 'ok' : status === 'failed' || status === 'killed' ? 'bad' : 'neutral';
  return h('span', { class: `badge status-${kind}`, text: status });
}

function summary(r: RunReport): HTMLElement {
  const meanW = r.durationS > 0 ? (r.energyKWh * 3.6e6) / r.durationS : 0;
  const card = (value: string, label: string, note?: string) =>
    h('div', { class: 'card' }, h('span', { class: 'card-value', text: value }), h('span', { class: 'card-label', text: label }), note ? h('span', { class: 'card-note', text: note }) : null);
  return h(
    'section',
    { class: 'cards', 'aria-label': 'Summary' },
    card(formatEnergy(r.energyKWh), 'energy', r.machineEnergyKWh !== undefined ? `whole machine ${formatEnergy(r.machineEnergyKWh)}` : undefined),
    card(formatMass(r.carbon.kgCO2e), 'CO2e', `${r.carbon.regionCode} · ${significant(r.carbon.gPerKWh)} g/kWh`),
    card(formatDuration(r.durationS), 'duration'),
    card(formatPower(meanW), 'mean power'),
  );
}

function components(r: RunReport): HTMLElement {
  if (r.components.length === 0) return h('p', { class: 'muted', text: 'No component was metered.' });
  const hasMachine = r.components.some((c) => c.machineEnergyKWh !== undefined);
  const total = r.components.reduce((s, c) => s + c.energyKWh, 0);
  const head = ['Component', 'Energy', 'Share', ...(hasMachine ? ['Whole machine'] : []), 'Mean power', 'Provenance', 'Source'];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data' },
      h('thead', null, h('tr', null, ...head.map((t) => h('th', { scope: 'col', text: t })))),
      h(
        'tbody',
        null,
        ...r.components.map((c) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row', text: COMPONENT_NAMES[c.component] ?? c.component }),
            h('td', { class: 'num', text: formatEnergy(c.energyKWh) }),
            h('td', { class: 'num', text: total > 0 ? formatPercent(c.energyKWh / total) : '–' }),
            hasMachine && h('td', { class: 'num', text: c.machineEnergyKWh !== undefined ? formatEnergy(c.machineEnergyKWh) : '–' }),
            h('td', { class: 'num', text: formatPower(c.powerW) }),
            h('td', null, provenanceBadge(c.provenance)),
            h('td', { class: 'source', text: c.source }),
          ),
        ),
      ),
    ),
  );
}

function provenanceBadge(p: 'measured' | 'estimated'): HTMLElement {
  return h('span', {
    class: `badge badge-${p}`,
    title: p === 'measured' ? 'Read from hardware energy counters (RAPL, NVIDIA)' : 'Modelled from utilisation and rated power',
    text: p,
  });
}

function carbon(r: RunReport): HTMLElement {
  const c = r.carbon;
  return h(
    'div',
    null,
    c.regionIsDefault &&
      h(
        'div',
        { class: 'notice', role: 'note' },
        h('strong', { text: 'Default region. ' }),
        `${c.regionReason} The figure uses ${c.region} (${significant(c.gPerKWh)} g CO2e/kWh). Set `,
        h('code', { text: 'greenlens.region' }),
        ' to your country or cloud region for a precise figure.',
      ),
    definitions([
      ['CO2e', formatMass(c.kgCO2e)],
      ['Region', `${c.region} (${c.regionCode})`],
      ['Grid carbon intensity', `${significant(c.gPerKWh)} g CO2e/kWh`],
      ['PUE', c.pueIsDefault ? `${significant(c.pue)} (default: the machine alone; set greenlens.pue for a data centre)` : `${significant(c.pue)} (set with greenlens.pue)`],
      ['Source', c.source],
    ]),
  );
}

function equivalents(r: RunReport): HTMLElement {
  return h(
    'ul',
    { class: 'equivalents' },
    ...r.equivalents.map((e) =>
      h('li', null, h('span', { class: 'eq-value', text: significant(e.value) }), ' ', h('span', { class: 'eq-label', text: e.label }), h('span', { class: 'eq-source', text: `${e.factor}. Source: ${e.source}` })),
    ),
  );
}

function greener(r: RunReport): HTMLElement {
  const rows = [...r.greener].sort((a, b) => b.savedPercent - a.savedPercent);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data' },
      h('caption', { class: 'sr-only', text: 'What the same run would emit in other regions' }),
      h('thead', null, h('tr', null, ...['Region', 'Intensity', 'CO2e', 'Saved'].map((t) => h('th', { scope: 'col', text: t })))),
      h(
        'tbody',
        null,
        ...rows.map((g) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, g.name, g.code !== g.name && ' ', g.code !== g.name && h('span', { class: 'muted', text: g.code })),
            h('td', { class: 'num', text: `${significant(g.gPerKWh)} g/kWh` }),
            h('td', { class: 'num', text: formatMass(g.kgCO2e) }),
            // savedPercent is a percentage (85 for 85%), as its name says.
            h('td', { class: 'num good', text: formatPercent(g.savedPercent / 100) }),
          ),
        ),
      ),
    ),
  );
}

/**
 * Colours by what a comparison means, not by its arrow: only a completed run
 * that used less is green; a stopped run or a change within noise is muted.
 */
const TONE_CLASS = { good: 'down', bad: 'up', neutral: 'flat' } as const;

/**
 * The run against the last completed run of its script, as the core computed
 * it: the same text the sidebar, the notification and the CLI show, then the
 * figures behind it (per unit of work when the runs did different work).
 */
function comparison(r: RunReport, post: Post): HTMLElement {
  const c = r.comparison!;
  const per = c.work ? ` per ${c.work.unit}` : '';
  const delta = (label: string, before: string, after: string, ratio: number, tone: string): HTMLElement => {
    const d = compare(1 + ratio, 1);
    return h(
      'li',
      null,
      h('span', { class: 'delta-label', text: `${label}: ` }),
      `${before} → ${after}${per} `,
      h('span', { class: `change ${tone}`, 'aria-hidden': 'true', text: `${arrow(d.direction)} ${formatPercent(ratio, true)}` }),
      srOnly(describeChange(d.direction, d.ratio)),
    );
  };
  const rows: HTMLElement[] = [];
  const b = c.baseline;
  if (c.outcome === 'compared' && b && c.ratio !== undefined && c.energyKWh !== undefined && c.baselineEnergyKWh !== undefined) {
    rows.push(delta('Energy', formatEnergy(c.baselineEnergyKWh), formatEnergy(c.energyKWh), c.ratio, TONE_CLASS[c.tone]));
    if (c.durationRatio !== undefined) {
      const [n, m] = c.work ? [c.work.run.count, c.work.baseline.count] : [1, 1];
      const durationTone = c.status !== 'completed' ? 'flat' : compare(1 + c.durationRatio, 1).direction;
      rows.push(delta('Duration', formatDuration(b.durationS / m), formatDuration(r.durationS / n), c.durationRatio, durationTone));
    }
    if (c.work) {
      const unit = `${c.work.unit}s`;
      rows.push(
        h('li', null, h('span', { class: 'delta-label', text: 'Work: ' }), `this run ${significant(c.work.run.count)} ${unit} (${c.work.run.source}), that run ${significant(c.work.baseline.count)} (${c.work.baseline.source})`),
      );
    }
  }
  return h(
    'div',
    null,
    h('p', { class: 'comparison-text', text: c.text }),
    rows.length > 0 && h('ul', { class: 'deltas' }, ...rows),
    b &&
      button('Open the run compared with', () => post({ type: 'openRun', runId: b.runId }), {
        class: 'secondary',
        'aria-label': `Open the last completed run of ${c.script}, ${b.runId}, ended ${formatDateTime(b.endedAt)}`,
      }),
  );
}

function details(r: RunReport): HTMLElement {
  const hw = r.hardware;
  const cpu = hw.cpuModel ? `${hw.cpuModel}${hw.cpuCount ? ` × ${hw.cpuCount} logical CPUs` : ''}` : hw.cpuCount ? `${hw.cpuCount} logical CPUs` : undefined;
  return definitions([
    ['Command', h('code', { text: commandLine(r.command) })],
    ['Working directory', h('code', { text: r.cwd })],
    ['Status', statusBadge(r.status)],
    ['Exit code', r.exitCode === null ? 'none (the process was stopped)' : String(r.exitCode)],
    ['Started', formatDateTime(r.startedAt)],
    ['Ended', formatDateTime(r.endedAt)],
    ['Git commit', r.git ? h('span', null, h('code', { title: r.git.commit, text: shortCommit(r.git.commit) }), r.git.branch ? ` on ${r.git.branch}` : '') : 'not a git repository'],
    ['Run ID', h('code', { text: r.runId })],
    ['CPU', cpu],
    ['GPU', hw.gpuModels.length > 0 ? hw.gpuModels.join(', ') : 'none detected'],
    ['RAM', hw.ramTotalGb !== undefined ? `${significant(hw.ramTotalGb)} GB` : undefined],
  ]);
}

/** A definition list, skipping rows without a value. */
function definitions(rows: [string, Child | undefined][]): HTMLElement {
  const dl = h('dl', { class: 'facts' });
  for (const [term, value] of rows) {
    if (value === undefined || value === null || value === '') continue;
    dl.append(h('dt', { text: term }), h('dd', null, value));
  }
  return dl;
}

function section(title: string, content: Child): HTMLElement {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h('section', { 'aria-labelledby': id }, h('h2', { id, text: title }), content);
}

const host = connect<ReportToHost, ReportPanelState>();
const app = new ReportApp(appRoot(), host);
host.onMessage<HostToReport>((message) => app.handle(message));
host.post({ type: 'ready' });
