/**
 * The run report's power timeline adds up to the report's headline: the area
 * under the plotted run series, drawn the way Chart.js draws it, is the run's
 * energy, and the whole-machine series' area is the whole-machine energy. The
 * record comes from a real `greenlens run` of the CPU example (the bundled
 * CLI, spawned), the series from the same pure function the webview plots.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Timeline } from '../../src/core/energy/timeline';
import { buildRunRecord } from '../../src/core/history/runRecord';
import { readHistory, readRun } from '../../src/core/history/runStore';
import { buildRunReport } from '../../src/core/insights/report';
import { formatEnergy } from '../../src/webview/common/format';
import { MACHINE_LABEL, powerTimeline, RUN_LABEL, STEPPED, stepEnergyJ, type XY } from '../../src/webview/report/timelineSeries';
import { runCliProcess } from '../support/cli';
import { projectRoot } from '../support/paths';
import { tempDir } from './energyFakes';

const J_PER_KWH = 3.6e6;

/**
 * The vertices of the line Chart.js draws through `data` for a `stepped`
 * mode, as its `_steppedLineTo` helper makes them (chart.js 4,
 * helpers.canvas): 'after' rises at the previous point, 'before' (and true)
 * at the next, 'middle' half-way; false joins the points straight.
 */
function drawnLine(data: readonly XY[], stepped: 'before' | 'after' | 'middle' | boolean): XY[] {
  const out: XY[] = data.length > 0 ? [data[0]] : [];
  for (let i = 1; i < data.length; i++) {
    const prev = data[i - 1];
    const target = data[i];
    if (stepped === 'middle') {
      const mid = (prev.x + target.x) / 2;
      out.push({ x: mid, y: prev.y }, { x: mid, y: target.y });
    } else if (stepped === 'after') {
      out.push({ x: prev.x, y: target.y });
    } else if (stepped) {
      out.push({ x: target.x, y: prev.y });
    }
    out.push(target);
  }
  return out;
}

/** The area between a drawn line and zero (what `fill: 'origin'` shades), W·s = J. */
function areaUnder(line: readonly XY[]): number {
  let sum = 0;
  for (let i = 1; i < line.length; i++) sum += ((line[i].x - line[i - 1].x) * (line[i].y + line[i - 1].y)) / 2;
  return sum;
}

function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

describe('run report: the power timeline adds up to the headline', function () {
  this.timeout(60000);
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('plots the run of a real CPU training script with an area equal to its energy, and the machine with the machine energy', async () => {
    dir = tempDir('timeline');
    fs.copyFileSync(path.join(projectRoot(), 'examples', 'tiny_cpu_train.py'), path.join(dir, 'tiny_cpu_train.py'));
    const r = await runCliProcess(['run', '--interval', '200', '--', '/usr/bin/python3', 'tiny_cpu_train.py'], { cwd: dir });
    assert.strictEqual(r.code, 0, r.stderr);
    const store = path.join(dir, '.greenlens');
    const record = readRun(store, readHistory(store).runs[0].runId)!;
    assert.ok(record.timeline.length >= 3, `a timeline of several samples: ${record.timeline.length}`);
    const report = buildRunReport(record, { folder: dir });

    const plotted = powerTimeline(report.timeline);
    assert.strictEqual(plotted.machineOnly, false);
    const run = plotted.run!;
    assert.strictEqual(run.label, RUN_LABEL);
    assert.strictEqual(run.data[0].x, 0, 'the series starts at the start of the run, so the first interval counts');
    const drawnJ = areaUnder(drawnLine(run.data, STEPPED));
    const headlineJ = report.energyKWh * J_PER_KWH;
    assert.ok(relativeError(drawnJ, headlineJ) < 1e-9, `drawn area ${drawnJ} J, headline ${headlineJ} J`);
    assert.ok(relativeError(run.energyJ, drawnJ) < 1e-12, `the legend's figure ${run.energyJ} J is the drawn area ${drawnJ} J`);
    // What the legend and the headline card print.
    assert.strictEqual(formatEnergy(run.energyJ / J_PER_KWH), formatEnergy(report.energyKWh));
    assert.ok(relativeError(run.meanW, headlineJ / record.durationS) < 0.02, `mean ${run.meanW} W against ${headlineJ / record.durationS} W over the run`);

    // Straight lines between the samples would not add up where the power changes (how much depends on
    // how steady this run was, so the point is made on a series with a known step): the stepped
    // drawing is what makes the area the energy.
    const steps = powerTimeline([{ tS: 1, processW: 1 }, { tS: 2, processW: 3 }, { tS: 3, processW: 3 }]).run!;
    assert.ok(relativeError(areaUnder(drawnLine(steps.data, STEPPED)), 7) < 1e-12, 'stepped: 1 + 3 + 3 J');
    assert.ok(relativeError(areaUnder(drawnLine(steps.data, false)), 7) > 0.1, 'straight lines give another area');

    const machine = plotted.machine!;
    assert.strictEqual(machine.label, MACHINE_LABEL);
    assert.ok(report.machineEnergyKWh !== undefined);
    const machineJ = report.machineEnergyKWh * J_PER_KWH;
    assert.ok(relativeError(areaUnder(drawnLine(machine.data, STEPPED)), machineJ) < 1e-9, `machine area ${machine.energyJ} J, whole-machine energy ${machineJ} J`);
    assert.ok(machine.energyJ > run.energyJ, 'the whole machine uses more than the run');
  });

  it('keeps the area when a long run is downsampled (points averaged in pairs)', () => {
    const intervalS = 0.1;
    const timeline = new Timeline(intervalS, 16);
    let energyJ = 0;
    for (let i = 1; i <= 1001; i++) {
      // A load that changes, so averaging pairs would lose area if points were misplaced.
      const processW = 5 + 4 * Math.sin(i / 7) + (i % 13 === 0 ? 20 : 0);
      energyJ += processW * intervalS;
      timeline.add({ t: i * intervalS, cpuW: 10, gpuW: 0, ramW: 2, processW });
    }
    const { points } = timeline.snapshot();
    assert.ok(points.length <= 17, `downsampled to ${points.length} points`);
    const run = powerTimeline(points.map((p) => ({ tS: p.t, cpuW: p.cpuW, gpuW: p.gpuW, ramW: p.ramW, processW: p.processW }))).run!;
    assert.ok(relativeError(areaUnder(drawnLine(run.data, STEPPED)), energyJ) < 1e-9, `${run.energyJ} J against ${energyJ} J`);
    assert.ok(relativeError(stepEnergyJ(run.data), energyJ) < 1e-9);
  });

  it("plots the whole machine, labelled as such, for a record without the run's own power", () => {
    const record = buildRunRecord({
      meter: {
        durationS: 3,
        components: [{ component: 'cpu', energyKWh: 2e-6, powerW: 2.4, provenance: 'estimated', source: 'test', machineEnergyKWh: 8e-6 }],
        timeline: [
          { tS: 1, cpuW: 9.5, ramW: 0.5 },
          { tS: 2, cpuW: 9.5, ramW: 0.5 },
          { tS: 3, cpuW: 9.5, ramW: 0.5 },
        ],
        warnings: [],
      },
      projectName: 'p',
      experimentId: 'old.py',
      command: { argv: ['python3', 'old.py'], cwd: '/w', file: 'old.py' },
      startedAt: new Date('2025-01-01T00:00:00Z'),
      exitCode: 0,
    });
    const plotted = powerTimeline(buildRunReport(record, { folder: '/w' }).timeline);
    assert.strictEqual(plotted.run, undefined);
    assert.strictEqual(plotted.machineOnly, true);
    assert.strictEqual(plotted.machine!.label, MACHINE_LABEL);
    assert.deepStrictEqual(plotted.machine!.data, [
      { x: 0, y: 10 },
      { x: 1, y: 10 },
      { x: 2, y: 10 },
      { x: 3, y: 10 },
    ]);
    assert.strictEqual(plotted.machine!.energyJ, 30);
  });

  it('skips samples that are not numbers or go back in time, and plots nothing for an empty timeline', () => {
    const plotted = powerTimeline([
      { tS: 1, processW: 4, cpuW: 6 },
      { tS: 2, processW: Number.NaN, cpuW: 6 },
      { tS: 0.5, processW: 100, cpuW: 6 },
      { tS: 3, processW: 2, cpuW: 6 },
    ]);
    assert.deepStrictEqual(plotted.run!.data, [
      { x: 0, y: 4 },
      { x: 1, y: 4 },
      { x: 3, y: 2 },
    ]);
    assert.strictEqual(plotted.run!.energyJ, 8);
    assert.strictEqual(plotted.run!.peakW, 4);
    assert.deepStrictEqual(powerTimeline([]), { machineOnly: false });
  });
});
