/**
 * The history against hostile or damaged input: run records with missing or
 * mistyped fields are refused with the file and field named (and records of
 * older versions still read), CSV text cells cannot become spreadsheet
 * formulas yet read back exactly, and the sidebar opens only regular files
 * inside the workspace folder.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileInFolder } from '../../src/core/files/fileInFolder';
import { csvCell, csvRow, neutraliseFormulaText, parseCsvRecord, restoreFormulaText } from '../../src/core/history/csv';
import { EMISSIONS_COLUMNS, EMISSIONS_HEADER, emissionsRow } from '../../src/core/history/emissionsCsv';
import { buildRunRecord, type MeterSummary, type RunInput, type RunRecord } from '../../src/core/history/runRecord';
import { isRunRecord, runRecordProblem } from '../../src/core/history/runRecordCheck';
import { appendRun, readHistory, readRun } from '../../src/core/history/runStore';
import { buildRunReport, carbonStatementMarkdown, runCsv } from '../../src/core/insights/report';
import { tempDir } from './energyFakes';

const meter: MeterSummary = {
  durationS: 60,
  components: [
    { component: 'cpu', energyKWh: 0.001, powerW: 60, provenance: 'measured', source: 'RAPL package-0', machineEnergyKWh: 0.002 },
    { component: 'ram', energyKWh: 0.0001, powerW: 6, provenance: 'estimated', source: 'RAM model' },
  ],
  timeline: [
    { tS: 0, cpuW: 50, ramW: 6 },
    { tS: 30, cpuW: 70, ramW: 6 },
  ],
  warnings: [],
  trackingMode: 'process',
  cpuModel: 'Intel(R) Xeon(R)',
  gpuModels: [],
  cpuCount: 8,
  ramTotalGb: 32,
  utilisation: { cpuPercent: 40 },
};

function input(overrides: Partial<RunInput> = {}): RunInput {
  return {
    meter,
    projectName: 'demo',
    command: { argv: ['python3', 'train.py'], cwd: '/work/demo', file: 'train.py' },
    startedAt: new Date('2025-03-01T10:00:00Z'),
    exitCode: 0,
    carbon: { region: 'DE', pue: 1.2 },
    git: { commit: 'b'.repeat(40), branch: 'main' },
    pythonVersion: '3.11.4',
    progress: { epoch: 2, totalEpochs: 2 },
    os: 'Linux-6.8.0-x86_64',
    ...overrides,
  };
}

type Json = { [key: string]: unknown };

/** A deep copy of a record as plain JSON, to damage. */
function jsonOf(record: RunRecord): Json {
  return JSON.parse(JSON.stringify(record)) as Json;
}

/** The object holding a dotted path's last key (`energy.components.1.powerW`), and that key. */
function parentOf(root: Json, dotted: string): [Json, string] {
  const keys = dotted.split('.');
  let obj = root;
  for (const k of keys.slice(0, -1)) obj = obj[k] as Json;
  return [obj, keys[keys.length - 1]];
}

function set(root: Json, dotted: string, value: unknown): void {
  const [obj, key] = parentOf(root, dotted);
  obj[key] = value;
}

function drop(root: Json, ...dotted: string[]): void {
  for (const d of dotted) {
    const [obj, key] = parentOf(root, d);
    delete obj[key];
  }
}

function writeRecord(dir: string, runId: string, value: unknown): void {
  fs.mkdirSync(path.join(dir, 'runs'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'runs', `${runId}.json`), JSON.stringify(value));
}

describe('history robustness: run records', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('history-robust');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a record without energy.totalKWh, naming file and field, and keeps the other runs', () => {
    const good = buildRunRecord(input({ runId: 'good-run' }));
    const bad = buildRunRecord(input({ runId: 'bad-run', startedAt: new Date('2025-03-01T11:00:00Z') }));
    appendRun(dir, good);
    appendRun(dir, bad);
    const damaged = jsonOf(bad);
    drop(damaged, 'energy.totalKWh');
    writeRecord(dir, 'bad-run', damaged);

    assert.throws(
      () => readRun(dir, 'bad-run'),
      (e: Error) => {
        assert.strictEqual(e.message, `${path.join(dir, 'runs', 'bad-run.json')}: field energy.totalKWh is missing; the record was not used`);
        return true;
      },
    );
    assert.deepStrictEqual(readRun(dir, 'good-run'), jsonOf(good));
    const history = readHistory(dir);
    assert.deepStrictEqual(
      history.runs.map((r) => r.runId),
      ['good-run', 'bad-run'],
      'the CSV rows of both runs are still read',
    );
    assert.deepStrictEqual(history.warnings, []);
  });

  it('names the field and what it holds when a field has the wrong type', () => {
    const base = buildRunRecord(input({ runId: 'typed' }));
    const cases: [string, (r: Json) => void, string][] = [
      ['durationS as text', (r) => set(r, 'durationS', '60'), 'field durationS is a string ("60"), not a number'],
      ['null total', (r) => set(r, 'energy.totalKWh', null), 'field energy.totalKWh is null, not a number'],
      ['components not a list', (r) => set(r, 'energy.components', {}), 'field energy.components is an object, not an array'],
      ['second component without power', (r) => drop(r, 'energy.components.1.powerW'), 'field energy.components[1].powerW is missing'],
      ['unknown provenance', (r) => set(r, 'energy.components.0.provenance', 'guessed'), 'field energy.components[0].provenance is a string ("guessed"), not one of "measured", "estimated"'],
      ['unknown status', (r) => set(r, 'status', 'done'), 'field status is a string ("done"), not one of "completed", "failed", "cancelled", "killed"'],
      ['exit code as text', (r) => set(r, 'exitCode', '0'), 'field exitCode is a string ("0"), not a number'],
      ['argv item not text', (r) => set(r, 'command.argv.1', 3), 'field command.argv[1] is a number (3), not a string'],
      ['region without name', (r) => drop(r, 'carbon.region.name'), 'field carbon.region.name is missing'],
      ['hardware gpu models a string', (r) => set(r, 'hardware.gpuModels', 'A100'), 'field hardware.gpuModels is a string ("A100"), not an array'],
      ['timeline point without time', (r) => drop(r, 'timeline.1.tS'), 'field timeline[1].tS is missing'],
      ['optional git present but wrong', (r) => set(r, 'git', { branch: 'main' }), 'field git.commit is missing'],
      ['optional machine energy as text', (r) => set(r, 'energy.machineKWh', 'lots'), 'field energy.machineKWh is a string ("lots"), not a number'],
      ['warnings missing', (r) => drop(r, 'warnings'), 'field warnings is missing'],
      ['leftovers without a count', (r) => set(r, 'leftovers', { stopped: 2 }), 'field leftovers.killed is missing'],
      ['source of an unknown component', (r) => set(r, 'sources', [{ component: 'npu', name: 'x', status: 'used', detail: '' }]), 'field sources[0].component is a string ("npu"), not one of "cpu", "gpu", "ram"'],
    ];
    for (const [name, damage, expected] of cases) {
      const damaged = jsonOf(base);
      damage(damaged);
      assert.strictEqual(runRecordProblem(damaged), expected, name);
      assert.strictEqual(isRunRecord(damaged), false, name);
      writeRecord(dir, 'typed', damaged);
      assert.throws(() => readRun(dir, 'typed'), (e: Error) => e.message === `${path.join(dir, 'runs', 'typed.json')}: ${expected}; the record was not used`, name);
    }
    assert.strictEqual(runRecordProblem(jsonOf(base)), undefined, 'the undamaged record passes');
  });

  it('refuses a file that is not a record object, or whose run id is not its name', () => {
    writeRecord(dir, 'list', [1, 2]);
    assert.throws(() => readRun(dir, 'list'), /list\.json is not a GreenLens run record of schema 1/);
    writeRecord(dir, 'nothing', null);
    assert.throws(() => readRun(dir, 'nothing'), /nothing\.json is not a GreenLens run record of schema 1/);
    assert.match(runRecordProblem('text')!, /holds a string/);
    writeRecord(dir, 'renamed', jsonOf(buildRunRecord(input({ runId: 'original' }))));
    assert.throws(() => readRun(dir, 'renamed'), /renamed\.json: field runId is "original", not the file's name "renamed"/);
  });

  it('reads a record of an older version without the optional fields, and one with fields it does not know', () => {
    const old = jsonOf(buildRunRecord(input({ runId: 'old-run' })));
    drop(old, 'git', 'signal', 'progress', 'pythonVersion', 'energy.processKWh', 'energy.machineKWh', 'command.file');
    drop(old, 'hardware.cpuModel', 'hardware.cpuCount', 'hardware.ramTotalGb', 'energy.components.0.machineEnergyKWh');
    for (const key of ['countryIso3', 'countryName', 'year', 'provider', 'cloudRegion', 'location', 'figureBasis', 'sameGridAs']) drop(old, `carbon.region.${key}`);
    set(old, 'utilisation', {});
    set(old, 'timeline', [{ tS: 0 }]);
    writeRecord(dir, 'old-run', old);
    const record = readRun(dir, 'old-run')!;
    assert.deepStrictEqual(record, old);
    // The readers the views use work on it.
    const report = buildRunReport(record, { folder: '/work/demo', greener: [] });
    assert.strictEqual(report.energyKWh, (old.energy as Json).totalKWh);
    assert.strictEqual(report.git, undefined);
    assert.match(carbonStatementMarkdown(record), /# Carbon statement: python3 train\.py/);
    assert.strictEqual(runCsv(record).split('\n')[0], EMISSIONS_HEADER);

    const newer = { ...jsonOf(buildRunRecord(input({ runId: 'newer-run' }))), leftoverProcesses: 2, meterSources: [{ id: 'amd' }] };
    writeRecord(dir, 'newer-run', newer);
    assert.strictEqual(readRun(dir, 'newer-run')!.runId, 'newer-run');
  });
});

describe('history robustness: CSV formula injection', () => {
  const tricky = [
    '=1+1',
    '+1',
    '-1',
    '@SUM(A1:A2)',
    '\tleading tab',
    '=HYPERLINK("http://example.com/?x","click")',
    "=cmd|' /C calc'!A0",
    "'=already quoted",
    "''+two quotes",
    "'plain quote",
    "'",
    'plain',
    '',
    'a,=b',
    ' =space first',
  ];

  it('neutralises text that would start a formula and restores it exactly', () => {
    for (const text of tricky) {
      const safe = neutraliseFormulaText(text);
      assert.ok(!/^[=+\-@\t\r]/.test(safe), `${JSON.stringify(text)} is written as ${JSON.stringify(safe)}`);
      assert.strictEqual(restoreFormulaText(safe), text, `round trip of ${JSON.stringify(text)}`);
    }
    assert.strictEqual(neutraliseFormulaText('plain'), 'plain');
    assert.strictEqual(neutraliseFormulaText("'plain quote"), "'plain quote", 'a quote before harmless text is left alone');
    assert.strictEqual(neutraliseFormulaText('=1+1'), "'=1+1");
  });

  it('quotes a neutralised cell and keeps numbers plain, negative ones too', () => {
    assert.strictEqual(csvCell('=1+1'), `"'=1+1"`);
    assert.strictEqual(csvCell('-Linux'), `"'-Linux"`);
    assert.strictEqual(csvCell('@x,y'), `"'@x,y"`);
    assert.strictEqual(csvCell('plain'), 'plain');
    assert.strictEqual(csvCell(-1.5), '-1.5');
    assert.strictEqual(csvCell(-2.5e-7), '-2.5e-7');
    assert.strictEqual(csvCell(0), '0');
    const row = csvRow(tricky);
    const fields = parseCsvRecord(row)!;
    assert.strictEqual(fields.length, tricky.length);
    assert.deepStrictEqual(fields.map(restoreFormulaText), tricky.map((t) => t.replace(/[\r\n]+/g, ' ')));
  });

  it('writes a run whose text fields start formulas as inert cells, and reads them back exactly', () => {
    const dir = tempDir('history-formula');
    try {
      const hostile: MeterSummary = {
        ...meter,
        cpuModel: '@SUM(1+1)*cmd|calc',
        // Negative figures are unusual but must stay numbers, not become text.
        components: [{ component: 'ram', energyKWh: 0.00025, powerW: -3, provenance: 'estimated', source: 'RAM model' }],
      };
      const built = buildRunRecord(
        input({ meter: hostile, runId: 'formula-run', projectName: "=cmd|' /C calc'!A0", experimentId: '+41-1', os: '-Linux\t6.8' }),
      );
      // A counter that ran backwards once gave a negative total; it must stay a number, not become text.
      const record: RunRecord = { ...built, energy: { ...built.energy, totalKWh: -0.00025 }, carbon: { ...built.carbon, kgCO2e: -1.2e-7 } };
      appendRun(dir, record);
      const lines = fs.readFileSync(path.join(dir, 'emissions.csv'), 'utf8').split('\n');
      const raw = parseCsvRecord(lines[1])!;
      const cell = Object.fromEntries(EMISSIONS_COLUMNS.map((c, i) => [c, raw[i]]));
      for (const [column, value] of Object.entries(cell)) {
        if (typeof value === 'string' && /^[=+@\t\r]/.test(value)) assert.fail(`column ${column} starts a formula: ${JSON.stringify(value)}`);
      }
      assert.deepStrictEqual(
        [cell.project_name, cell.experiment_id, cell.os, cell.cpu_model],
        ["'=cmd|' /C calc'!A0", "'+41-1", "'-Linux\t6.8", "'@SUM(1+1)*cmd|calc"],
      );
      assert.ok(lines[1].includes(`"'=cmd|' /C calc'!A0"`), 'the neutralised cell is quoted');
      // Numeric columns: plain numbers, a negative one included.
      assert.deepStrictEqual([cell.ram_power, cell.ram_energy, cell.energy_consumed, cell.emissions], ['-3', '0.00025', '-0.00025', '-1.2e-7']);

      const [run] = readHistory(dir).runs;
      assert.strictEqual(run.projectName, "=cmd|' /C calc'!A0");
      assert.strictEqual(run.experimentId, '+41-1');
      assert.strictEqual(run.cpuModel, '@SUM(1+1)*cmd|calc');
      assert.strictEqual(run.ramPowerW, -3);
      assert.strictEqual(run.energyKWh, -0.00025);
      assert.strictEqual(run.emissionsKg, -1.2e-7);
      // The export a user saves from the report is the same row.
      assert.strictEqual(runCsv(record).split('\n')[1], emissionsRow(record));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves CodeCarbon rows with negative numbers and plain text as they are', () => {
    const record = buildRunRecord(input({ runId: 'plain-run' }));
    const row = emissionsRow(record);
    assert.ok(!row.includes("'"), 'no quote is added to a row without formula-like text');
    assert.strictEqual(parseCsvRecord(row)!.length, EMISSIONS_COLUMNS.length);
  });
});

describe('history robustness: files the sidebar may open', () => {
  let base: string;
  let root: string;
  beforeEach(() => {
    base = fs.realpathSync(tempDir('open-location'));
    root = path.join(base, 'project');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'train.py'), 'print(1)\n');
    fs.writeFileSync(path.join(root, '..dots.py'), '');
    fs.writeFileSync(path.join(base, 'secret.txt'), 'secret\n');
    fs.mkdirSync(path.join(base, 'project-evil'));
    fs.writeFileSync(path.join(base, 'project-evil', 'a.py'), '');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('accepts files inside the folder, relative or absolute', () => {
    assert.deepStrictEqual(fileInFolder(root, 'src/train.py'), { ok: true, path: path.join(root, 'src', 'train.py') });
    assert.deepStrictEqual(fileInFolder(root, path.join(root, 'src', 'train.py')), { ok: true, path: path.join(root, 'src', 'train.py') });
    assert.deepStrictEqual(fileInFolder(root, './src/../src/train.py'), { ok: true, path: path.join(root, 'src', 'train.py') });
    assert.deepStrictEqual(fileInFolder(root, '..dots.py'), { ok: true, path: path.join(root, '..dots.py') }, 'a name starting with two dots is inside');
  });

  it('refuses paths that leave the folder', () => {
    for (const file of ['../secret.txt', 'src/../../secret.txt', path.join(base, 'secret.txt'), '../project-evil/a.py', path.join(base, 'project-evil', 'a.py'), '/etc/passwd']) {
      assert.deepStrictEqual(fileInFolder(root, file), { ok: false, reason: 'is outside the workspace folder' }, file);
    }
    assert.strictEqual(fileInFolder(root, '.').ok, false, 'the folder itself is not a file');
    assert.strictEqual(fileInFolder('relative/folder', 'src/train.py').ok, false);
    assert.strictEqual(fileInFolder(root, 'src/train.py\0.txt').ok, false);
  });

  it('refuses symbolic links that lead out of the folder, and follows those that stay inside', () => {
    fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'innocent.py'));
    fs.symlinkSync(base, path.join(root, 'up'));
    fs.symlinkSync(path.join(root, 'src', 'train.py'), path.join(root, 'alias.py'));
    assert.deepStrictEqual(fileInFolder(root, 'innocent.py'), { ok: false, reason: 'is a link to a file outside the workspace folder' });
    assert.deepStrictEqual(fileInFolder(root, 'up/secret.txt'), { ok: false, reason: 'is a link to a file outside the workspace folder' });
    assert.deepStrictEqual(fileInFolder(root, 'alias.py'), { ok: true, path: path.join(root, 'alias.py') });
    // A workspace opened through a link to it: its files are still inside.
    const linkedRoot = path.join(base, 'linked-project');
    fs.symlinkSync(root, linkedRoot);
    assert.deepStrictEqual(fileInFolder(linkedRoot, 'src/train.py'), { ok: true, path: path.join(linkedRoot, 'src', 'train.py') });
    assert.strictEqual(fileInFolder(linkedRoot, 'innocent.py').ok, false);
  });

  it('refuses what is not a regular file: missing, a folder, a FIFO', () => {
    assert.deepStrictEqual(fileInFolder(root, 'src/gone.py'), { ok: false, reason: 'cannot be opened: no such file or directory' });
    assert.deepStrictEqual(fileInFolder(root, 'src'), { ok: false, reason: 'is a folder, not a file' });
    execFileSync('mkfifo', [path.join(root, 'pipe.py')]);
    assert.deepStrictEqual(fileInFolder(root, 'pipe.py'), { ok: false, reason: 'is not a regular file' });
  });
});
