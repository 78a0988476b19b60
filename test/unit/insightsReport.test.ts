/**
 * The run report, its carbon statement and exports, and the everyday
 * equivalents: every figure traceable to the record or to a named source.
 */
import * as assert from 'assert';
import { EMISSIONS_HEADER, parseEmissions } from '../../src/core/history/emissionsCsv';
import { buildRunRecord, type MeterSummary, type RunInput, type RunRecord } from '../../src/core/history/runRecord';
import { AVERAGE_VEHICLE_MPG, EQUIVALENCE_FACTORS, equivalentsOf, formatEquivalent, GASOLINE_G_CO2_PER_GALLON } from '../../src/core/insights/equivalents';
import { comparisonInSeries } from '../../src/core/insights/comparison';
import { buildRunReport, carbonStatementMarkdown, exportRun, runCsv, runJson } from '../../src/core/insights/report';
import { formatCo2, formatEnergy, sig } from '../../src/core/report/units';
import { greenlensVersion } from '../../src/core/version';
import type { RunPoint } from '../../src/shared/protocol';

const meter: MeterSummary = {
  durationS: 5400,
  components: [
    { component: 'cpu', energyKWh: 0.09, powerW: 60, provenance: 'measured', source: 'RAPL package-0 via powercap', machineEnergyKWh: 0.12 },
    { component: 'gpu', energyKWh: 0.45, powerW: 300, provenance: 'measured', source: 'nvidia-smi power.draw', machineEnergyKWh: 0.45 },
    { component: 'ram', energyKWh: 0.009, powerW: 6, provenance: 'estimated', source: 'RAM model 0.375 W/GB', machineEnergyKWh: 0.009 },
  ],
  timeline: [
    { tS: 0, cpuW: 40, gpuW: 90, ramW: 6 },
    { tS: 60, cpuW: 62, gpuW: 310, ramW: 6 },
  ],
  warnings: ['GPU power read every 1 s'],
  trackingMode: 'process',
  cpuModel: 'AMD EPYC 7763 | 64-Core',
  gpuModels: ['NVIDIA A100-SXM4-40GB', 'NVIDIA A100-SXM4-40GB'],
  cpuCount: 16,
  ramTotalGb: 64,
};

function record(overrides: Partial<RunInput> = {}): RunRecord {
  return buildRunRecord({
    meter,
    projectName: 'demo',
    experimentId: 'train.py',
    command: { argv: ['python', 'train.py', '--epochs', '3'], cwd: '/w/demo', file: 'train.py' },
    startedAt: new Date('2025-03-01T10:00:00Z'),
    exitCode: 0,
    carbon: { region: 'FR', pue: 1.1 },
    git: { commit: 'a'.repeat(40), branch: 'main' },
    runId: '1a2b3c4d-0000-4000-8000-000000000001',
    os: 'Linux-6.8.0-x86_64',
    ...overrides,
  });
}

describe('insights/equivalents', () => {
  it('derives each factor from the published EPA figures', () => {
    const car = EQUIVALENCE_FACTORS.find((f) => f.id === 'car-km')!;
    assert.strictEqual(GASOLINE_G_CO2_PER_GALLON, 8887);
    assert.strictEqual(AVERAGE_VEHICLE_MPG, 22.0);
    assert.ok(Math.abs(car.gramsPerUnit - 8887 / 22 / 1.609344) < 1e-9);
    assert.ok(Math.abs(car.gramsPerUnit - 251.0) < 0.1, `${car.gramsPerUnit} g/km`);
    assert.match(car.factor, /404 g CO2\/mile/);
    const petrol = EQUIVALENCE_FACTORS.find((f) => f.id === 'petrol-litres')!;
    assert.ok(Math.abs(petrol.gramsPerUnit - 8887 / 3.785411784) < 1e-9);
    const phone = EQUIVALENCE_FACTORS.find((f) => f.id === 'phone-charges')!;
    assert.ok(Math.abs(phone.gramsPerUnit - 8.22) < 1e-9);
    for (const f of EQUIVALENCE_FACTORS) {
      assert.match(f.source, /U\.S\. EPA/);
      assert.ok(f.factor.length > 10);
    }
  });

  it('converts a CO2e mass linearly, with the factor and source on every equivalent', () => {
    const one = equivalentsOf(1);
    assert.strictEqual(one.length, 3);
    assert.ok(Math.abs(one[0].value - 1000 / (8887 / 22 / 1.609344)) < 1e-9);
    assert.ok(Math.abs(one[2].value - 1000 / 8.22) < 1e-9);
    // Linear within a unit (1 kg of CO2e is 426 ml of petrol, 10 kg 4.26 litres, 100 kg 42.6 litres).
    const ten = equivalentsOf(10);
    const hundred = equivalentsOf(100);
    hundred.forEach((e, i) => {
      assert.strictEqual(e.label, ten[i].label);
      assert.ok(Math.abs(e.value - 10 * ten[i].value) < 1e-9);
    });
    for (const e of one) assert.ok(e.factor && e.source);
    assert.strictEqual(formatEquivalent(one[0]), '3.98 km driven by an average US passenger car (gasoline)');
    assert.deepStrictEqual(equivalentsOf(0), []);
    assert.deepStrictEqual(equivalentsOf(-1), []);
    assert.deepStrictEqual(equivalentsOf(Number.NaN), []);
  });

  it('tells a small mass in the unit that reads, and leaves out an equivalent that would read as nothing', () => {
    // 0.2 g: 0.8 m of driving and 0.085 ml of petrol say nothing; 2.4% of a phone charge does.
    const small = equivalentsOf(0.0002);
    assert.deepStrictEqual(
      small.map(formatEquivalent),
      [`${sig((0.2 / 8.22) * 100)} percent of one smartphone charge`],
    );
    assert.match(small[0].factor, /8\.22 g CO2 per full charge.*one charge = 100 percent/);
    // 100 g: metres, millilitres and whole charges.
    assert.deepStrictEqual(
      equivalentsOf(0.1).map(formatEquivalent),
      [
        `${sig(100 / (8887 / 22 / 1.609344) * 1000)} m driven by an average US passenger car (gasoline)`,
        `${sig(100 / (8887 / 3.785411784) * 1000)} millilitres of gasoline (petrol) burned`,
        `${sig(100 / 8.22)} smartphone charges`,
      ],
    );
    // A second-long CPU run (under a milligram): no equivalent reads, so there is none, and no "0.0000034 km".
    assert.deepStrictEqual(equivalentsOf(0.85e-6), []);
    for (const kg of [1e-7, 1e-5, 1e-3, 0.05, 1, 1000]) {
      for (const e of equivalentsOf(kg)) assert.ok(e.value >= 1, `${formatEquivalent(e)} for ${kg} kg`);
    }
  });

  it('prints small figures in mWh and mg, and never in exponent notation', () => {
    assert.strictEqual(sig(4.52e-7), '0.000000452');
    assert.strictEqual(sig(1234.5), '1235');
    assert.strictEqual(sig(0.5), '0.5');
    assert.strictEqual(formatEnergy(1.79e-6), '1.79 mWh');
    assert.strictEqual(formatEnergy(2.96e-8), '0.0296 mWh');
    assert.strictEqual(formatCo2(0.852e-6), '0.852 mg CO2e');
    assert.strictEqual(formatCo2(2.42e-6), '2.42 mg CO2e');
  });
});

describe('insights/report: buildRunReport', () => {
  it('carries the record\'s figures with their provenance, region, intensity and PUE', () => {
    const r = record();
    // The last completed run of train.py, with the same work (3 epochs, from --epochs 3): 0.61 kWh in 6000 s.
    const prev: RunPoint = { runId: 'prev', script: 'train.py', endedAt: 0, energyKWh: 0.61, kgCO2e: 0, durationS: 6000, status: 'completed', work: { epoch: { count: 3, source: '--epochs 3' } } };
    const comparison = comparisonInSeries([prev], { runId: r.runId, script: 'train.py', status: 'completed', energyKWh: r.energy.totalKWh, durationS: r.durationS, endedAt: 1, work: { epoch: { count: 3, source: '--epochs 3' } } });
    const report = buildRunReport(r, { folder: '/w/demo', comparison });
    assert.strictEqual(report.runId, r.runId);
    assert.strictEqual(report.folder, '/w/demo');
    assert.strictEqual(report.script, 'train.py');
    assert.deepStrictEqual(report.command, ['python', 'train.py', '--epochs', '3']);
    assert.strictEqual(report.status, 'completed');
    assert.strictEqual(report.energyKWh, r.energy.totalKWh);
    assert.strictEqual(report.machineEnergyKWh, r.energy.machineKWh);
    assert.deepStrictEqual(
      report.components.map((c) => [c.component, c.provenance, c.source]),
      [
        ['cpu', 'measured', 'RAPL package-0 via powercap'],
        ['gpu', 'measured', 'nvidia-smi power.draw'],
        ['ram', 'estimated', 'RAM model 0.375 W/GB'],
      ],
    );
    assert.deepStrictEqual(report.carbon, {
      kgCO2e: r.carbon.kgCO2e,
      gPerKWh: r.carbon.gPerKWh,
      pue: 1.1,
      pueIsDefault: false,
      region: r.carbon.region.name,
      regionCode: 'FR',
      regionIsDefault: false,
      regionReason: r.carbon.region.reason,
      source: r.carbon.region.source,
    });
    assert.strictEqual(report.equivalents.length, 3);
    assert.ok(Math.abs(report.equivalents[0].value - equivalentsOf(r.carbon.kgCO2e)[0].value) < 1e-12);
    assert.deepStrictEqual(report.git, { commit: 'a'.repeat(40), branch: 'main' });
    assert.deepStrictEqual(report.hardware, { cpuModel: 'AMD EPYC 7763 | 64-Core', cpuCount: 16, gpuModels: ['NVIDIA A100-SXM4-40GB', 'NVIDIA A100-SXM4-40GB'], ramTotalGb: 64 });
    assert.deepStrictEqual(report.timeline, r.timeline);
    assert.deepStrictEqual(report.warnings, ['GPU power read every 1 s']);
    // 0.549 kWh against 0.61: −10%; 5400 s against 6000: −10%; whole runs, as both did 3 epochs.
    assert.strictEqual(report.comparison, comparison);
    assert.deepStrictEqual([report.comparison!.basis, report.comparison!.baseline?.runId], ['run', 'prev']);
    assert.ok(Math.abs(report.comparison!.ratio! + 0.1) < 1e-12);
    assert.ok(Math.abs(report.comparison!.durationRatio! + 0.1) < 1e-12);
    assert.strictEqual(report.comparison!.text, 'vs the last completed run of train.py: ↓ 10% energy');
  });

  it('lists greener regions that would emit less, at the same PUE', () => {
    const r = record({ carbon: { region: 'DE', pue: 1.2 } });
    const report = buildRunReport(r, { folder: '/w/demo' });
    assert.ok(report.greener.length > 0 && report.greener.length <= 3);
    for (const g of report.greener) {
      assert.ok(g.gPerKWh < r.carbon.gPerKWh);
      assert.ok(Math.abs(g.kgCO2e - (r.energy.totalKWh * 1.2 * g.gPerKWh) / 1000) < 1e-12);
      assert.ok(g.savedPercent > 0 && g.savedPercent <= 100);
    }
    assert.deepStrictEqual(buildRunReport(r, { folder: '/w', greener: [] }).greener, []);
  });

  it('shows no comparison made for another run, and keeps notes apart from the region reason', () => {
    const r = record({ carbon: { region: 'nowhere-land', pue: 7 } });
    const other = comparisonInSeries([], { runId: 'someone-else', script: 'train.py', status: 'completed', energyKWh: 1, durationS: 1, endedAt: 0 });
    const report = buildRunReport(r, { folder: '/w/demo', comparison: other });
    assert.strictEqual(report.comparison, undefined);
    assert.strictEqual(report.carbon.regionIsDefault, r.carbon.region.isDefault);
    assert.ok(report.warnings.some((w) => /greenlens\.pue/.test(w)), 'the ignored PUE is reported');
    assert.deepStrictEqual([report.carbon.pue, report.carbon.pueIsDefault], [1, true], 'the implausible PUE gave way to the default, and the report says so');
    assert.ok(!report.warnings.includes(r.carbon.region.reason));
  });
});

describe('insights/report: carbon statement', () => {
  it('states hardware, duration, energy per component with provenance and source, region, intensity, PUE and CO2e', () => {
    const r = record();
    const md = carbonStatementMarkdown(r, { folder: '/w/demo' });
    assert.match(md, /^# Carbon statement: train\.py\n/);
    assert.match(md, /\| Hardware \| CPU: AMD EPYC 7763 \\\| 64-Core \(16 logical CPUs\); GPU: 2 × NVIDIA A100-SXM4-40GB; RAM: 64 GB; OS: Linux-6\.8\.0-x86_64 \|/);
    assert.match(md, /\| Duration \| 1 h 30 min \(5400 s\) \|/);
    assert.match(md, /\| Energy, CPU \| 90 Wh, mean 60 W; whole machine 120 Wh: measured \(RAPL package-0 via powercap\) \|/);
    assert.match(md, /\| Energy, GPU \| 450 Wh, mean 300 W; whole machine 450 Wh: measured \(nvidia-smi power\.draw\) \|/);
    assert.match(md, /\| Energy, RAM \| 9 Wh, mean 6 W; whole machine 9 Wh: estimated \(RAM model 0\.375 W\/GB\) \|/);
    assert.match(md, /partly measured, partly estimated/);
    const region = r.carbon.region;
    assert.ok(md.includes(`| Region | ${region.name} (FR): ${region.reason} |`));
    assert.ok(md.includes(`| Grid carbon intensity | ${sig(r.carbon.gPerKWh)} gCO2e/kWh; source: ${region.source} |`), 'the source carries the year');
    assert.match(region.source, /\d{4}/);
    assert.match(md, /\| PUE \| 1\.1 \(set with greenlens\.pue\) \|/);
    assert.ok(md.includes(`= 0.549 kWh × 1.1 PUE = 0.6039 kWh × ${sig(r.carbon.gPerKWh)} gCO2e/kWh`));
    assert.ok(md.includes(`(${sig(r.carbon.kgCO2e, 4)} kg CO2e)`));
    assert.match(md, /\| Code version \| git a{40} \(main\) \|/);
    assert.ok(md.includes(`GreenLens ${greenlensVersion()}`));
    assert.match(md, /CodeCarbon-compatible/);
    assert.match(md, /`\.greenlens\/emissions\.csv` with CodeCarbon's columns/);
    assert.match(md, /tracking mode `process`/);
    assert.match(md, /## Notes\n\n- GPU power read every 1 s/);
    // The run's tens of grams are told in metres, with the conversion after the factor.
    assert.match(md, /## Equivalence factors\n\n- m driven by an average US passenger car \(gasoline\): 8,887 g CO2\/gallon[^\n]*g CO2\/km \(tailpipe CO2\); 1 km = 1,000 m\./);
  });

  it('calls a default PUE and a default region what they are', () => {
    const r = record({ carbon: { timeZone: 'Etc/Unknown' } });
    const md = carbonStatementMarkdown(r);
    assert.match(md, /\| PUE \| 1 \(default: no PUE was set/);
    assert.ok(r.carbon.region.isDefault);
    assert.ok(md.includes(`(${r.carbon.region.code}), a default: ${r.carbon.region.reason}`));
  });
});

describe('insights/report: exports', () => {
  it('exports CodeCarbon CSV (header and one row) that reads back as the run', () => {
    const r = record();
    const csv = runCsv(r);
    assert.ok(csv.startsWith(EMISSIONS_HEADER + '\n'));
    assert.strictEqual(csv.trimEnd().split('\n').length, 2);
    const parsed = parseEmissions(csv, 'export.csv');
    assert.deepStrictEqual(parsed.warnings, []);
    assert.deepStrictEqual(
      [parsed.runs[0].runId, parsed.runs[0].energyKWh, parsed.runs[0].emissionsKg, parsed.runs[0].experimentId, parsed.runs[0].pue],
      [r.runId, r.energy.totalKWh, r.carbon.kgCO2e, 'train.py', 1.1],
    );
  });

  it('exports the record as JSON, and names each export', () => {
    const r = record();
    assert.deepStrictEqual(JSON.parse(runJson(r)), JSON.parse(JSON.stringify(r)));
    assert.deepStrictEqual(
      (['markdown', 'csv', 'json'] as const).map((f) => {
        const e = exportRun(r, f);
        return [e.fileName, e.mimeType];
      }),
      [
        ['greenlens-run-1a2b3c4d-carbon-statement.md', 'text/markdown'],
        ['greenlens-run-1a2b3c4d.csv', 'text/csv'],
        ['greenlens-run-1a2b3c4d.json', 'application/json'],
      ],
    );
    assert.strictEqual(exportRun(r, 'csv').content, runCsv(r));
    assert.strictEqual(exportRun(r, 'markdown', { folder: '/w/demo' }).content, carbonStatementMarkdown(r, { folder: '/w/demo' }));
  });
});
