/**
 * The report's power timeline: CPU, GPU and RAM watts over the run's elapsed
 * time, with a visually hidden table of mean and peak power as its text
 * alternative. A day-long run sampled every second has 86,400 points per
 * series; min-max decimation keeps drawing fast and keeps the peaks.
 */
import type { RunReport } from '../../shared/protocol';
import { Chart, LARGE_SERIES_OPTIONS, type ThemeColors, recolorScales } from '../common/charts';
import { h, uniqueId } from '../common/dom';
import { clockTicks, formatClock, formatDuration, formatPower, significant } from '../common/format';

type Component = 'cpu' | 'gpu' | 'ram';
const SERIES: { key: Component; field: 'cpuW' | 'gpuW' | 'ramW'; label: string; color: (t: ThemeColors) => string }[] = [
  { key: 'cpu', field: 'cpuW', label: 'CPU', color: (t) => t.blue },
  { key: 'gpu', field: 'gpuW', label: 'GPU', color: (t) => t.purple },
  { key: 'ram', field: 'ramW', label: 'RAM', color: (t) => t.orange },
];

interface Sample {
  x: number;
  y: number;
}

export interface SeriesStats {
  label: string;
  meanW: number;
  peakW: number;
  samples: number;
}

/** Splits the timeline into one series per component that has samples. */
export function timelineSeries(timeline: RunReport['timeline']): { key: Component; label: string; data: Sample[]; stats: SeriesStats }[] {
  const out = [];
  for (const s of SERIES) {
    const data: Sample[] = [];
    let sum = 0;
    let peak = 0;
    for (const p of timeline) {
      const w = p[s.field];
      if (w === undefined || w === null || !Number.isFinite(w)) continue;
      data.push({ x: p.tS, y: w });
      sum += w;
      if (w > peak) peak = w;
    }
    if (data.length > 0) out.push({ key: s.key, label: s.label, data, stats: { label: s.label, meanW: sum / data.length, peakW: peak, samples: data.length } });
  }
  return out;
}

export class TimelineChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private chart: Chart<'line', Sample[]> | undefined;
  private readonly series: ReturnType<typeof timelineSeries>;

  constructor(
    private readonly report: RunReport,
    private theme: ThemeColors,
  ) {
    this.series = timelineSeries(report.timeline);
    const summaryId = uniqueId('timeline-summary');
    this.canvas = h('canvas', {
      role: 'img',
      'aria-label': `Line chart of ${this.series.map((s) => s.label).join(', ')} power in watts over the run`,
      'aria-describedby': summaryId,
    });
    const table = h(
      'table',
      { class: 'sr-only', id: summaryId },
      h('caption', { text: `Power over ${formatDuration(report.durationS)}, sampled ${report.timeline.length} times` }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Component' }), h('th', { scope: 'col', text: 'Mean power' }), h('th', { scope: 'col', text: 'Peak power' }))),
      h(
        'tbody',
        null,
        ...this.series.map((s) => h('tr', null, h('th', { scope: 'row', text: s.label }), h('td', { text: formatPower(s.stats.meanW) }), h('td', { text: formatPower(s.stats.peakW) }))),
      ),
    );
    this.element = h('div', { class: 'chart-block' }, h('div', { class: 'chart-box timeline' }, this.canvas), table);
  }

  get isEmpty(): boolean {
    return this.series.length === 0;
  }

  mount(): void {
    if (this.chart || this.isEmpty) return;
    const theme = this.theme;
    const dense = this.report.timeline.length > 300;
    this.chart = new Chart<'line', Sample[]>(this.canvas, {
      type: 'line',
      data: {
        datasets: this.series.map((s) => {
          const color = SERIES.find((d) => d.key === s.key)!.color(theme);
          return { label: s.label, data: s.data, borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: dense ? 0 : 2, pointHitRadius: 6, tension: 0 };
        }),
      },
      options: {
        ...LARGE_SERIES_OPTIONS,
        interaction: { mode: 'index', axis: 'x', intersect: false },
        plugins: {
          decimation: { enabled: true, algorithm: 'min-max' },
          legend: { display: true, position: 'bottom', labels: { color: theme.foreground, boxWidth: 12, boxHeight: 2 } },
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
            title: { display: true, text: 'W', color: theme.muted },
          },
        },
      },
    });
  }

  setTheme(theme: ThemeColors): void {
    this.theme = theme;
    const chart = this.chart;
    if (!chart) return;
    chart.data.datasets.forEach((d, i) => {
      const color = SERIES.find((s) => s.key === this.series[i].key)!.color(theme);
      d.borderColor = color;
      d.backgroundColor = color;
    });
    recolorScales(chart, theme);
    chart.update('none');
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}
