/**
 * The sidebar's chart of emissions over time, with a text summary for screen
 * readers. Up to a few hundred runs it draws one point per run; beyond that a
 * line of single runs becomes a solid band of noise, so it draws daily totals
 * instead (and says so). Either way data goes to Chart.js unparsed and sorted,
 * and the min-max decimation plugin keeps at most a few points per pixel, so
 * 10,000 runs draw as fast as a hundred and spikes stay visible.
 */
import type { RunPoint } from '../../shared/protocol';
import { Chart, LARGE_SERIES_OPTIONS, type ThemeColors, recolorScales } from '../common/charts';
import { h, uniqueId } from '../common/dom';
import { formatCount, formatDate, formatDateTick, formatDateTime, formatEnergy, formatMass, massAxisUnit, significant, timeTicks } from '../common/format';
import { addToDay, DAILY_ABOVE, dailyTotals, type Datum, perRun } from './chartData';

type Mode = 'run' | 'day';

/** Above this many points the line is drawn without point markers. */
const MARKER_LIMIT = 150;
/** An hour in milliseconds (the run chart's x axis is epoch milliseconds). */
const HOUR_MS = 3_600_000;

export class RunChart {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly box: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly summaryId = uniqueId('run-chart-summary');
  private readonly runs: RunPoint[];
  private mode: Mode;
  private points: Datum[];
  private canvas: HTMLCanvasElement | undefined;
  private chart: Chart<'line', Datum[]> | undefined;
  private highest: RunPoint | undefined;

  constructor(
    runs: readonly RunPoint[],
    private theme: ThemeColors,
    private readonly onOpenRun: (runId: string) => void,
  ) {
    // The decimation plugin and daily sums need runs in time order; the host sends them so.
    this.runs = isSorted(runs) ? runs.slice() : runs.slice().sort((a, b) => a.endedAt - b.endedAt);
    for (const run of this.runs) if (!this.highest || run.kgCO2e > this.highest.kgCO2e) this.highest = run;
    this.mode = this.runs.length > DAILY_ABOVE ? 'day' : 'run';
    this.points = this.mode === 'day' ? dailyTotals(this.runs) : perRun(this.runs);
    this.title = h('h3', { class: 'chart-title' });
    this.box = h('div', { class: 'chart-box' });
    this.summary = h('p', { class: 'sr-only', id: this.summaryId });
    this.element = h('div', { class: 'chart-block' }, this.title, this.box, this.summary);
    this.updateText();
  }

  /** Draws the chart; the element must be in the document so Chart.js can measure it. */
  mount(): void {
    if (this.chart) return;
    this.canvas = h('canvas', { role: 'img', 'aria-label': this.mode === 'day' ? 'Line chart of CO2e emissions per day' : 'Line chart of CO2e emissions per run', 'aria-describedby': this.summaryId });
    this.box.replaceChildren(this.canvas);
    const theme = this.theme;
    const unit = () => massAxisUnit(this.points.reduce((m, p) => Math.max(m, p.y), 0));
    let axisUnit = unit();
    this.chart = new Chart<'line', Datum[]>(this.canvas, {
      type: 'line',
      data: {
        datasets: [
          {
            label: this.mode === 'day' ? 'CO2e per day' : 'CO2e per run',
            data: this.points,
            borderColor: theme.green,
            backgroundColor: theme.green,
            borderWidth: 1.5,
            pointRadius: this.points.length > MARKER_LIMIT ? 0 : 2.5,
            pointHoverRadius: 4,
            pointHitRadius: 6,
            // Failed and cancelled runs stand out in red (their tooltips say so in words).
            pointBackgroundColor: (ctx) => this.pointColor(ctx.raw as Datum | undefined),
            pointBorderColor: (ctx) => this.pointColor(ctx.raw as Datum | undefined),
            tension: 0,
          },
        ],
      },
      options: {
        ...LARGE_SERIES_OPTIONS,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          legend: { display: false },
          decimation: { enabled: true, algorithm: 'min-max' },
          tooltip: {
            callbacks: {
              title: (items) => {
                const d = items[0]?.raw as Datum | undefined;
                if (!d) return '';
                return this.mode === 'day' ? formatDate(d.run.endedAt) : formatDateTime(d.run.endedAt);
              },
              label: (item) => {
                const d = item.raw as Datum;
                if (this.mode === 'day') return `${formatMass(d.y)} CO2e, ${formatEnergy(d.kWh)}, ${formatCount(d.runs)} ${d.runs === 1 ? 'run' : 'runs'}`;
                const status = d.run.status === 'completed' ? '' : d.run.status === 'unknown' ? ' (status not recorded)' : ` (${d.run.status})`;
                return `${d.run.script}: ${formatMass(d.y)} CO2e, ${formatEnergy(d.kWh)}${status}`;
              },
              afterLabel: (item) => {
                const d = item.raw as Datum;
                return this.mode === 'day' && d.runs > 1 ? `Largest: ${d.run.script}, ${formatMass(d.run.kgCO2e)}` : '';
              },
            },
          },
        },
        scales: {
          x: {
            type: 'linear',
            grid: { display: false },
            ticks: {
              maxRotation: 0,
              color: theme.muted,
              // Chart.js calls this with the scale as `this`.
              callback(value) {
                return formatDateTick(Number(value), this.max - this.min);
              },
            },
            // One run (or runs a few minutes apart) would get a span of years from
            // Chart.js's default padding: show at least an hour either side instead.
            // (The limits are already padded here, so the span is taken from the data.)
            afterDataLimits: (scale) => {
              const data = scale.getMinMax(false);
              if (data.max - data.min >= 2 * HOUR_MS) return;
              const middle = (data.min + data.max) / 2;
              scale.min = middle - HOUR_MS;
              scale.max = middle + HOUR_MS;
            },
            // Whole days, hours or months rather than round numbers of milliseconds.
            afterBuildTicks: (scale) => {
              scale.ticks = timeTicks(scale.min, scale.max, 3).map((value) => ({ value }));
            },
          },
          y: {
            type: 'linear',
            beginAtZero: true,
            grid: { color: theme.grid },
            ticks: { maxTicksLimit: 4, color: theme.muted, callback: (value) => significant(Number(value) * axisUnit.factor, 3) },
            title: { display: true, text: `${axisUnit.unit} CO2e`, color: theme.muted },
            afterDataLimits: (scale) => {
              axisUnit = massAxisUnit(scale.max);
              const title = (scale.options as { title?: { text?: string } }).title;
              if (title) title.text = `${axisUnit.unit} CO2e${this.mode === 'day' ? ' / day' : ''}`;
            },
          },
        },
        onClick: (event) => {
          const chart = this.chart;
          if (!chart || !event.native) return;
          const hit = chart.getElementsAtEventForMode(event.native, 'nearest', { intersect: true }, false)[0];
          const datum = hit ? chart.data.datasets[hit.datasetIndex].data[hit.index] : undefined;
          if (datum) this.onOpenRun(datum.run.runId);
        },
        onHover: (_event, elements) => {
          if (this.canvas) this.canvas.style.cursor = elements.length ? 'pointer' : 'default';
        },
      },
    });
  }

  /** Adds one run at the end and redraws, without rebuilding the chart. */
  append(run: RunPoint): void {
    this.runs.push(run);
    if (!this.highest || run.kgCO2e > this.highest.kgCO2e) this.highest = run;
    if (this.mode === 'run' && this.runs.length > DAILY_ABOVE) {
      // Crossing into daily totals changes what the chart shows: draw it afresh.
      this.mode = 'day';
      this.points = dailyTotals(this.runs);
      this.updateText();
      if (this.chart) {
        this.destroy();
        this.mount();
      }
      return;
    }
    const last = this.points[this.points.length - 1];
    if (this.mode === 'day' && last && run.endedAt >= last.start! && run.endedAt < last.end!) {
      addToDay(last, run);
    } else if (this.mode === 'day') {
      this.points.push(...dailyTotals([run]));
    } else {
      this.points.push({ x: run.endedAt, y: run.kgCO2e, kWh: run.energyKWh, runs: 1, run });
    }
    this.updateText();
    const chart = this.chart;
    if (!chart) return;
    const dataset = chart.data.datasets[0];
    // With decimation on, `dataset.data` reads the decimated copy; assigning
    // the full array hands it back to the plugin, which decimates it again.
    dataset.data = this.points;
    if (this.points.length > MARKER_LIMIT) dataset.pointRadius = 0;
    chart.update('none');
  }

  setTheme(theme: ThemeColors): void {
    this.theme = theme;
    const chart = this.chart;
    if (!chart) return;
    const dataset = chart.data.datasets[0];
    dataset.borderColor = theme.green;
    dataset.backgroundColor = theme.green;
    recolorScales(chart, theme);
    chart.update('none');
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }

  private pointColor(d: Datum | undefined): string {
    // Red marks a run that did not finish; a CSV-only row has no status (`unknown`) and stays neutral.
    const unfinished = d && (d.run.status === 'failed' || d.run.status === 'killed' || d.run.status === 'cancelled');
    return this.mode === 'run' && unfinished ? this.theme.red : this.theme.green;
  }

  private updateText(): void {
    const n = this.runs.length;
    this.title.textContent = this.mode === 'day' ? `Emissions per day (${formatCount(n)} runs)` : 'Emissions per run';
    if (n === 0) {
      this.summary.textContent = 'No runs yet.';
      return;
    }
    const first = this.runs[0];
    const last = this.runs[n - 1];
    const high = this.highest ?? last;
    let text =
      `${formatCount(n)} ${n === 1 ? 'run' : 'runs'} from ${formatDateTime(first.endedAt)} to ${formatDateTime(last.endedAt)}. ` +
      `Latest: ${formatMass(last.kgCO2e)} CO2e, ${formatEnergy(last.energyKWh)} (${last.script}). ` +
      `Highest run: ${formatMass(high.kgCO2e)} CO2e (${high.script}, ${formatDateTime(high.endedAt)}).`;
    if (this.mode === 'day') {
      const busiest = this.points.reduce((b, p) => (p.y > b.y ? p : b), this.points[0]);
      text += ` Highest day: ${formatDate(busiest.run.endedAt)}, ${formatMass(busiest.y)} CO2e over ${formatCount(busiest.runs)} runs.`;
    }
    this.summary.textContent = text;
  }
}

function isSorted(runs: readonly RunPoint[]): boolean {
  for (let i = 1; i < runs.length; i++) if (runs[i].endedAt < runs[i - 1].endedAt) return false;
  return true;
}
