/**
 * The meter's arithmetic: exact counter differences across a wrap, the
 * trapezoid rule, and a timeline that downsamples without changing the
 * energy it shows.
 */
import * as assert from 'assert';
import { counterDelta, energyOf, JOULES_PER_KWH, sumEnergy, trapezoidJ } from '../../src/core/energy/integrate';
import { Timeline } from '../../src/core/energy/timeline';

describe('energy/integrate', () => {
  it('differences a counter exactly, and across its wrap-around', () => {
    assert.strictEqual(counterDelta(1_000, 5_500), 4_500);
    assert.strictEqual(counterDelta(5_500, 5_500), 0);
    // The counter restarts at 0 after max_energy_range_uj.
    assert.strictEqual(counterDelta(262_143_000_000, 1_000_000, 262_143_328_850), 328_850 + 1_000_000);
  });

  it('refuses to guess a step it cannot know', () => {
    assert.strictEqual(counterDelta(5_000, 1_000), undefined, 'went back, no range');
    assert.strictEqual(counterDelta(5_000, 1_000, 0), undefined, 'went back, range 0');
    assert.strictEqual(counterDelta(9_000, 1_000, 8_000), undefined, 'previous value above the range');
  });

  it('integrates power readings with the trapezoid rule', () => {
    assert.strictEqual(trapezoidJ(100, 200, 2), 300);
    assert.strictEqual(trapezoidJ(100, 200, 0), 0);
    assert.strictEqual(trapezoidJ(100, 200, -1), 0);
  });

  it('converts joules to kWh and average power', () => {
    const e = energyOf(JOULES_PER_KWH, 3600);
    assert.strictEqual(e.energyKWh, 1);
    assert.strictEqual(e.powerW, 1000);
    assert.strictEqual(energyOf(10, 0).powerW, 0);
    assert.deepStrictEqual(sumEnergy([energyOf(30, 10), energyOf(70, 10)], 10), energyOf(100, 10));
  });
});

describe('energy/timeline', () => {
  it('keeps every point while under its limit', () => {
    const t = new Timeline(0.5, 100);
    for (let i = 1; i <= 10; i++) t.add({ t: i * 0.5, cpuW: i, gpuW: 0, ramW: 1, processW: i / 2 });
    const { points, stepS } = t.snapshot();
    assert.strictEqual(points.length, 10);
    assert.strictEqual(stepS, 0.5);
    assert.deepStrictEqual(points[3], { t: 2, cpuW: 4, gpuW: 0, ramW: 1, processW: 2 });
  });

  it('halves its resolution at the limit and keeps the energy it shows', () => {
    const limit = 16;
    const t = new Timeline(1, limit);
    let energy = 0;
    for (let i = 1; i <= 1000; i++) {
      const w = 50 + 40 * Math.sin(i / 10);
      energy += w; // 1 s per sample
      t.add({ t: i, cpuW: w, gpuW: 0, ramW: 0, processW: 0 });
    }
    const { points, stepS } = t.snapshot();
    assert.ok(points.length <= limit, `${points.length} points`);
    assert.ok(stepS > 1 && Number.isInteger(Math.log2(stepS)), `step ${stepS}`);
    const full = Math.floor(1000 / stepS);
    const shown = points.slice(0, full).reduce((s, p) => s + p.cpuW * stepS, 0) + (1000 - full * stepS) * (points[full]?.cpuW ?? 0);
    assert.ok(Math.abs(shown - energy) / energy < 1e-9, `${shown} vs ${energy}`);
    assert.strictEqual(points[points.length - 1].t, 1000);
  });
});
