/**
 * The sidebar's numbers: history rows to chart points, week boundaries in
 * local time (DST included), per-script last/best/trend, and the incremental
 * append that must equal a full recompute.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { HistoryRun } from '../../src/core/history/emissionsCsv';
import { buildRunRecord, type MeterSummary, type RunRecord, type RunStatus } from '../../src/core/history/runRecord';
import { appendRun, readHistory } from '../../src/core/history/runStore';
import {
  appendRunPoint,
  buildFolderSummary,
  buildFolderSummaryWithStatuses,
  countFindingsByFamily,
  historyTimestampMs,
  isoWeekStart,
  runDetailsOf,
  runPointOfRecord,
  runPointOfRow,
  scriptOfRecord,
  scriptOfRow,
  scriptSummariesOf,
  totalsOf,
  weekWindows,
  type RunDetails,
} from '../../src/core/insights/aggregate';
import type { FolderSummary, RunPoint } from '../../src/shared/protocol';

/** Runs the body with the process in another time zone, restoring it after. */
function inTimeZone(tz: string, body: () => void): void {
  const before = process.env.TZ;
  process.env.TZ = tz;
  try {
    body();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s).getTime();

function point(overrides: Partial<RunPoint>): RunPoint {
  return { runId: 'r', endedAt: 0, script: 'train.py', energyKWh: 1, kgCO2e: 0.1, durationS: 60, status: 'completed', ...overrides };
}

function row(overrides: Partial<HistoryRun>): HistoryRun {
  return {
    file: 'emissions.csv',
    line: 2,
    timestamp: '2025-03-05T12:00:00',
    runId: 'r1',
    projectName: 'demo',
    experimentId: '',
    durationS: 60,
    emissionsKg: 0.01,
    energyKWh: 0.1,
    countryName: '',
    countryIsoCode: '',
    region: '',
    cloudProvider: '',
    cloudRegion: '',
    trackingMode: 'process',
    cpuModel: '',
    gpuModel: '',
    ...overrides,
  };
}

const meter = (kWh: number, durationS = 120): MeterSummary => ({
  durationS,
  components: [{ component: 'cpu', energyKWh: kWh, powerW: (kWh * 3.6e6) / durationS, provenance: 'measured', source: 'RAPL package-0' }],
  timeline: [],
  warnings: [],
});

describe('insights/aggregate: history rows to points', () => {
  it('reads CodeCarbon timestamps as local time, with or without seconds, fractions or a zone', () => {
    inTimeZone('Europe/Paris', () => {
      assert.strictEqual(historyTimestampMs('2025-03-05T12:00:00'), local(2025, 3, 5, 12));
      assert.strictEqual(historyTimestampMs('2025-03-05 12:00'), local(2025, 3, 5, 12));
      assert.strictEqual(historyTimestampMs('2025-03-05T12:00:01.250000'), local(2025, 3, 5, 12, 0, 1) + 250);
      assert.strictEqual(historyTimestampMs('2025-03-05T12:00:00Z'), Date.UTC(2025, 2, 5, 12));
      assert.strictEqual(historyTimestampMs('2025-03-05T12:00:00+01:00'), Date.UTC(2025, 2, 5, 11));
      assert.ok(Number.isNaN(historyTimestampMs('yesterday')));
    });
  });

  it('takes the script from experiment_id, skipping CodeCarbon UUIDs, else the project name', () => {
    assert.strictEqual(scriptOfRow(row({ experimentId: 'src/train.py' })), 'src/train.py');
    assert.strictEqual(scriptOfRow(row({ experimentId: '5b0fa12a-3dd7-45bb-9766-cc326314d9f1', projectName: 'codecarbon' })), 'codecarbon');
    assert.strictEqual(scriptOfRow(row({ experimentId: '', projectName: 'demo' })), 'demo');
    assert.strictEqual(scriptOfRow(row({ experimentId: ' ', projectName: '' })), '(unknown)');
  });

  it('marks CSV-only rows unknown unless the caller knows their record', () => {
    const r = row({ runId: 'a', experimentId: 'x.py', energyKWh: 0.5, emissionsKg: 0.02, durationS: 33 });
    const p = runPointOfRow(r);
    assert.deepStrictEqual({ ...p, endedAt: 0 }, { runId: 'a', endedAt: 0, script: 'x.py', energyKWh: 0.5, kgCO2e: 0.02, durationS: 33, status: 'unknown' });
    const known: RunDetails = { script: 'y.py', status: 'failed' };
    assert.deepStrictEqual([runPointOfRow(r, known).script, runPointOfRow(r, known).status], ['y.py', 'failed']);
  });

  it('gives a recorded run the same point a re-read of its CSV row gives', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-insights-'));
    try {
      const record = buildRunRecord({
        meter: meter(0.0123),
        projectName: 'demo',
        experimentId: 'train.py',
        command: { argv: ['python', path.join(dir, 'train.py')], cwd: dir, file: path.join(dir, 'train.py') },
        startedAt: new Date('2025-03-05T10:00:00.456Z'),
        exitCode: 0,
        carbon: { region: 'FR' },
      });
      appendRun(path.join(dir, '.greenlens'), record);
      const [reread] = readHistory(path.join(dir, '.greenlens')).runs;
      assert.deepStrictEqual(runPointOfRow(reread, runDetailsOf(record, dir)), runPointOfRecord(record, dir));
      assert.strictEqual(runPointOfRecord(record, dir).endedAt % 1000, 0, 'cut to the second like the CSV');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a record\'s script relative to the folder, with forward slashes, or its command', () => {
    const base = buildRunRecord({ meter: meter(0.001), projectName: 'p', command: { argv: ['python', 'a.py'], cwd: '/w/proj/sub', file: 'a.py' }, startedAt: new Date(0), exitCode: 0, carbon: { region: 'FR' } });
    assert.strictEqual(scriptOfRecord(base, '/w/proj'), 'sub/a.py');
    const absolute: RunRecord = { ...base, command: { ...base.command, file: '/w/proj/models/b.py' } };
    assert.strictEqual(scriptOfRecord(absolute, '/w/proj'), 'models/b.py');
    const outside: RunRecord = { ...base, command: { ...base.command, file: '/elsewhere/c.py' } };
    assert.strictEqual(scriptOfRecord(outside, '/w/proj'), '/elsewhere/c.py');
    const noFile: RunRecord = { ...base, command: { argv: ['node', '-e', '1'], cwd: '/w/proj' } };
    assert.strictEqual(scriptOfRecord(noFile, '/w/proj'), 'node -e 1');
  });
});

describe('insights/aggregate: weeks', () => {
  it('splits this week and last week at Monday 00:00 local time', () => {
    inTimeZone('Europe/Paris', () => {
      const now = local(2025, 3, 5, 12); // Wednesday
      assert.strictEqual(isoWeekStart(now), local(2025, 3, 3));
      const points = [
        point({ runId: 'mon', endedAt: local(2025, 3, 3, 0, 0, 0), kgCO2e: 1, energyKWh: 10 }),
        point({ runId: 'sun', endedAt: local(2025, 3, 2, 23, 59, 59), kgCO2e: 2, energyKWh: 20 }),
        point({ runId: 'prevMon', endedAt: local(2025, 2, 24, 0, 0, 0), kgCO2e: 4, energyKWh: 40 }),
        point({ runId: 'old', endedAt: local(2025, 2, 23, 23, 59, 59), kgCO2e: 8, energyKWh: 80 }),
      ];
      const t = totalsOf(points, now);
      assert.deepStrictEqual(t, { energyKWh: 150, kgCO2e: 15, runs: 4, thisWeekKg: 1, lastWeekKg: 6, thisWeekKWh: 10, lastWeekKWh: 60 });
    });
  });

  it('starts the week on Monday across a year boundary and on a Sunday "now"', () => {
    inTimeZone('America/New_York', () => {
      assert.strictEqual(isoWeekStart(local(2025, 1, 2, 9)), local(2024, 12, 30));
      assert.strictEqual(isoWeekStart(local(2025, 3, 9, 23, 30)), local(2025, 3, 3), 'Sunday belongs to the week that began the Monday before');
    });
  });

  it('keeps midnight boundaries through daylight-saving changes (a 167-hour week)', () => {
    inTimeZone('Europe/Paris', () => {
      const now = local(2024, 3, 31, 22); // Sunday of the spring-forward week
      const { thisWeek, lastWeek } = weekWindows(now);
      assert.strictEqual(thisWeek[0], local(2024, 3, 25));
      assert.strictEqual(thisWeek[1], local(2024, 4, 1));
      assert.strictEqual((thisWeek[1] - thisWeek[0]) / 3.6e6, 167);
      assert.strictEqual(lastWeek[0], local(2024, 3, 18));
      const points = [point({ endedAt: local(2024, 3, 31, 23, 30), kgCO2e: 1 }), point({ endedAt: local(2024, 4, 1, 0, 10), kgCO2e: 5 })];
      assert.strictEqual(totalsOf(points, now).thisWeekKg, 1);
      const autumn = weekWindows(local(2024, 10, 27, 12));
      assert.strictEqual((autumn.thisWeek[1] - autumn.thisWeek[0]) / 3.6e6, 169);
    });
  });

  it('counts runs with an unreadable time in the totals only, and says so', () => {
    const history = { runs: [row({ runId: 'a', timestamp: '2025-03-05T12:00:00' }), row({ runId: 'b', timestamp: 'garbage' })], warnings: ['emissions.csv: line 9 is torn; skipped'] };
    const s = buildFolderSummary({ name: 'demo', path: '/w/demo', history, now: new Date(2025, 2, 6) });
    assert.strictEqual(s.totals.runs, 2);
    assert.strictEqual(s.totals.thisWeekKWh, 0.1);
    assert.strictEqual(s.warnings[0], 'emissions.csv: line 9 is torn; skipped');
    assert.match(s.warnings[1], /1 history row\(s\) have a timestamp that could not be read/);
  });
});

describe('insights/aggregate: statuses from the records', () => {
  // a.py: 5 Wh completed, then a crash after 1 Wh, then 3 Wh completed; b.py: one run with no record.
  const history = {
    runs: [
      row({ runId: 'a1', experimentId: 'a.py', timestamp: '2025-03-05T10:00:00', energyKWh: 0.005 }),
      row({ runId: 'a2', experimentId: 'a.py', timestamp: '2025-03-05T11:00:00', energyKWh: 0.001 }),
      row({ runId: 'a3', experimentId: 'a.py', timestamp: '2025-03-05T12:00:00', energyKWh: 0.003 }),
      row({ runId: 'b1', experimentId: 'b.py', timestamp: '2025-03-05T13:00:00', energyKWh: 0.0005 }),
    ],
    warnings: [],
  };
  const records: Record<string, RunStatus> = { a1: 'completed', a2: 'failed', a3: 'completed' };

  it('never keeps a failed run as the best or the baseline once its record says so, and reads only the runs it needs', () => {
    const read: string[] = [];
    const details = new Map();
    const s = buildFolderSummaryWithStatuses({ name: 'd', path: '/d', history, details, now: new Date(2025, 2, 6) }, (id) => {
      read.push(id);
      return records[id];
    });
    const a = s.scripts.find((x) => x.script === 'a.py')!;
    assert.strictEqual(a.best?.runId, 'a3', 'the crashed 1 Wh run gave way to the cheapest completed one');
    assert.strictEqual(a.best?.status, 'completed');
    assert.strictEqual(a.last.status, 'completed');
    // a3 (3 Wh) is compared with a1 (5 Wh), the last completed run before it, not with the crash.
    assert.deepStrictEqual([a.comparison.baseline?.runId, a.comparison.badge], ['a1', '↓ 40%']);
    const b = s.scripts.find((x) => x.script === 'b.py')!;
    assert.strictEqual(b.best?.status, 'unknown', 'a run without a record stays unknown, and may stand as best');
    assert.deepStrictEqual([...read].sort(), ['a1', 'a2', 'a3', 'b1'], 'the last runs, and the runs back to a completed one');
    assert.strictEqual(read.length, 4, 'each record read once');
    assert.strictEqual(details.get('a2').status, 'failed', 'what was read is kept for the next refresh');
    // The summary equals a plain one built with the statuses known up front.
    const known = new Map(Object.entries(records).map(([id, status]) => [id, { status }]));
    assert.deepStrictEqual(s.scripts, buildFolderSummary({ name: 'd', path: '/d', history, details: known, now: new Date(2025, 2, 6) }).scripts);
  });

  it('stops reading records for the best run at the limit', () => {
    // 30 runs of x.py, each older one cheaper; the last but one completed, every other one failed.
    const runs = Array.from({ length: 30 }, (_, i) => row({ runId: `x${i}`, experimentId: 'x.py', timestamp: `2025-03-05T10:${String(i).padStart(2, '0')}:00`, energyKWh: 0.001 * (i + 1) }));
    const read: string[] = [];
    const s = buildFolderSummaryWithStatuses({ name: 'd', path: '/d', history: { runs, warnings: [] } }, (id) => (read.push(id), id === 'x28' ? 'completed' : 'failed'), 2);
    // The last run and its baseline, then two candidates for the best (x0, x1), then no more: x2 may stand as best.
    assert.deepStrictEqual(read, ['x29', 'x28', 'x0', 'x1']);
    assert.deepStrictEqual([s.scripts[0].best?.runId, s.scripts[0].best?.status], ['x2', 'unknown']);
    assert.strictEqual(s.scripts[0].comparison.baseline?.runId, 'x28');
  });

  it('reads the work of each run from its record, so per-epoch comparisons match the report', () => {
    const facts = { a1: { status: 'completed' as const, work: { epoch: { count: 40, source: 'the output, epoch 40 of 40' } } }, a3: { status: 'completed' as const, work: { epoch: { count: 3, source: '--epochs 3' } } } };
    const s = buildFolderSummaryWithStatuses({ name: 'd', path: '/d', history, now: new Date(2025, 2, 6) }, (id) => (id === 'a2' ? 'failed' : facts[id as keyof typeof facts]));
    const a = s.scripts.find((x) => x.script === 'a.py')!;
    assert.strictEqual(a.comparison.basis, 'epoch');
    // 3 Wh / 3 epochs against 5 Wh / 40 epochs: 1 Wh against 0.125 Wh per epoch, +700%.
    assert.strictEqual(a.comparison.text, 'vs the last completed run of a.py: ↑ 700% energy per epoch (this run 3 epochs, that run 40)');
    assert.deepStrictEqual(a.last.work, facts.a3.work, 'the work travels with the point, for the incremental updates');
  });
});

describe('insights/aggregate: scripts', () => {
  const t0 = Date.UTC(2025, 0, 1);

  it('summarises each script: runs, last, best and the last run against the last completed one', () => {
    const points = [
      point({ runId: 'a1', script: 'a.py', endedAt: t0 + 1, energyKWh: 1.0 }),
      point({ runId: 'b1', script: 'b.py', endedAt: t0 + 2, energyKWh: 2.0 }),
      point({ runId: 'a2', script: 'a.py', endedAt: t0 + 3, energyKWh: 0.6 }),
      point({ runId: 'a3', script: 'a.py', endedAt: t0 + 4, energyKWh: 0.72 }),
    ];
    const [a, b] = scriptSummariesOf(points);
    assert.strictEqual(a.script, 'a.py', 'most recently run first');
    assert.strictEqual(a.runs, 3);
    assert.strictEqual(a.last.runId, 'a3');
    assert.strictEqual(a.best?.runId, 'a2');
    // 0.72 against a2's 0.6 (not the mean of the earlier runs): +20%.
    assert.deepStrictEqual([a.comparison.direction, a.comparison.baseline?.runId, a.comparison.badge], ['up', 'a2', '↑ 20%']);
    assert.ok(Math.abs(a.comparison.ratio! - 0.2) < 1e-12);
    assert.deepStrictEqual([b.script, b.runs, b.comparison.outcome, b.comparison.badge, b.comparison.ratio], ['b.py', 1, 'first', 'new', undefined]);
  });

  it('calls a change within ±5% flat, and a rise up', () => {
    const flat = scriptSummariesOf([point({ runId: '1', energyKWh: 1 }), point({ runId: '2', energyKWh: 1.04, endedAt: 1 })])[0];
    assert.deepStrictEqual([flat.comparison.direction, flat.comparison.tone], ['flat', 'neutral']);
    const up = scriptSummariesOf([point({ runId: '1', energyKWh: 1 }), point({ runId: '2', energyKWh: 1.3, endedAt: 1 })])[0];
    assert.deepStrictEqual([up.comparison.direction, up.comparison.tone], ['up', 'bad']);
    assert.ok(Math.abs(up.comparison.ratio! - 0.3) < 1e-12);
    const fromZero = scriptSummariesOf([point({ runId: '1', energyKWh: 0 }), point({ runId: '2', energyKWh: 1, endedAt: 1 })])[0];
    assert.deepStrictEqual([fromZero.comparison.outcome, fromZero.comparison.ratio], ['not-comparable', undefined]);
    assert.match(fromZero.comparison.reason!, /no metered energy/);
  });

  it('never picks a failed, cancelled or killed run as best, however cheap', () => {
    const statuses: RunStatus[] = ['failed', 'cancelled', 'killed'];
    const points = [point({ runId: 'ok', energyKWh: 5 }), ...statuses.map((status, i) => point({ runId: status, status, energyKWh: 0.1, endedAt: i + 1 }))];
    assert.strictEqual(scriptSummariesOf(points)[0].best?.runId, 'ok');
    const unknown = [point({ runId: 'csv', status: 'unknown', energyKWh: 3 }), point({ runId: 'ok', energyKWh: 4, endedAt: 1 })];
    assert.strictEqual(scriptSummariesOf(unknown)[0].best?.runId, 'csv', 'rows without a known status may be best');
    const allFailed = [point({ runId: 'f1', status: 'failed', energyKWh: 1 }), point({ runId: 'f2', status: 'failed', energyKWh: 2, endedAt: 1 })];
    assert.strictEqual(scriptSummariesOf(allFailed)[0].best, undefined, 'with no completed run there is no best');
  });

  it('counts findings per family, every family present', () => {
    assert.deepStrictEqual(countFindingsByFamily(['GL101', 'GL201', 'GL201', 'gl304', 'XX1']), { GL1: 1, GL2: 2, GL3: 1, GL4: 0, GL5: 0, GL6: 0 });
    const s = buildFolderSummary({ name: 'd', path: '/d', history: { runs: [], warnings: [] }, findingsByFamily: { GL3: 4 } });
    assert.deepStrictEqual(s.findingsByFamily, { GL1: 0, GL2: 0, GL3: 4, GL4: 0, GL5: 0, GL6: 0 });
    assert.deepStrictEqual([s.runs, s.scripts, s.suggestions, s.totals.runs], [[], [], [], 0]);
  });
});

describe('insights/aggregate: appendRunPoint', () => {
  /** Records with varied scripts, energies and statuses, ending 40 minutes apart. */
  function records(dir: string, n: number): RunRecord[] {
    const out: RunRecord[] = [];
    const statuses: RunStatus[] = ['completed', 'completed', 'failed', 'completed', 'cancelled'];
    for (let i = 0; i < n; i++) {
      const script = `s${i % 3}.py`;
      out.push(
        buildRunRecord({
          meter: meter(0.001 * (1 + ((i * 7) % 5)) + 0.0001 * i, 100 + i),
          projectName: 'demo',
          experimentId: script,
          command: { argv: ['python', script], cwd: dir, file: script },
          startedAt: new Date(Date.UTC(2025, 2, 1) + i * 40 * 60_000 * 7),
          exitCode: 0,
          status: statuses[i % statuses.length],
          carbon: { region: 'DE', pue: 1.2 },
          runId: `run-${String(i).padStart(3, '0')}`,
        }),
      );
    }
    return out;
  }

  it('gives the same summary as a full recompute, run by run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-insights-'));
    try {
      const history = path.join(dir, '.greenlens');
      const all = records(dir, 30);
      const details = new Map(all.map((r) => [r.runId, runDetailsOf(r, dir)]));
      const now = Date.UTC(2025, 2, 5, 12);
      for (const r of all.slice(0, 12)) appendRun(history, r);
      const incremental = buildFolderSummary({ name: 'demo', path: dir, history: readHistory(history), details, now });
      for (const r of all.slice(12)) {
        appendRun(history, r);
        const sent = appendRunPoint(incremental, runPointOfRecord(r, dir), now);
        assert.deepStrictEqual(sent.totals, incremental.totals);
        assert.deepStrictEqual(sent.script, incremental.scripts.find((s) => s.script === sent.run.script));
      }
      const full = buildFolderSummary({ name: 'demo', path: dir, history: readHistory(history), details, now });
      assert.deepStrictEqual(incremental, full);
      assert.ok(full.totals.thisWeekKWh > 0 && full.totals.lastWeekKWh > 0, 'the fixture spans both weeks');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('moves the weekly split when a new week has begun since the summary was built', () => {
    inTimeZone('Europe/Paris', () => {
      const summary: FolderSummary = buildFolderSummary({ name: 'd', path: '/d', history: { runs: [row({ runId: 'a', timestamp: '2025-03-05T12:00:00', energyKWh: 1, emissionsKg: 0.5 })], warnings: [] }, now: local(2025, 3, 6) });
      assert.strictEqual(summary.totals.thisWeekKWh, 1);
      const next = point({ runId: 'b', endedAt: local(2025, 3, 10, 9), energyKWh: 2, kgCO2e: 1 });
      const sent = appendRunPoint(summary, next, local(2025, 3, 10, 9, 5));
      assert.deepStrictEqual([sent.totals.thisWeekKWh, sent.totals.lastWeekKWh, sent.totals.runs, sent.totals.energyKWh], [2, 1, 2, 3]);
      assert.deepStrictEqual([sent.script.runs, sent.script.last.runId], [1, 'b']);
      const again = appendRunPoint(summary, next, local(2025, 3, 10, 9, 5));
      assert.deepStrictEqual(again, sent, 'a run announced twice counts once');
      assert.strictEqual(summary.runs.length, 2);
    });
  });
});
