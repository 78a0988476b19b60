/**
 * The run history: CodeCarbon's columns exactly, rows that survive crashes,
 * concurrent writers and foreign files, and a reader that loses nothing but
 * the bad line.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { csvField, csvRow, parseCsvRecord } from '../../src/core/history/csv';
import { EMISSIONS_COLUMNS, EMISSIONS_HEADER, emissionsRow, gpuModelText, parseEmissions } from '../../src/core/history/emissionsCsv';
import { gitCommitOf } from '../../src/core/history/gitCommit';
import { buildRunRecord, runStatusOf, type MeterSummary, type RunInput, type RunRecord } from '../../src/core/history/runRecord';
import { appendRun, FALLBACK_EMISSIONS_FILE, historyDir, readHistory, readRun } from '../../src/core/history/runStore';

/** CodeCarbon's columns as PROVENANCE.md lists them. */
const CODECARBON_COLUMNS =
  'timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,cpu_utilization_percent,gpu_utilization_percent,ram_utilization_percent,ram_used_gb,on_cloud,pue,wue';

/** An older CodeCarbon header (2.3): no water, utilisation or wue columns. */
const OLD_CODECARBON_HEADER =
  'timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,on_cloud,pue';

const meter: MeterSummary = {
  durationS: 120,
  components: [
    { component: 'cpu', energyKWh: 0.002, powerW: 60, provenance: 'measured', source: 'RAPL package-0', machineEnergyKWh: 0.003 },
    { component: 'gpu', energyKWh: 0.01, powerW: 300, provenance: 'measured', source: 'nvidia-smi power.draw', machineEnergyKWh: 0.01 },
    { component: 'ram', energyKWh: 0.0005, powerW: 15, provenance: 'estimated', source: 'RAM model 5 W per DIMM', machineEnergyKWh: 0.0005 },
  ],
  timeline: [
    { tS: 0, cpuW: 40, gpuW: 80, ramW: 15 },
    { tS: 60, cpuW: 65, gpuW: 310, ramW: 15 },
  ],
  warnings: ['GPU power read every 1 s'],
  trackingMode: 'process',
  cpuModel: 'AMD EPYC 7763 64-Core Processor, "rev B"',
  gpuModels: ['NVIDIA A100-SXM4-40GB', 'NVIDIA A100-SXM4-40GB'],
  cpuCount: 16,
  ramTotalGb: 64,
  utilisation: { cpuPercent: 35, gpuPercent: 88, ramPercent: 20, ramUsedGb: 12.8 },
};

function input(overrides: Partial<RunInput> = {}): RunInput {
  return {
    meter,
    projectName: 'cifar, "demo"',
    command: { argv: ['python', 'train.py', '--epochs', '3'], cwd: '/work/demo', file: 'train.py' },
    startedAt: new Date('2025-03-01T10:00:00Z'),
    exitCode: 0,
    carbon: { region: 'FR', pue: 1.1 },
    git: { commit: 'a'.repeat(40), branch: 'main' },
    os: 'Linux-6.8.0-x86_64',
    ...overrides,
  };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-history-'));
}

function csvLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

describe('history: CSV', () => {
  it('quotes per RFC 4180 and reads back what it wrote', () => {
    assert.strictEqual(csvField('plain'), 'plain');
    assert.strictEqual(csvField('a,b'), '"a,b"');
    assert.strictEqual(csvField('say "hi"'), '"say ""hi"""');
    const values = ['x', 'a,b', 'say "hi"', '', 'line\nbreak'];
    const row = csvRow(values);
    assert.ok(!row.includes('\n'), 'a row never spans lines');
    assert.deepStrictEqual(parseCsvRecord(row), ['x', 'a,b', 'say "hi"', '', 'line break']);
    assert.strictEqual(parseCsvRecord('"open,quote'), undefined);
    assert.strictEqual(parseCsvRecord('"a"b,c'), undefined);
    assert.strictEqual(parseCsvRecord('a"b,c'), undefined);
  });

  it("has CodeCarbon's columns exactly and in order", () => {
    assert.strictEqual(EMISSIONS_HEADER, CODECARBON_COLUMNS);
    assert.strictEqual(EMISSIONS_COLUMNS.length, 38);
  });

  it('writes a run in CodeCarbon units (s, kg, kg/s, W, kWh)', () => {
    const record = buildRunRecord(input());
    const fields = parseCsvRecord(emissionsRow(record))!;
    const row = Object.fromEntries(EMISSIONS_COLUMNS.map((c, i) => [c, fields[i]]));
    assert.strictEqual(fields.length, 38);
    assert.strictEqual(row.run_id, record.runId);
    assert.strictEqual(row.project_name, 'cifar, "demo"');
    assert.strictEqual(Number(row.duration), 120);
    assert.strictEqual(Number(row.energy_consumed), 0.0125);
    const kg = (0.0125 * 1.1 * record.carbon.gPerKWh) / 1000;
    assert.ok(Math.abs(Number(row.emissions) - kg) < 1e-15);
    assert.ok(Math.abs(Number(row.emissions_rate) - kg / 120) < 1e-18);
    assert.deepStrictEqual([row.cpu_power, row.gpu_power, row.ram_power], ['60', '300', '15']);
    assert.deepStrictEqual([row.cpu_energy, row.gpu_energy, row.ram_energy], ['0.002', '0.01', '0.0005']);
    assert.deepStrictEqual([row.country_name, row.country_iso_code, row.cloud_provider, row.on_cloud], ['France', 'FRA', '', 'N']);
    assert.deepStrictEqual([row.gpu_count, row.gpu_model, row.cpu_model], ['2', '2 x NVIDIA A100-SXM4-40GB', 'AMD EPYC 7763 64-Core Processor, "rev B"']);
    assert.deepStrictEqual([row.tracking_mode, row.pue, row.wue, row.water_consumed], ['process', '1.1', '0', '0']);
    assert.match(row.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('fills the cloud columns for a cloud region', () => {
    const record = buildRunRecord(input({ carbon: { region: 'gcp:europe-west1' } }));
    const fields = parseCsvRecord(emissionsRow(record))!;
    const row = Object.fromEntries(EMISSIONS_COLUMNS.map((c, i) => [c, fields[i]]));
    assert.deepStrictEqual([row.cloud_provider, row.cloud_region, row.country_iso_code, row.on_cloud], ['gcp', 'europe-west1', 'BEL', 'Y']);
    assert.strictEqual(gpuModelText(['A', 'B', 'A']), '2 x A, 1 x B');
  });
});

describe('history: RunRecord', () => {
  it('keeps per-component energy with provenance, process and machine energy, and the carbon inputs', () => {
    const r = buildRunRecord(input({ progress: { epoch: 3, totalEpochs: 3, completedFraction: 1 } }));
    assert.strictEqual(r.schema, 1);
    assert.match(r.runId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(r.energy.totalKWh, 0.0125);
    assert.strictEqual(r.energy.processKWh, 0.0125);
    assert.ok(Math.abs(r.energy.machineKWh! - 0.0135) < 1e-12);
    assert.deepStrictEqual(
      r.energy.components.map((c) => [c.component, c.provenance, c.source]),
      [
        ['cpu', 'measured', 'RAPL package-0'],
        ['gpu', 'measured', 'nvidia-smi power.draw'],
        ['ram', 'estimated', 'RAM model 5 W per DIMM'],
      ],
    );
    assert.deepStrictEqual([r.carbon.pue, r.carbon.region.code, r.carbon.region.isDefault], [1.1, 'FR', false]);
    assert.strictEqual(r.endedAt, '2025-03-01T10:02:00.000Z');
    assert.deepStrictEqual(r.git, { commit: 'a'.repeat(40), branch: 'main' });
    assert.strictEqual(r.status, 'completed');
    assert.deepStrictEqual(r.hardware.gpuModels.length, 2);
  });

  it('derives the status: completed, failed, cancelled by the user, killed by a signal', () => {
    assert.strictEqual(runStatusOf(0), 'completed');
    assert.strictEqual(runStatusOf(1), 'failed');
    assert.strictEqual(runStatusOf(null, 'SIGTERM', true), 'cancelled');
    assert.strictEqual(runStatusOf(null, 'SIGKILL'), 'killed');
    assert.strictEqual(buildRunRecord(input({ exitCode: 2 })).status, 'failed');
  });

  it('counts machine energy as the total in machine tracking mode', () => {
    const r = buildRunRecord(input({ meter: { ...meter, trackingMode: 'machine' } }));
    assert.strictEqual(r.energy.processKWh, undefined);
    assert.strictEqual(r.energy.machineKWh, r.energy.totalKWh);
  });
});

describe('history: RunStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends runs and reads them back, with the full record in runs/<id>.json', () => {
    const store = historyDir(dir);
    assert.strictEqual(store, path.join(dir, '.greenlens'));
    const a = buildRunRecord(input());
    const b = buildRunRecord(input({ startedAt: new Date('2025-03-01T11:00:00Z'), exitCode: 1 }));
    const res = appendRun(store, a);
    appendRun(store, b);
    assert.deepStrictEqual(res.warnings, []);
    assert.strictEqual(csvLines(path.join(store, 'emissions.csv'))[0], CODECARBON_COLUMNS);
    const history = readHistory(store);
    assert.deepStrictEqual(history.warnings, []);
    assert.deepStrictEqual(
      history.runs.map((r) => r.runId),
      [a.runId, b.runId],
    );
    assert.strictEqual(history.runs[0].energyKWh, 0.0125);
    assert.strictEqual(history.runs[0].line, 2);
    assert.deepStrictEqual(readRun(store, b.runId), b);
    assert.strictEqual(readRun(store, 'no-such-run'), undefined);
    assert.deepStrictEqual(
      fs.readdirSync(path.join(store, 'runs')).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary files are left behind',
    );
  });

  it('refuses run ids that could leave the runs folder, and names a corrupt record', () => {
    assert.throws(() => readRun(dir, '../secret'), /invalid run id/);
    assert.throws(() => appendRun(dir, { ...buildRunRecord(input()), runId: 'a/b' }), /invalid run id/);
    fs.mkdirSync(path.join(dir, 'runs'));
    fs.writeFileSync(path.join(dir, 'runs', 'broken.json'), '{"schema": 1, "runId": "bro');
    assert.throws(() => readRun(dir, 'broken'), /broken\.json is not valid JSON/);
  });

  it('skips a torn last line, starts the next row on a new line, and names the line', () => {
    const first = buildRunRecord(input());
    appendRun(dir, first);
    const file = path.join(dir, 'emissions.csv');
    const whole = emissionsRow(buildRunRecord(input()));
    fs.appendFileSync(file, whole.slice(0, 80)); // a crash in the middle of a row
    const next = buildRunRecord(input());
    appendRun(dir, next);
    const { runs, warnings } = readHistory(dir);
    assert.deepStrictEqual(
      runs.map((r) => r.runId),
      [first.runId, next.runId],
    );
    assert.strictEqual(warnings.length, 1);
    assert.match(warnings[0], /emissions\.csv: line 3 .*; skipped/);
  });

  it('skips corrupt and foreign lines, keeping every other row', () => {
    const runs = [buildRunRecord(input()), buildRunRecord(input()), buildRunRecord(input())];
    const file = path.join(dir, 'emissions.csv');
    const lines = [
      EMISSIONS_HEADER,
      emissionsRow(runs[0]),
      'garbage that is not csv "at all',
      emissionsRow(runs[1]),
      'a,b,c',
      '',
      emissionsRow(runs[2]).replace(/^[^,]+/, 'not-a-time'),
      emissionsRow(runs[2]),
    ];
    fs.writeFileSync(file, lines.join('\r\n') + '\r\n');
    const history = readHistory(dir);
    assert.deepStrictEqual(
      history.runs.map((r) => r.runId),
      runs.map((r) => r.runId),
    );
    assert.strictEqual(history.warnings.length, 3);
    assert.match(history.warnings[0], /line 3 is not well-formed CSV/);
    assert.match(history.warnings[1], /line 5 has 3 fields where the header has 38/);
    assert.match(history.warnings[2], /line 7 has no valid timestamp/);
  });

  it('accepts a quoted field that spans lines, as other CSV writers produce', () => {
    const record = buildRunRecord(input());
    const fields = parseCsvRecord(emissionsRow(record))!;
    fields[1] = 'two\nline project';
    const text = EMISSIONS_HEADER + '\n' + fields.map((f) => (f.includes('\n') ? `"${f}"` : csvField(f))).join(',') + '\n';
    const parsed = parseEmissions(text, 'emissions.csv');
    assert.deepStrictEqual(parsed.warnings, []);
    assert.strictEqual(parsed.runs[0].projectName, 'two\nline project');
  });

  it("leaves a CodeCarbon file with another header untouched, writes beside it, and reads both", () => {
    const file = path.join(dir, 'emissions.csv');
    const oldRow = '2024-01-05T09:12:44,codecarbon,5b0fa12a-0000-4000-8000-000000000001,33.1,0.0012,3.6e-05,42.5,0,5.9,0.00039,0,5.4e-05,0.00045,France,FRA,,,,Linux-5.15,3.11.4,2.3.4,8,Intel(R) Core(TM) i7-10510U,0,,2.35,48.85,15.5,machine,N,1.0';
    const original = `${OLD_CODECARBON_HEADER}\n${oldRow}\n`;
    fs.writeFileSync(file, original);
    const record = buildRunRecord(input());
    const res = appendRun(dir, record);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), original, 'the CodeCarbon file is unchanged');
    assert.strictEqual(res.csvFile, path.join(dir, FALLBACK_EMISSIONS_FILE));
    assert.match(res.warnings[0], /another header .* left it untouched and wrote this run to emissions\.greenlens\.csv/);
    const history = readHistory(dir);
    assert.deepStrictEqual(history.warnings, []);
    assert.deepStrictEqual(
      history.runs.map((r) => [r.runId, r.energyKWh]),
      [
        ['5b0fa12a-0000-4000-8000-000000000001', 0.00045],
        [record.runId, 0.0125],
      ],
    );
    assert.strictEqual(history.runs[0].trackingMode, 'machine');
  });

  it('does not read or write a file that is not an emissions file', () => {
    const file = path.join(dir, 'emissions.csv');
    fs.writeFileSync(file, 'name,score\nalice,3\n');
    appendRun(dir, buildRunRecord(input()));
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'name,score\nalice,3\n');
    const history = readHistory(dir);
    assert.strictEqual(history.runs.length, 1);
    assert.match(history.warnings[0], /line 1 is not an emissions\.csv header/);
    fs.writeFileSync(path.join(dir, FALLBACK_EMISSIONS_FILE), 'also,foreign\n');
    assert.throws(() => appendRun(dir, buildRunRecord(input())), /both .* have headers GreenLens did not write/);
  });

  it('never interleaves rows when two processes append at once', async function () {
    this.timeout(60000);
    const store = path.join(dir, '.greenlens');
    const perProcess = 250;
    const script = `
      const { appendRun } = require(${JSON.stringify(require.resolve('../../src/core/history/runStore'))});
      const { buildRunRecord } = require(${JSON.stringify(require.resolve('../../src/core/history/runRecord'))});
      const meter = JSON.parse(process.argv[1]);
      // A long command line makes each row several kilobytes, more than one pipe buffer.
      const argv = ['python', 'train.py', '--note', process.argv[2].repeat(3000)];
      for (let i = 0; i < ${perProcess}; i++) {
        appendRun(${JSON.stringify(store)}, buildRunRecord({ meter, projectName: 'p' + process.argv[2] + ',' + i, command: { argv, cwd: '/' },
          startedAt: new Date(), exitCode: 0, carbon: { region: 'FR' }, os: 'x'.repeat(3000) }));
      }`;
    const child = (tag: string) =>
      new Promise<void>((resolve, reject) => {
        const p = spawn(process.execPath, ['-e', script, JSON.stringify(meter), tag], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => (err += d));
        p.on('error', reject);
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child ${tag} exited ${code}: ${err}`))));
      });
    await Promise.all([child('A'), child('B')]);
    const lines = csvLines(path.join(store, 'emissions.csv'));
    assert.strictEqual(lines[0], EMISSIONS_HEADER);
    assert.strictEqual(lines.length, 1 + 2 * perProcess);
    for (const [i, line] of lines.slice(1).entries()) {
      const fields = parseCsvRecord(line);
      assert.ok(fields && fields.length === 38, `line ${i + 2} does not parse into 38 fields`);
    }
    const history = readHistory(store);
    assert.deepStrictEqual(history.warnings, []);
    assert.strictEqual(new Set(history.runs.map((r) => r.runId)).size, 2 * perProcess);
    assert.strictEqual(fs.readdirSync(path.join(store, 'runs')).length, 2 * perProcess);
  });

  it('reads 10,000 rows without a warning', () => {
    const base = buildRunRecord(input());
    const rows: string[] = [EMISSIONS_HEADER];
    for (let i = 0; i < 10000; i++) {
      const endedAt = new Date(Date.parse('2025-01-01T00:00:00Z') + i * 60000).toISOString();
      rows.push(emissionsRow({ ...base, runId: `run-${i}`, endedAt } as RunRecord));
    }
    fs.writeFileSync(path.join(dir, 'emissions.csv'), rows.join('\n') + '\n');
    const history = readHistory(dir);
    assert.strictEqual(history.runs.length, 10000);
    assert.deepStrictEqual(history.warnings, []);
  });
});

describe('history: git commit', () => {
  let dir: string;
  const sha = '0123456789abcdef0123456789abcdef01234567';
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(rel: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }

  it('reads HEAD and a loose branch ref, from a subfolder', () => {
    write('.git/HEAD', 'ref: refs/heads/feature/x\n');
    write('.git/refs/heads/feature/x', sha + '\n');
    fs.mkdirSync(path.join(dir, 'src'));
    assert.deepStrictEqual(gitCommitOf(path.join(dir, 'src'), { spawnGit: false }), { commit: sha, branch: 'feature/x' });
  });

  it('reads packed refs and a detached HEAD', () => {
    write('.git/HEAD', 'ref: refs/heads/main\n');
    write('.git/packed-refs', `# pack-refs with: peeled fully-peeled sorted\n${sha} refs/heads/main\n^${'f'.repeat(40)}\n`);
    assert.deepStrictEqual(gitCommitOf(dir, { spawnGit: false }), { commit: sha, branch: 'main' });
    write('.git/HEAD', sha + '\n');
    assert.deepStrictEqual(gitCommitOf(dir, { spawnGit: false }), { commit: sha });
  });

  it('follows a worktree: .git file, gitdir and commondir', () => {
    write('main/.git/refs/heads/wt', sha + '\n');
    write('main/.git/worktrees/wt/HEAD', 'ref: refs/heads/wt\n');
    write('main/.git/worktrees/wt/commondir', '../..\n');
    write('wt/.git', `gitdir: ${path.join(dir, 'main/.git/worktrees/wt')}\n`);
    assert.deepStrictEqual(gitCommitOf(path.join(dir, 'wt'), { spawnGit: false }), { commit: sha, branch: 'wt' });
  });

  it('gives undefined for a branch without commits', () => {
    write('.git/HEAD', 'ref: refs/heads/main\n');
    assert.strictEqual(gitCommitOf(dir, { spawnGit: false }), undefined);
  });
});
