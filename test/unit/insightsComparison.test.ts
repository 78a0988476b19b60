/**
 * Comparisons of a run with an earlier one: only with a completed run of the
 * same script, per unit of work when the work differs, "not comparable" with
 * the reason otherwise, never green for a run that stopped; and the sidebar,
 * the report and `greenlens run` (spawned) show the same comparison.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildRunRecord, type RunInput, type RunRecord } from '../../src/core/history/runRecord';
import { appendRun, readHistory } from '../../src/core/history/runStore';
import { appendRunPoint, buildFolderSummaryWithStatuses, comparisonForRecord, runPointOfRecord, scriptSummariesOf } from '../../src/core/insights/aggregate';
import { BASELINE_WINDOW, compareRuns, comparisonInSeries, recordFactsLookup, workOfArgv, workOfRecord, type ComparedRun } from '../../src/core/insights/comparison';
import { buildRunReport } from '../../src/core/insights/report';
import { formatRunSummary } from '../../src/core/report/runSummary';
import type { RunPoint } from '../../src/shared/protocol';
import { runCliProcess } from '../support/cli';

function point(runId: string, overrides: Partial<RunPoint> = {}): RunPoint {
  return { runId, endedAt: 0, script: 'train.py', energyKWh: 0.005, kgCO2e: 0.001, durationS: 600, status: 'completed', ...overrides };
}

function run(runId: string, overrides: Partial<ComparedRun> = {}): ComparedRun {
  return { runId, script: 'train.py', status: 'completed', energyKWh: 0.005, durationS: 600, endedAt: 0, ...overrides };
}

const epochs = (count: number, source = `--epochs ${count}`) => ({ epoch: { count, source } });

/** A record of `script` with `kWh` of energy over `durationS`, ending `minutes` after a fixed start. */
function record(runId: string, kWh: number, minutes: number, overrides: Partial<RunInput> = {}, script = 'train.py'): RunRecord {
  const durationS = 60;
  return buildRunRecord({
    meter: { durationS, components: [{ component: 'cpu', energyKWh: kWh, powerW: (kWh * 3.6e6) / durationS, provenance: 'measured', source: 'RAPL package-0' }], timeline: [], warnings: [] },
    projectName: 'demo',
    experimentId: script,
    command: { argv: ['python3', script], cwd: '/w', file: script },
    startedAt: new Date(Date.UTC(2025, 2, 5, 10, minutes)),
    exitCode: 0,
    carbon: { region: 'FR' },
    runId,
    ...overrides,
  });
}

describe('insights/comparison: the work a run did', () => {
  it('reads epochs, steps and samples from the arguments, in the forms scripts use', () => {
    assert.deepStrictEqual(workOfArgv(['python', 'train.py', '--epochs', '6']), epochs(6));
    assert.deepStrictEqual(workOfArgv(['python', 'train.py', '--num-epochs=12']), { epoch: { count: 12, source: '--num-epochs=12' } });
    assert.deepStrictEqual(workOfArgv(['python', 'run_glue.py', '--num_train_epochs', '3', '--max_steps', '-1']), epochs(3, '--num_train_epochs 3'), 'max_steps -1 is "unset"');
    assert.deepStrictEqual(workOfArgv(['python', 'main.py', 'trainer.max_epochs=10', '--max-steps', '1000']), {
      epoch: { count: 10, source: 'trainer.max_epochs=10' },
      step: { count: 1000, source: '--max-steps 1000' },
    });
    assert.deepStrictEqual(workOfArgv(['python', 'gen.py', '--num_samples', '500']), { sample: { count: 500, source: '--num_samples 500' } });
    assert.deepStrictEqual(workOfArgv(['python', 'train.py', '--epochs', '3', '--epochs', '5']), epochs(5), 'the last one wins, as in argparse');
  });

  it('ignores arguments that only look like work: logging steps, single dashes, words', () => {
    assert.deepStrictEqual(workOfArgv(['python', 'train.py', '--save_steps', '500', '--logging-steps', '10', '--warmup_steps', '100']), {});
    assert.deepStrictEqual(workOfArgv(['python', 'train.py', '-e', '5', '--epochs', 'auto', 'epochs']), {});
  });

  it('counts what a completed run did from its output first, and what a stopped run finished only', () => {
    const argv = ['python3', 'train.py', '--epochs', '50'];
    const cmd = { argv, cwd: '/w', file: 'train.py' };
    // Early stopping: asked for 50, stopped after 12, and completed.
    assert.deepStrictEqual(workOfRecord({ status: 'completed', command: cmd, progress: { epoch: 12, totalEpochs: 50, completedFraction: 0.24 } }), {
      epoch: { count: 12, source: 'the output, epoch 12 of 50' },
    });
    assert.deepStrictEqual(workOfRecord({ status: 'completed', command: cmd }), epochs(50), 'without output, the arguments say it');
    // Cancelled in epoch 7 of 40 with 6 epochs done: the arguments (50) do not count.
    assert.deepStrictEqual(workOfRecord({ status: 'cancelled', command: cmd, progress: { epoch: 7, totalEpochs: 40, completedFraction: 0.15 } }), {
      epoch: { count: 6, source: 'the output, stopped in epoch 7 of 40' },
    });
    assert.deepStrictEqual(workOfRecord({ status: 'failed', command: cmd }), {});
    assert.deepStrictEqual(workOfRecord({ status: 'failed', command: cmd, progress: { epoch: 1, totalEpochs: 40, completedFraction: 0 } }), {}, 'nothing finished');
  });
});

describe('insights/comparison: which run a run is compared with', () => {
  it('compares runs of the same script with the same work whole, and says by how much', () => {
    const c = comparisonInSeries([point('a', { work: epochs(40) })], run('b', { energyKWh: 0.0056, durationS: 660, work: epochs(40) }));
    assert.deepStrictEqual([c.outcome, c.basis, c.direction, c.tone, c.badge], ['compared', 'run', 'up', 'bad', '↑ 12%']);
    assert.strictEqual(c.text, 'vs the last completed run of train.py: ↑ 12% energy');
    assert.strictEqual(c.detail, '5 Wh → 5.6 Wh');
    assert.ok(Math.abs(c.durationRatio! - 0.1) < 1e-12);
    const less = comparisonInSeries([point('a')], run('b', { energyKWh: 0.004 }));
    assert.deepStrictEqual([less.direction, less.tone, less.text], ['down', 'good', 'vs the last completed run of train.py: ↓ 20% energy']);
  });

  it('never compares with another script, however recent', () => {
    const points = [point('t1', { energyKWh: 0.01 }), point('o1', { script: 'other.py', energyKWh: 0.0001 })];
    const c = comparisonInSeries(points, run('t2', { energyKWh: 0.011 }));
    assert.strictEqual(c.baseline?.runId, 't1');
    const first = comparisonInSeries(points, run('e1', { script: 'eval.py' }));
    assert.deepStrictEqual([first.outcome, first.badge, first.text], ['first', 'new', 'first run of eval.py: nothing to compare with yet']);
  });

  it('passes over a run that crashed after a second for the completed one before it', () => {
    // The crash used 0.38 mWh; against it the next run would read "↑ 1218%".
    const points = [point('ok', { energyKWh: 0.005 }), point('crash', { status: 'failed', energyKWh: 0.00038, durationS: 1 })];
    const c = comparisonInSeries(points, run('next', { energyKWh: 0.0051 }));
    assert.deepStrictEqual([c.baseline?.runId, c.direction, c.badge], ['ok', 'flat', '≈']);
    assert.strictEqual(c.text, 'vs the last completed run of train.py: ≈ the same energy (+2%)');
  });

  it('says "not comparable" and why when no earlier run completed', () => {
    const points = [point('f', { status: 'failed' }), point('k', { status: 'killed' }), point('u', { status: 'unknown' })];
    const c = comparisonInSeries(points, run('now'));
    assert.deepStrictEqual([c.outcome, c.direction, c.tone, c.badge, c.baseline], ['not-comparable', 'none', 'neutral', '–', undefined]);
    assert.strictEqual(c.text, 'not comparable: no earlier completed run of train.py (1 of unknown status, 1 killed, 1 failed)');
    const many = Array.from({ length: BASELINE_WINDOW + 5 }, (_, i) => point(`f${i}`, { status: i === 0 ? 'completed' : 'failed' }));
    assert.match(comparisonInSeries(many, run('now')).reason!, new RegExp(`none of the last ${BASELINE_WINDOW} runs of train.py before this one completed \\(${BASELINE_WINDOW} failed\\)`));
  });

  it('looks up the status of runs the history row does not carry, and only those', () => {
    const points = [point('old', { status: 'unknown', energyKWh: 0.004 }), point('crash', { status: 'unknown', energyKWh: 0.0001 })];
    const asked: string[] = [];
    const c = comparisonInSeries(points, run('now', { energyKWh: 0.004 }), (id) => (asked.push(id), { status: id === 'crash' ? 'failed' : 'completed' }));
    assert.deepStrictEqual([asked, c.baseline?.runId, c.direction], [['crash', 'old'], 'old', 'flat']);
  });

  it('compares runs with different epochs per epoch, and says so', () => {
    // 3 epochs for 0.6 Wh against 40 epochs for 5 Wh: 0.2 against 0.125 Wh per epoch.
    const c = comparisonInSeries([point('long', { work: epochs(40, 'the output, epoch 40 of 40') })], run('short', { energyKWh: 0.0006, durationS: 60, work: epochs(3) }));
    assert.deepStrictEqual([c.outcome, c.basis, c.direction, c.badge], ['compared', 'epoch', 'up', '↑ 60%/epoch']);
    assert.strictEqual(c.text, 'vs the last completed run of train.py: ↑ 60% energy per epoch (this run 3 epochs, that run 40)');
    assert.strictEqual(c.detail, "per epoch: 125 mWh → 200 mWh; this run's epochs from --epochs 3; that run's from the output, epoch 40 of 40");
    assert.ok(Math.abs(c.energyKWh! - 0.0002) < 1e-15 && Math.abs(c.baselineEnergyKWh! - 0.000125) < 1e-15);
    assert.ok(Math.abs(c.durationRatio! - (20 / 15 - 1)) < 1e-12, '20 s per epoch against 15 s');
    assert.deepStrictEqual(c.work, { unit: 'epoch', run: epochs(3).epoch, baseline: { count: 40, source: 'the output, epoch 40 of 40' } });
  });

  it('does not compare when the work may differ but is counted on one side only, or differs in two ways', () => {
    const oneSided = comparisonInSeries([point('a')], run('b', { work: epochs(6) }));
    assert.strictEqual(oneSided.outcome, 'not-comparable');
    assert.strictEqual(oneSided.text, "not comparable: this run did 6 epochs (--epochs 6), but the last completed run's number of epochs is not known");
    assert.strictEqual(oneSided.baseline?.runId, 'a', 'the run it could not be compared with is named');
    const twoWays = comparisonInSeries(
      [point('a', { work: { ...epochs(3), sample: { count: 1000, source: '--num_samples 1000' } } })],
      run('b', { work: { ...epochs(6), sample: { count: 500, source: '--num_samples 500' } } }),
    );
    assert.strictEqual(twoWays.reason, 'the runs differ in epochs (6 against 3) and samples (500 against 1000), so no single unit of work compares them');
  });

  it('never shows a cancelled run as a saving: per epoch when its progress is known, else not comparable', () => {
    // 6 of 40 epochs, cancelled, 2.85 Wh against 5 Wh for the whole 40: whole runs would read a green "↓ 43%".
    const baseline = point('full', { work: epochs(40, 'the output, epoch 40 of 40') });
    const known = comparisonInSeries([baseline], run('stop', { status: 'cancelled', energyKWh: 0.00285, work: { epoch: { count: 6, source: 'the output, stopped in epoch 7 of 40' } } }));
    assert.deepStrictEqual([known.basis, known.direction, known.tone], ['epoch', 'up', 'neutral']);
    assert.strictEqual(known.text, 'vs the last completed run of train.py: ↑ 280% energy per epoch (this run 6 epochs, that run 40); this run was cancelled');
    const cheaper = comparisonInSeries([baseline], run('stop', { status: 'cancelled', energyKWh: 0.0006, work: { epoch: { count: 6, source: 'the output' } } }));
    assert.deepStrictEqual([cheaper.direction, cheaper.tone], ['down', 'neutral'], 'less per epoch, still not green');
    const unknown = comparisonInSeries([baseline], run('stop', { status: 'cancelled', energyKWh: 0.00285 }));
    assert.deepStrictEqual([unknown.outcome, unknown.tone, unknown.ratio], ['not-comparable', 'neutral', undefined]);
    assert.strictEqual(unknown.reason, 'this run was cancelled before it finished, and how much of its work was done is not known');
    const csvOnly = comparisonInSeries([baseline], run('row', { status: 'unknown' }));
    assert.strictEqual(csvOnly.reason, "this run's status is not recorded (it has no run file), so how much of its work was done is not known");
    const firstFailed = comparisonInSeries([], run('f', { status: 'failed' }));
    assert.deepStrictEqual([firstFailed.outcome, firstFailed.badge, firstFailed.reason], ['not-comparable', '–', 'this is the first run of train.py, and it failed']);
  });

  it('finds, in a summary of many scripts, the baselines a walk over the whole history finds', () => {
    const statuses: RunPoint['status'][] = ['completed', 'failed', 'completed', 'cancelled', 'unknown', 'completed', 'killed'];
    const points = Array.from({ length: 300 }, (_, i) =>
      point(`p${i}`, { script: `s${(i * 7) % 11}.py`, status: statuses[(i * 3) % statuses.length], energyKWh: 0.001 * (1 + ((i * 13) % 17)), endedAt: i }),
    );
    const summaries = scriptSummariesOf(points);
    assert.strictEqual(summaries.length, 11);
    for (const s of summaries) {
      const linear = comparisonInSeries(points, { runId: s.last.runId, script: s.script, status: s.last.status, energyKWh: s.last.energyKWh, durationS: s.last.durationS, endedAt: s.last.endedAt });
      assert.deepStrictEqual(s.comparison, linear, s.script);
    }
    assert.ok(summaries.some((s) => s.comparison.outcome === 'compared') && summaries.some((s) => s.comparison.outcome === 'not-comparable'), 'the fixture has both outcomes');
  });

  it('refuses a baseline that did not complete', () => {
    const c = compareRuns(run('b'), run('a', { status: 'cancelled' }));
    assert.deepStrictEqual([c.outcome, c.ratio], ['not-comparable', undefined]);
  });
});

describe('insights/comparison: one comparison in every view', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-comparison-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** train.py: 40 epochs completed, a crash after a second, a cancel in epoch 7 of 40, then 3 epochs completed; other.py in between. */
  function seed(): RunRecord[] {
    const history = path.join(dir, '.greenlens');
    const cmd = (script: string, ...args: string[]) => ({ argv: ['python3', script, ...args], cwd: dir, file: script });
    const records = [
      record('r1', 0.005, 0, { command: cmd('train.py'), progress: { epoch: 40, totalEpochs: 40, completedFraction: 1 } }),
      record('r2', 0.00038, 10, { command: cmd('train.py'), exitCode: 1 }),
      record('o1', 0.0001, 15, { command: cmd('other.py') }, 'other.py'),
      record('r3', 0.00285, 20, { command: cmd('train.py'), exitCode: null, signal: 'SIGINT', stoppedByUser: true, progress: { epoch: 7, totalEpochs: 40, completedFraction: 0.15 } }),
      record('r4', 0.0006, 30, { command: cmd('train.py', '--epochs', '3'), progress: { epoch: 3, totalEpochs: 3, completedFraction: 1 } }),
    ];
    for (const r of records) appendRun(history, r);
    return records;
  }

  it('gives the sidebar and the report of the same run the identical comparison', () => {
    const records = seed();
    const history = path.join(dir, '.greenlens');
    const sidebar = buildFolderSummaryWithStatuses({ name: 'demo', path: dir, history: readHistory(history), details: new Map() }, recordFactsLookup(history));
    const r4 = records[4];
    const report = buildRunReport(r4, { folder: dir, comparison: comparisonForRecord(r4, dir, readHistory(history).runs, recordFactsLookup(history)) });
    const train = sidebar.scripts.find((s) => s.script === 'train.py')!;
    assert.deepStrictEqual(report.comparison, train.comparison);
    // 0.6 Wh / 3 epochs against 5 Wh / 40 epochs (the crash and the cancelled run passed over).
    assert.strictEqual(train.comparison.text, 'vs the last completed run of train.py: ↑ 60% energy per epoch (this run 3 epochs, that run 40)');
    assert.strictEqual(train.comparison.baseline?.runId, 'r1');
    assert.strictEqual(train.best?.runId, 'r4', 'neither the crash nor the cancelled run is the best');
  });

  it('gives a run appended to an open sidebar the comparison its report shows', () => {
    const records = seed();
    const history = path.join(dir, '.greenlens');
    const rows = readHistory(history).runs;
    const summary = buildFolderSummaryWithStatuses({ name: 'demo', path: dir, history: { runs: rows.slice(0, 3), warnings: [] }, details: new Map() }, recordFactsLookup(history));
    const r3 = records[3];
    const sent = appendRunPoint(summary, runPointOfRecord(r3, dir));
    const reported = comparisonForRecord(r3, dir, rows, recordFactsLookup(history));
    assert.deepStrictEqual(sent.script.comparison, reported);
    assert.deepStrictEqual([reported.basis, reported.tone, reported.baseline?.runId], ['epoch', 'neutral', 'r1'], 'the cancelled run, per epoch, not green');
    assert.strictEqual(sent.script.last.status, 'cancelled', 'its status is shown with it');
  });

  it('prints the same line in the run summary', () => {
    const records = seed();
    const history = path.join(dir, '.greenlens');
    const c = comparisonForRecord(records[4], dir, readHistory(history).runs, recordFactsLookup(history));
    const text = formatRunSummary(records[4], [], dir, c);
    assert.ok(text.includes(`  ${c.text} (per epoch: 125 mWh → 200 mWh; this run's epochs from the output, epoch 3 of 3; that run's from the output, epoch 40 of 40)\n`), text);
  });
});

describe('greenlens run: the comparison line', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-comparison-cli-'));
    fs.writeFileSync(path.join(dir, 'train.js'), 'const end = Date.now() + 300; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); console.log("done");');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('compares with the last completed run of the script, per epoch when the epochs differ', async () => {
    appendRun(path.join(dir, '.greenlens'), record('seeded', 0.001, 0, { experimentId: 'train.js', command: { argv: ['node', 'train.js', '--epochs', '3'], cwd: dir, file: 'train.js' } }, 'train.js'));
    const r = await runCliProcess(['run', '--interval', '100', '--', process.execPath, 'train.js', '--epochs', '6'], { cwd: dir });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /\n {2}vs the last completed run of train\.js: [↑↓≈] .*energy per epoch.* \(this run 6 epochs, that run 3\)/, r.stderr);
  });

  it('says "not comparable" when no earlier run of the script completed', async () => {
    appendRun(path.join(dir, '.greenlens'), record('crashed', 0.00001, 0, { exitCode: 1, experimentId: 'train.js', command: { argv: ['node', 'train.js'], cwd: dir, file: 'train.js' } }, 'train.js'));
    const r = await runCliProcess(['run', '--interval', '100', '--', process.execPath, 'train.js'], { cwd: dir });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /\n {2}not comparable: no earlier completed run of train\.js \(1 failed\)\n/, r.stderr);
  });
});
