/**
 * What the editor shows of an estimate (the CodeLens title and tooltip, the
 * hover's saving line) and which runs calibrate it: src/extension/estimate's
 * parts that need no `vscode`.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { FindingSaving, TrainingEstimate } from '../../src/core/estimate';
import { buildRunRecord, type MeterSummary, type RunInput } from '../../src/core/history/runRecord';
import { appendRun } from '../../src/core/history/runStore';
import { compactDuration, estimateLensTitle, estimateTooltip, savingHoverLine } from '../../src/extension/estimate/estimateText';
import { MAX_CALIBRATION_RUNS, ScriptRuns } from '../../src/extension/estimate/scriptRuns';

function estimate(overrides: Partial<TrainingEstimate> = {}): TrainingEstimate {
  return {
    line: 16,
    entry: 'training loop',
    basis: 'static',
    durationS: 14 * 3600,
    durationLowS: 9 * 3600,
    durationHighS: 25 * 3600,
    energyKWh: 5.6,
    energyLowKWh: 3.5,
    energyHighKWh: 10.2,
    co2eKg: 2.7,
    flops: 1.2e18,
    hardware: 'A100 SXM4 80 GB',
    gpus: 1,
    assumptions: [
      { name: 'model', value: 'resnet50, 4.1 GFLOPs forward at 224×224', source: 'torchvision model table' },
      { name: 'epochs', value: '90 (argparse default of --epochs)', source: 'the script, line 12' },
    ],
    ...overrides,
  };
}

describe('estimate text in the editor', () => {
  it('titles the lens with energy, CO2e, time and hardware, labelled estimated', () => {
    assert.strictEqual(estimateLensTitle(estimate()), '≈ 5.6 kWh · 2.7 kg CO2e · 14 h on 1× A100 SXM4 80 GB (estimated)');
  });

  it('names the run a calibrated estimate comes from by its short id', () => {
    const title = estimateLensTitle(estimate({ basis: 'calibrated', calibratedFrom: '1a2b3c4d-5e6f-4711-8899-aabbccddeeff', energyKWh: 0.0042, co2eKg: 0.0011, durationS: 95, gpus: 2 }));
    assert.strictEqual(title, '≈ 4.2 Wh · 1.1 g CO2e · 1.6 min on 2× A100 SXM4 80 GB (calibrated from run 1a2b3c4d)');
  });

  it('says "this machine\'s CPU" for an estimate without GPUs and names the model in the tooltip', () => {
    const cpu = estimate({ gpus: 0, hardware: 'CPU: AMD EPYC 7B13', energyKWh: 0.02, co2eKg: 0.0095, durationS: 600 });
    assert.strictEqual(estimateLensTitle(cpu), "≈ 20 Wh · 9.5 g CO2e · 10 min on this machine's CPU (estimated)");
    assert.match(estimateTooltip(cpu), /FLOPs on CPU: AMD EPYC 7B13/);
  });

  it('puts the range, the formula and every assumption with its source in the tooltip', () => {
    const tip = estimateTooltip(estimate());
    assert.match(tip, /Energy: 5\.6 kWh \(range 3\.5 kWh – 10\.2 kWh\)/);
    assert.match(tip, /Time: 14 h \(range 9 h – 25 h\)/);
    assert.match(tip, /time = work ÷ \(peak FLOPS/);
    assert.match(tip, /• model: resnet50, 4\.1 GFLOPs forward at 224×224 — torchvision model table/);
    assert.match(tip, /• epochs: 90 \(argparse default of --epochs\) — the script, line 12/);
    assert.match(tip, /1\.20e\+18 FLOPs/);
    assert.doesNotMatch(tip, /Note:/);
    const partial = estimateTooltip(estimate({ notes: ['"A100" taken as A100 SXM4 80 GB, the closest entry of the GPU table'] }));
    assert.match(partial, /Note: "A100" taken as A100 SXM4 80 GB/);
  });

  it('shows a calibrated estimate beside the static model and how far that was off', () => {
    const tip = estimateTooltip(estimate({ basis: 'calibrated', calibratedFrom: 'abcdef0123', energyKWh: 2, staticEnergyKWh: 3 }));
    assert.match(tip, /Static model alone: 3 kWh \(\+50% against the measured run\)/);
    assert.match(tip, /energy measured per unit of work/);
    assert.doesNotMatch(tip, /peak FLOPS/);
  });

  it('keeps durations short enough for a lens', () => {
    assert.deepStrictEqual([compactDuration(42), compactDuration(25 * 60), compactDuration(3 * 86400)], ['42 s', '25 min', '3 days']);
  });

  it('prefixes the core saving text for the hover', () => {
    const s: FindingSaving = { code: 'GL101', line: 3, kWh: 3.5, co2eKg: 1.7, share: 0.64, text: 'saves ≈ 3.5 kWh · 1.7 kg CO2e on this script' };
    assert.strictEqual(savingHoverLine(s), '**Estimated saving:** saves ≈ 3.5 kWh · 1.7 kg CO2e on this script');
  });
});

const meter: MeterSummary = {
  durationS: 60,
  components: [{ component: 'cpu', energyKWh: 0.001, powerW: 60, provenance: 'measured', source: 'RAPL package-0' }],
  timeline: [],
  warnings: [],
};

function run(file: string, minute: number, exitCode = 0): RunInput {
  return {
    meter,
    projectName: 'demo',
    command: { argv: ['python', file], cwd: '/work/demo', file },
    startedAt: new Date(Date.UTC(2025, 2, 1, 10, minute)),
    exitCode,
    os: 'Linux',
  };
}

describe('runs that calibrate an estimate', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-estimate-runs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives the completed runs of the script only, newest first, a few at most', () => {
    const ids: string[] = [];
    for (let m = 0; m < 5; m++) {
      const r = buildRunRecord(run('train.py', m));
      appendRun(dir, r);
      ids.push(r.runId);
    }
    appendRun(dir, buildRunRecord(run('train.py', 10, 1))); // failed: never calibrates
    appendRun(dir, buildRunRecord(run('other.py', 11)));
    const runs = new ScriptRuns(() => undefined).completedRuns(dir, 'train.py');
    assert.deepStrictEqual(
      runs.map((r) => r.runId),
      ids.slice(-MAX_CALIBRATION_RUNS).reverse(),
    );
  });

  it('sees a run recorded after the first answer, and none in an empty folder', () => {
    const runs = new ScriptRuns(() => undefined);
    assert.deepStrictEqual(runs.completedRuns(dir, 'train.py'), []);
    const r = buildRunRecord(run('train.py', 1));
    appendRun(dir, r);
    assert.deepStrictEqual(runs.completedRuns(dir, 'train.py').map((x) => x.runId), [r.runId]);
  });

  it('skips a damaged run file and says which', () => {
    const good = buildRunRecord(run('train.py', 1));
    appendRun(dir, good);
    const bad = buildRunRecord(run('train.py', 2));
    appendRun(dir, bad);
    fs.writeFileSync(path.join(dir, 'runs', `${bad.runId}.json`), '{ not json');
    const problems: string[] = [];
    const runs = new ScriptRuns((m) => problems.push(m)).completedRuns(dir, 'train.py');
    assert.deepStrictEqual(runs.map((x) => x.runId), [good.runId]);
    assert.strictEqual(problems.length, 1);
    assert.match(problems[0], new RegExp(bad.runId));
  });
});
