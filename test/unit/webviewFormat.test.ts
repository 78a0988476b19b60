/**
 * The webviews' pure helpers: how figures are printed (units, signs,
 * separators), the ticks of time axes and the sidebar chart's daily totals.
 * They hold no DOM code, so they run here in Node.
 */
import * as assert from 'assert';
import type { RunPoint } from '../../src/shared/protocol';
import {
  budgetUse,
  clockTicks,
  commandLine,
  compare,
  formatClock,
  formatCount,
  formatDuration,
  formatEnergy,
  formatMass,
  formatPercent,
  formatPower,
  massAxisUnit,
  shortCommit,
  significant,
  timeTicks,
} from '../../src/webview/common/format';
import { budgetFigureOf, DAILY_ABOVE, dailyTotals, perRun } from '../../src/webview/sidebar/chartData';

describe('webview formatting', () => {
  it('rounds to significant digits without exponents or trailing zeros', () => {
    assert.strictEqual(significant(0.000123456), '0.000123');
    assert.strictEqual(significant(1.5), '1.5');
    assert.strictEqual(significant(2), '2');
    assert.strictEqual(significant(1234.5), '1230');
    assert.strictEqual(significant(123456), '123,000');
    assert.strictEqual(significant(-0.5), '\u22120.5');
    assert.strictEqual(significant(Number.NaN), '–');
  });

  it('picks an energy unit that keeps one to three digits before the point', () => {
    assert.strictEqual(formatEnergy(0), '0 Wh');
    assert.strictEqual(formatEnergy(0.0000123), '12.3 mWh');
    assert.strictEqual(formatEnergy(0.0421), '42.1 Wh');
    assert.strictEqual(formatEnergy(3.14159), '3.14 kWh');
    assert.strictEqual(formatEnergy(1790), '1.79 MWh');
  });

  it('prints CO2e from milligrams to tonnes', () => {
    assert.strictEqual(formatMass(0.0000005), '0.5 mg');
    assert.strictEqual(formatMass(0.00618), '6.18 g');
    assert.strictEqual(formatMass(12.34), '12.3 kg');
    assert.strictEqual(formatMass(2500), '2.5 t');
  });

  it('chooses one mass unit per chart axis from its largest value', () => {
    assert.deepStrictEqual(massAxisUnit(0.4), { unit: 'g', factor: 1e3 });
    assert.deepStrictEqual(massAxisUnit(0), { unit: 'g', factor: 1e3 });
    assert.deepStrictEqual(massAxisUnit(3), { unit: 'kg', factor: 1 });
    assert.deepStrictEqual(massAxisUnit(0.0002), { unit: 'mg', factor: 1e6 });
  });

  it('prints percentages with a true minus sign and an optional plus', () => {
    assert.strictEqual(formatPercent(0.123), '12%');
    assert.strictEqual(formatPercent(0.0456), '4.6%');
    assert.strictEqual(formatPercent(-0.12, true), '\u221212%');
    assert.strictEqual(formatPercent(0.05, true), '+5%');
    assert.strictEqual(formatPercent(0), '0%');
    assert.strictEqual(formatPercent(Number.POSITIVE_INFINITY), '–');
  });

  it('prints power, counts, durations and clock times', () => {
    assert.strictEqual(formatPower(212.44), '212 W');
    assert.strictEqual(formatPower(1500), '1.5 kW');
    // A light process's share of a CPU reads in milliwatts, not "0.0652 W".
    assert.strictEqual(formatPower(0.0652), '65.2 mW');
    assert.strictEqual(formatPower(0.9994), '999 mW');
    assert.strictEqual(formatPower(0.9996), '1 W');
    assert.strictEqual(formatPower(0), '0 W');
    assert.strictEqual(formatCount(10000), '10,000');
    assert.strictEqual(formatDuration(4.2), '4.2 s');
    assert.strictEqual(formatDuration(42), '42 s');
    assert.strictEqual(formatDuration(185), '3 min 05 s');
    assert.strictEqual(formatDuration(7620), '2 h 07 min');
    assert.strictEqual(formatDuration(100000), '1 d 3 h');
    assert.strictEqual(formatClock(65), '1:05');
    assert.strictEqual(formatClock(3723), '1:02:03');
  });

  it('reads changes under 1% as flat and a missing baseline as new', () => {
    const up = compare(1.2, 1);
    assert.strictEqual(up.direction, 'up');
    assert.ok(Math.abs(up.ratio! - 0.2) < 1e-12);
    assert.strictEqual(compare(0.8, 1).direction, 'down');
    assert.strictEqual(compare(1.005, 1).direction, 'flat');
    assert.deepStrictEqual(compare(3, 0), { direction: 'new' });
  });

  it('clamps the budget bar but keeps the true ratio', () => {
    assert.deepStrictEqual(budgetUse(0.61, 0.5), { ratio: 1.22, fill: 1, over: true });
    assert.deepStrictEqual(budgetUse(0.25, 0.5), { ratio: 0.5, fill: 0.5, over: false });
  });

  it('quotes command-line arguments that a shell would split', () => {
    assert.strictEqual(commandLine(['python3', 'train.py', '--name', 'bert base', "it's"]), `python3 train.py --name 'bert base' 'it'\\''s'`);
    assert.strictEqual(shortCommit('9f2c4e1b7a6d5c3e2f1a'), '9f2c4e1b');
    assert.strictEqual(shortCommit('unknown'), 'unknown');
  });
});

describe('webview time axes', () => {
  const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();

  it('puts ticks on whole hours within a day', () => {
    const ticks = timeTicks(at(2025, 3, 4, 9, 17), at(2025, 3, 4, 17, 40), 4);
    assert.ok(ticks.length >= 2 && ticks.length <= 4);
    for (const t of ticks) assert.strictEqual(new Date(t).getMinutes(), 0);
  });

  it('puts ticks on local midnights over weeks, and on first days of months over a year', () => {
    for (const t of timeTicks(at(2025, 3, 1, 5), at(2025, 3, 12, 8), 4)) assert.strictEqual(new Date(t).getHours(), 0);
    const year = timeTicks(at(2025, 1, 15), at(2026, 1, 10), 4);
    assert.ok(year.length >= 2 && year.length <= 4);
    for (const t of year) assert.strictEqual(new Date(t).getDate(), 1);
  });

  it('never returns more ticks than asked for', () => {
    for (const span of [3600e3, 86400e3, 5 * 86400e3, 40 * 86400e3, 3 * 365 * 86400e3]) {
      assert.ok(timeTicks(at(2025, 1, 1), at(2025, 1, 1) + span, 3).length <= 3, `span ${span}`);
    }
  });

  it('labels both ends when no round time falls between them', () => {
    const t = at(2025, 3, 4, 9, 17) + 12e3;
    assert.deepStrictEqual(timeTicks(t, t + 20e3, 3), [t, t + 20e3]);
  });

  it('steps elapsed time in round clock units', () => {
    assert.deepStrictEqual(clockTicks(0, 1800, 8), [0, 300, 600, 900, 1200, 1500, 1800]);
    assert.deepStrictEqual(clockTicks(0, 45, 8), [0, 10, 20, 30, 40]);
  });
});

describe('webview run chart data', () => {
  const run = (i: number, endedAt: number, kg: number): RunPoint => ({ runId: `r${i}`, endedAt, script: 'train.py', energyKWh: kg * 10, kgCO2e: kg, durationS: 60, status: 'completed' });

  it('sums runs per local day and remembers the largest run of each', () => {
    const day1 = new Date(2025, 2, 4, 9).getTime();
    const day2 = new Date(2025, 2, 5, 23, 59).getTime();
    const days = dailyTotals([run(1, day1, 0.1), run(2, day1 + 3600e3, 0.3), run(3, day2, 0.2)]);
    assert.strictEqual(days.length, 2);
    assert.strictEqual(days[0].runs, 2);
    assert.ok(Math.abs(days[0].y - 0.4) < 1e-12);
    assert.strictEqual(days[0].run.runId, 'r2');
    assert.strictEqual(new Date(days[0].start!).getHours(), 0);
    assert.ok(days[0].x > days[0].start! && days[0].x < days[0].end!);
    assert.strictEqual(days[1].runs, 1);
  });

  it('keeps one point per run for short histories', () => {
    const points = perRun([run(1, 1000, 0.1), run(2, 2000, 0.2)]);
    assert.deepStrictEqual(
      points.map((p) => [p.x, p.y, p.runs]),
      [
        [1000, 0.1, 1],
        [2000, 0.2, 1],
      ],
    );
    assert.ok(DAILY_ABOVE >= 100);
  });
});

describe('webview budget bar: which run it measures', () => {
  const run = (runId: string, status: RunPoint['status'], energyKWh: number): RunPoint => ({ runId, endedAt: 0, script: 'train.py', energyKWh, kgCO2e: 0, durationS: 60, status });

  it('sets the last run against the budget when it completed, or its status was never recorded', () => {
    assert.deepStrictEqual(budgetFigureOf([run('a', 'cancelled', 1), run('b', 'completed', 2)]), { what: 'Last run', run: run('b', 'completed', 2), partial: false });
    assert.strictEqual(budgetFigureOf([run('csv', 'unknown', 3)])?.what, 'Last run');
    assert.strictEqual(budgetFigureOf([]), undefined);
  });

  it('never sets a cancelled run (6 of 40 epochs) against the per-run budget as if it were a whole run', () => {
    const figure = budgetFigureOf([run('full', 'completed', 0.005), run('crash', 'failed', 0.00001), run('stop', 'cancelled', 0.00285)])!;
    assert.deepStrictEqual([figure.what, figure.run.runId, figure.partial], ['Last completed run (train.py)', 'full', false]);
    assert.strictEqual(figure.note, 'The latest run (train.py, cancelled) stopped before it finished, so it is not set against the per-run budget.');
    const only = budgetFigureOf([run('stop', 'cancelled', 0.00285)])!;
    assert.deepStrictEqual([only.what, only.run.runId, only.partial], ['Last run (cancelled)', 'stop', true], 'shown as part of a run, with no share of the budget');
  });
});
