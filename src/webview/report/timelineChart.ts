/**
 * The report's power timeline: the run's own power (its processes, all
 * components), whose area is the headline energy, and the whole machine's
 * power as a secondary, dashed series that the legend hides and shows. The
 * legend is HTML, so it names whose power each line is in words a screen
 * reader and a keyboard reach; a visually hidden table of mean and peak power
 * is the chart's text alternative. Timelines are capped at a few thousand
 * points by the meter; min-max decimation keeps drawing fast beyond that.
 */
import type { RunReport } from '../../shared/protocol';
import { Chart, LARGE_SERIES_OPTIONS, type ThemeColors, recolorScales, withAlpha } from '../common/charts';
import { button, h, uniqueId } from '../common/dom';
import { clockTicks, formatClock, formatDuration, formatEnergy, formatPower, significant } from '../common/format';
import { powerTimeline, type PowerSeries, type PowerTimeline, STEPPED, type XY } from './timelineSeries';

const J_PER_KWH = 3.6e6;

interface Style {
  color: (t: ThemeColors) => string;
  dash: number[];
  width: number;
  fill: boolean;
}

/** The run's line is solid and filled (its area is its energy); the machine's is dashed and muted. */
const STYLE: Record<PowerSeries['key'], Style> = {
  run: { color: (t) => t.blue, dash: [], width: 2, fill: true },
  machine: { color: (t) => (t.highContrast ? t.foreground : t.orange), dash: [5, 3], width: 1.5, fill: false },
};

export class TimelineChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private chart: Chart<'line', XY[]> | undefined;
  private readonly timeline: PowerTimeline;
  /** Plotted series, main first; dataset i of the chart is series i. */
  private readonly series: PowerSeries[];
  private readonly swatches: HTMLElement[] = [];

  constructor(
    private readonly report: RunReport,
    private theme: ThemeColors,
  ) {
    this.timeline = powerTimeline(report.timeline);
    this.series = [this.timeline.run, this.timeline.machine].filter((s): s is PowerSeries => s !== undefined);
    const summaryId = uniqueId('timeline-summary');
    this.canvas = h('canvas', {
      role: 'img',
      'aria-label': `Line chart of ${this.series.map((s) => s.label.toLowerCase()).join(' and ')} power in watts over the run`,
      'aria-describedby': summaryId,
    });
    const table = h(
      'table',
      { class: 'sr-only', id: summaryId },
      h('caption', { text: `Power over ${formatDuration(report.durationS)}, sampled ${report.timeline.length} times` }),
      h(
        'thead',
        null,
        h('tr', null, ...['Whose power', 'Energy (area)', 'Mean power', 'Peak power'].map((t) => h('th', { scope: 'col', text: t }))),
      ),
      h(
        'tbody',
        null,
        ...this.series.map((s) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row', text: s.label }),
            h('td', { text: formatEnergy(s.energyJ / J_PER_KWH) }),
            h('td', { text: formatPower(s.meanW) }),
            h('td', { text: formatPower(s.peakW) }),
          ),
        ),
      ),
    );
    this.element = h(
      'div',
      { class: 'chart-block' },
      this.timeline.machineOnly &&
        h(
          'p',
          { class: 'notice', role: 'note' },
          'This run was recorded by an earlier GreenLens version, which kept only the whole machine’s power over time. ',
          'The chart shows that, every process included, so its area is more than the run’s energy above.',
        ),
      this.legend(),
      h('div', { class: 'chart-box timeline' }, this.canvas),
      table,
    );
  }

  get isEmpty(): boolean {
    return this.series.length === 0;
  }

  /** One entry per series, saying whose power it is and its energy; the secondary series is a toggle. */
  private legend(): HTMLElement {
    const items = this.series.map((s, i) => {
      const swatch = h('span', { class: `legend-swatch legend-${s.key}`, 'aria-hidden': 'true' });
      this.swatches.push(swatch);
      const text = [swatch, h('span', { class: 'legend-label', text: s.label }), h('span', { class: 'legend-figure', text: `${formatEnergy(s.energyJ / J_PER_KWH)} · mean ${formatPower(s.meanW)}` })];
      // The run's own series is the point of the chart; only a secondary series can be hidden.
      if (i === 0) return h('li', { class: 'legend-item' }, ...text);
      const toggle = button(text, () => {
        const shown = toggle.getAttribute('aria-pressed') !== 'true';
        toggle.setAttribute('aria-pressed', String(shown));
        this.chart?.setDatasetVisibility(i, shown);
        this.chart?.update('none');
      }, { class: 'legend-item legend-toggle', 'aria-pressed': 'true', title: 'Show or hide this series' });
      return h('li', null, toggle);
    });
    this.paintSwatches();
    return h('ul', { class: 'chart-legend', 'aria-label': 'Series of the power chart' }, ...items);
  }

  private paintSwatches(): void {
    this.series.forEach((s, i) => {
      const el = this.swatches[i];
      if (!el) return;
      el.style.borderTopColor = STYLE[s.key].color(this.theme);
      el.style.borderTopStyle = STYLE[s.key].dash.length > 0 ? 'dashed' : 'solid';
    });
  }

  mount(): void {
    if (this.chart || this.isEmpty) return;
    const theme = this.theme;
    this.chart = new Chart<'line', XY[]>(this.canvas, {
      type: 'line',
      data: {
        datasets: this.series.map((s) => {
          const style = STYLE[s.key];
          const color = style.color(theme);
          return {
            label: s.label,
            data: s.data,
            borderColor: color,
            backgroundColor: style.fill ? withAlpha(color, 0.15) : color,
            fill: style.fill ? 'origin' : false,
            borderDash: style.dash,
            borderWidth: style.width,
            stepped: STEPPED,
            // Dots at the corners of steps read as extra samples; the tooltip finds the points without them.
            pointRadius: 0,
            pointHoverRadius: 3,
            pointHitRadius: 6,
          };
        }),
      },
      options: {
        ...LARGE_SERIES_OPTIONS,
        interaction: { mode: 'index', axis: 'x', intersect: false },
        plugins: {
          decimation: { enabled: true, algorithm: 'min-max' },
          // The HTML legend above the chart replaces the canvas one.
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? formatClock(items[0].parsed.x ?? 0) : ''),
              label: (item) => `${item.dataset.label}: ${formatPower(item.parsed.y ?? 0)}`,
            },
          },
        },
        scales: {
          x: {
            type: 'linear',
            min: 0,
            // The run's end, not the next round figure: the axis spans what was measured.
            max: this.endS() || undefined,
            grid: { display: false },
            ticks: { maxRotation: 0, color: theme.muted, callback: (v) => formatClock(Number(v)) },
            afterBuildTicks: (scale) => {
              scale.ticks = clockTicks(scale.min, scale.max, 8).map((value) => ({ value }));
            },
            title: { display: true, text: 'elapsed (h:mm:ss)', color: theme.muted },
          },
          y: {
            type: 'linear',
            beginAtZero: true,
            grid: { color: theme.grid },
            ticks: { color: theme.muted, maxTicksLimit: 6, callback: (v) => significant(Number(v), 3) },
            title: { display: true, text: this.timeline.machineOnly ? 'whole-machine power (W)' : 'power (W)', color: theme.muted },
          },
        },
      },
    });
  }

  /** Seconds of the last plotted point. */
  private endS(): number {
    return Math.max(0, ...this.series.map((s) => s.data[s.data.length - 1].x));
  }

  setTheme(theme: ThemeColors): void {
    this.theme = theme;
    this.paintSwatches();
    const chart = this.chart;
    if (!chart) return;
    chart.data.datasets.forEach((d, i) => {
      const style = STYLE[this.series[i].key];
      const color = style.color(theme);
      d.borderColor = color;
      d.backgroundColor = style.fill ? withAlpha(color, 0.15) : color;
    });
    recolorScales(chart, theme);
    chart.update('none');
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}
