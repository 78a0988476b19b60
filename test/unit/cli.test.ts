/**
 * `greenlens check` run in-process on throw-away projects under the OS temp
 * folder. Assertions look only at GL201 (or at files no rule can flag), so
 * they hold while other rules are being written.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import type { JsonFinding } from '../../src/core/report/jsonReport';
import { projectRoot } from '../support/paths';

/** A training loop with one host sync on line 14, `.item()` at column 18 (1-based). */
const TRAIN = `import torch
import torch.nn as nn

device = torch.device("cuda")
model = nn.Linear(10, 1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loader = [(torch.randn(4, 10), torch.randn(4, 1)) for _ in range(10)]

for x, y in loader:
    loss = nn.functional.mse_loss(model(x.to(device)), y.to(device))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    total = loss.item()
`;
const TRAIN_LINE = 14;
const TRAIN_COLUMN = 18;

/** Nothing any GreenLens rule could flag. */
const CLEAN = 'def add(a, b):\n    return a + b\n';

/** Only GL201 is on, at the given severity, whatever other rules exist. */
function onlyGl201(severity: string): string {
  return `[tool.greenlens.rules]\nGL = "off"\nGL201 = "${severity}"\n`;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let tmp: string;

function write(rel: string, content: string | Buffer): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

async function run(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: tmp, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function json(r: Run): JsonFinding[] {
  return JSON.parse(r.stdout) as JsonFinding[];
}

function gl201Paths(r: Run): string[] {
  return [...new Set(json(r).filter((f) => f.code === 'GL201').map((f) => f.path))].sort();
}

describe('greenlens check', function () {
  this.timeout(30000);

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-cli-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('exit status and formats', () => {
    it('exits 0 with a summary when nothing is found', async () => {
      write('clean.py', CLEAN);
      const r = await run('check');
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(r.stdout, /^No findings; 1 file checked\.\n$/);
      assert.strictEqual(r.stderr, '');
    });

    it('exits 1 and prints path:line:col: CODE [severity] message for a finding', async () => {
      write('src/train.py', TRAIN);
      const r = await run('check', 'src');
      assert.strictEqual(r.code, 1, r.stderr);
      const line = r.stdout.split('\n').find((l) => l.includes(' GL201 '));
      assert.ok(line, r.stdout);
      assert.ok(line.startsWith(`src/train.py:${TRAIN_LINE}:${TRAIN_COLUMN}: GL201 [warning] \`.item()\``), line);
      assert.match(r.stdout, /\nFound \d+ findings? \(.*\) in 1 file; 1 file checked\.\n$/);
    });

    it('writes JSON with 1-based positions', async () => {
      write('train.py', TRAIN);
      const r = await run('check', '--format', 'json');
      assert.strictEqual(r.code, 1, r.stderr);
      const f = json(r).find((x) => x.code === 'GL201');
      assert.ok(f);
      assert.deepStrictEqual(
        { path: f.path, name: f.name, severity: f.severity, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn },
        { path: 'train.py', name: 'host-sync-in-training-loop', severity: 'warning', line: TRAIN_LINE, column: TRAIN_COLUMN, endLine: TRAIN_LINE, endColumn: TRAIN_COLUMN + 4 },
      );
      assert.match(f.message, /PyTorch Performance Tuning Guide/);
    });

    it('writes an empty JSON array for a clean project', async () => {
      write('clean.py', CLEAN);
      const r = await run('check', '--format', 'json', '.');
      assert.strictEqual(r.code, 0);
      assert.deepStrictEqual(JSON.parse(r.stdout), []);
    });

    it('writes SARIF', async () => {
      write('train.py', TRAIN);
      const r = await run('check', '-f', 'sarif');
      const log = JSON.parse(r.stdout);
      assert.strictEqual(log.version, '2.1.0');
      assert.ok(log.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'GL201'));
    });
  });

  describe('--fail-on', () => {
    const cases: [severity: string, failOn: string | undefined, expected: number][] = [
      ['information', undefined, 0],
      ['information', 'warning', 0],
      ['information', 'info', 1],
      ['hint', 'info', 0],
      ['warning', undefined, 1],
      ['warning', 'error', 0],
      ['error', 'error', 1],
      ['error', 'never', 0],
    ];
    for (const [severity, failOn, expected] of cases) {
      it(`exits ${expected} for GL201 at ${severity} with --fail-on ${failOn ?? '(default)'}`, async () => {
        write('pyproject.toml', onlyGl201(severity));
        write('train.py', TRAIN);
        const r = await run('check', ...(failOn ? ['--fail-on', failOn] : []));
        assert.strictEqual(r.code, expected, r.stdout + r.stderr);
        assert.ok(r.stdout.includes(`GL201 [${severity}]`), r.stdout);
      });
    }

    it('rejects an unknown level with exit 2', async () => {
      const r = await run('check', '--fail-on', 'sometimes');
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /^greenlens: unknown --fail-on level 'sometimes'.*\n$/);
    });
  });

  describe('files', () => {
    it('does not search .venv, venv, node_modules, __pycache__ or .git', async () => {
      write('train.py', TRAIN);
      for (const dir of ['.venv/lib/site.py', 'venv/x.py', 'node_modules/pkg/x.py', '__pycache__/x.py', '.git/hooks/x.py', 'pkg/__pycache__/y.py']) {
        write(dir, TRAIN);
      }
      write('pkg/model.py', TRAIN);
      const r = await run('check', '--format', 'json');
      assert.deepStrictEqual(gl201Paths(r), ['pkg/model.py', 'train.py']);
    });

    it('skips a binary file and a file over 2 MB with the reason on stderr, keeping stdout valid JSON', async () => {
      write('train.py', TRAIN);
      write('blob.py', Buffer.from([0x78, 0x3d, 0x31, 0x00, 0x0a]));
      write('big.py', '# padding\n'.repeat(220_000));
      const r = await run('check', '--format', 'json');
      assert.strictEqual(r.code, 1, r.stderr);
      assert.deepStrictEqual(gl201Paths(r), ['train.py']);
      assert.match(r.stderr, /greenlens: skipped blob\.py: binary file \(contains a NUL byte\)/);
      assert.match(r.stderr, /greenlens: skipped big\.py: too large \(2\.1 MB, limit 2\.0 MB\)/);
    });

    it('skips a file that is not UTF-8', async () => {
      write('latin1.py', Buffer.from('name = "caf\xe9"\n', 'latin1'));
      const r = await run('check');
      assert.strictEqual(r.code, 0);
      assert.match(r.stderr, /^greenlens: skipped latin1\.py: not valid UTF-8\n$/);
      assert.match(r.stdout, /^No findings; 0 files checked, 1 skipped\.\n$/);
    });

    it('checks a file named on the command line and skips a non-Python one', async () => {
      write('train.py', TRAIN);
      write('notes.txt', 'hello');
      const r = await run('check', '--format', 'json', 'train.py', 'notes.txt', './train.py');
      assert.deepStrictEqual(gl201Paths(r), ['train.py']);
      assert.strictEqual(json(r).filter((f) => f.code === 'GL201').length, 1, 'a file named twice is checked once');
      assert.match(r.stderr, /skipped notes\.txt: not a Python \(\.py\) file/);
    });

    it('exits 2 naming a path that does not exist, before printing any report', async () => {
      write('train.py', TRAIN);
      const r = await run('check', '--format', 'json', '.', 'nope/');
      assert.strictEqual(r.code, 2);
      assert.strictEqual(r.stderr, 'greenlens: cannot read nope/: no such file or directory\n');
      assert.strictEqual(r.stdout, '');
    });
  });

  describe('[tool.greenlens] in pyproject.toml', () => {
    it('turns a rule off', async () => {
      write('pyproject.toml', '[tool.greenlens.rules]\nGL201 = "off"\n');
      write('train.py', TRAIN);
      const r = await run('check', '--format', 'json');
      assert.deepStrictEqual(gl201Paths(r), []);
    });

    it('applies a family setting, with the code setting winning over it', async () => {
      write('pyproject.toml', '[tool.greenlens.rules]\nGL2 = "off"\n');
      write('train.py', TRAIN);
      assert.deepStrictEqual(gl201Paths(await run('check', '--format', 'json')), []);
      write('pyproject.toml', '[tool.greenlens.rules]\nGL2 = "off"\nGL201 = "error"\n');
      const r = await run('check', '--format', 'json');
      assert.deepStrictEqual(json(r).filter((f) => f.code === 'GL201').map((f) => f.severity), ['error']);
    });

    it('excludes globs relative to the pyproject.toml folder, and names at any depth', async () => {
      write('pyproject.toml', '[tool.greenlens]\nexclude = ["legacy/**", "*_gen.py"]\n');
      write('train.py', TRAIN);
      write('legacy/old.py', TRAIN);
      write('src/legacy/kept.py', TRAIN);
      write('src/model_gen.py', TRAIN);
      const r = await run('check', '--format', 'json');
      assert.deepStrictEqual(gl201Paths(r), ['src/legacy/kept.py', 'train.py']);
      // Excludes follow the project, wherever the check is started from or pointed at.
      assert.deepStrictEqual(gl201Paths(await run('check', '--format', 'json', 'legacy', 'src')), ['src/legacy/kept.py']);
      const named = await run('check', 'legacy/old.py');
      assert.strictEqual(named.code, 0);
      assert.match(named.stderr, /skipped legacy\/old\.py: excluded by pyproject\.toml/);
    });

    it('uses the nearest pyproject.toml that has a [tool.greenlens] table', async () => {
      write('pyproject.toml', '[tool.greenlens.rules]\nGL201 = "off"\n');
      write('sub/pyproject.toml', '[project]\nname = "sub"\n');
      write('sub/train.py', TRAIN);
      assert.deepStrictEqual(gl201Paths(await run('check', '--format', 'json', 'sub')), []);
      write('sub/pyproject.toml', '[tool.greenlens]\nenable = true\n');
      assert.deepStrictEqual(gl201Paths(await run('check', '--format', 'json', 'sub')), ['sub/train.py']);
    });

    it('checks nothing under enable = false', async () => {
      write('pyproject.toml', '[tool.greenlens]\nenable = false\n');
      write('train.py', TRAIN);
      const r = await run('check');
      assert.strictEqual(r.code, 0);
      assert.match(r.stderr, /not checking \.: enable = false in pyproject\.toml/);
    });

    it('exits 2 on malformed TOML, naming the file and line', async () => {
      write('pyproject.toml', '[project]\nname = "x\n[tool.greenlens]\n');
      write('train.py', TRAIN);
      const r = await run('check', '--format', 'json');
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /^greenlens: pyproject\.toml:2:\d+: invalid TOML: .+\n$/);
      assert.strictEqual(r.stdout, '');
    });

    it('exits 2 on an unknown severity, naming the file and key', async () => {
      write('pyproject.toml', '[tool.greenlens.rules]\nGL201 = "loud"\n');
      write('train.py', TRAIN);
      const r = await run('check');
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /^greenlens: pyproject\.toml: rules\.GL201 = "loud" is not one of error, warning, information, hint, off\n$/);
    });

    it('warns about unknown keys and codes without failing', async () => {
      write('pyproject.toml', '[tool.greenlens]\nselect = ["GL2"]\n[tool.greenlens.rules]\nGL999 = "off"\n');
      write('clean.py', CLEAN);
      const r = await run('check');
      assert.strictEqual(r.code, 0);
      assert.match(r.stderr, /warning: .*pyproject\.toml: unknown key "select"/);
      assert.match(r.stderr, /warning: .*pyproject\.toml: rules\.GL999 matches no GreenLens rule/);
    });

    it('reads --config instead of searching, and fails on a missing or table-less file', async () => {
      write('ci/greenlens.toml', '[tool.greenlens.rules]\nGL201 = "off"\n');
      write('train.py', TRAIN);
      assert.deepStrictEqual(gl201Paths(await run('check', '--format', 'json', '--config', 'ci/greenlens.toml')), []);
      const missing = await run('check', '--config', 'ci/none.toml');
      assert.strictEqual(missing.code, 2);
      assert.strictEqual(missing.stderr, 'greenlens: cannot read ci/none.toml: no such file or directory\n');
      write('ci/empty.toml', '[project]\n');
      const empty = await run('check', '--config', 'ci/empty.toml');
      assert.strictEqual(empty.code, 2);
      assert.match(empty.stderr, /ci\/empty\.toml has no \[tool\.greenlens\] table/);
    });
  });

  describe('command line', () => {
    it('prints the version from package.json', async () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8'));
      const r = await run('--version');
      assert.strictEqual(r.code, 0);
      assert.strictEqual(r.stdout, `${pkg.version}\n`);
    });

    it('prints help listing the commands, and the options of check', async () => {
      const r = await run('--help');
      assert.strictEqual(r.code, 0);
      assert.match(r.stdout, /^Usage: greenlens <command>/);
      assert.match(r.stdout, /\n {2}check +Report/);
      const c = await run('check', '--help');
      assert.strictEqual(c.code, 0);
      assert.match(c.stdout, /--fail-on <info\|warning\|error\|never>/);
    });

    it('exits 2 with one line for an unknown command, option or format, or no command', async () => {
      for (const argv of [['lint'], ['check', '--bogus'], ['check', '--format', 'xml'], []]) {
        const r = await run(...argv);
        assert.strictEqual(r.code, 2, argv.join(' '));
        assert.match(r.stderr, /^greenlens: [^\n]+ Run 'greenlens( check)? --help' for usage\.\n$/, argv.join(' '));
        assert.strictEqual(r.stdout, '');
      }
    });
  });
});
