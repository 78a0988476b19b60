/**
 * `greenlens check` on the files that used to hang it, fill its memory or
 * abort it: FIFOs and devices, deeply nested expressions, files in a
 * declared 8-bit encoding, UTF-16 files. The CLI is the bundled dist/cli.js
 * spawned as a child process, as users and CI run it; only the fault
 * injection of the last block runs in-process, where a module can be patched.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as analyzer from '../../src/core/analysis/analyzer';
import { main } from '../../src/cli/main';
import type { JsonFinding } from '../../src/core/report/jsonReport';
import type { SarifLog } from '../../src/core/report/sarifReport';
import { cliPath, runCliProcess, type CliResult } from '../support/cli';
import { tempDir } from './energyFakes';

/** A training loop whose last line (TRAIN_LINES) holds one host sync, `.item()`: GL201. */
const TRAIN = `import torch
loader = []
model = torch.nn.Linear(1, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for x, y in loader:
    loss = model(x).sum()
    loss.backward()
    optimizer.step()
    total = loss.item()
`;
const TRAIN_LINES = 9;

/** Only GL201, as a warning, so that exit statuses do not depend on the other rules. */
const ONLY_GL201 = '[tool.greenlens.rules]\nGL = "off"\nGL201 = "warning"\n';

let tmp: string;

function write(rel: string, content: string | Buffer): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function mkfifo(rel: string): void {
  const r = spawnSync('mkfifo', [path.join(tmp, rel)], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, `mkfifo failed: ${r.stderr}`);
}

function check(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return runCliProcess(['check', ...args], { cwd: tmp, env, timeoutMs: 30000 });
}

function findings(r: CliResult): JsonFinding[] {
  return JSON.parse(r.stdout) as JsonFinding[];
}

/** `path:line` of every GL201 finding, sorted. */
function gl201(r: CliResult): string[] {
  return findings(r)
    .filter((f) => f.code === 'GL201')
    .map((f) => `${f.path}:${f.line}`)
    .sort();
}

describe('greenlens check: files that are no regular files', function () {
  this.timeout(40000);

  before(() => cliPath());
  beforeEach(() => {
    tmp = tempDir('check');
    write('pyproject.toml', ONLY_GL201);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('skips a FIFO named on the command line or met in a folder (also through a link), without waiting for a writer', async () => {
    write('train.py', TRAIN);
    write('pkg/model.py', TRAIN);
    mkfifo('fifo.py');
    mkfifo('pkg/queue.py');
    fs.symlinkSync(path.join(tmp, 'fifo.py'), path.join(tmp, 'pkg', 'link.py'));
    const r = await check(['--format', 'json', 'fifo.py', 'train.py', 'pkg']);
    assert.strictEqual(r.code, 1, r.stderr);
    assert.deepStrictEqual(gl201(r), [`pkg/model.py:${TRAIN_LINES}`, `train.py:${TRAIN_LINES}`]);
    assert.match(r.stderr, /^greenlens: skipped fifo\.py: not a regular file \(a FIFO\)$/m);
    assert.match(r.stderr, /^greenlens: skipped pkg\/link\.py: not a regular file \(a FIFO\)$/m);
    assert.match(r.stderr, /^greenlens: skipped pkg\/queue\.py: not a regular file \(a FIFO\)$/m);
  });

  it('skips a link to /dev/zero without reading from it, in bounded memory', async () => {
    write('train.py', TRAIN);
    fs.mkdirSync(path.join(tmp, 'pkg'));
    fs.symlinkSync('/dev/zero', path.join(tmp, 'zero.py'));
    fs.symlinkSync('/dev/zero', path.join(tmp, 'pkg', 'zero.py'));
    // Reports the child's peak memory on exit: reading /dev/zero would take gigabytes.
    const probe = write('maxrss.js', "process.on('exit', () => require('fs').writeSync(2, `maxrss=${process.resourceUsage().maxRSS}\\n`));\n");
    const r = await check(['--format', 'json', 'zero.py', '.'], { ...process.env, NODE_OPTIONS: `--require ${probe}` });
    assert.strictEqual(r.code, 1, r.stderr);
    assert.deepStrictEqual(gl201(r), [`train.py:${TRAIN_LINES}`]);
    assert.match(r.stderr, /^greenlens: skipped zero\.py: not a regular file \(a character device\)$/m);
    assert.match(r.stderr, /^greenlens: skipped pkg\/zero\.py: not a regular file \(a character device\)$/m);
    const maxRssKb = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1]);
    assert.ok(maxRssKb > 0 && maxRssKb < 400 * 1024, `peak memory ${maxRssKb} kB`);
  });
});

describe('greenlens check: deeply nested code', function () {
  this.timeout(60000);

  before(() => cliPath());
  beforeEach(() => {
    tmp = tempDir('check');
    write('pyproject.toml', ONLY_GL201);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('analyses files nested thousands of levels deep beside a normal file, each reporting its finding', async () => {
    // Each shape once overflowed the stack in one recursive helper: literal values (parentheses,
    // signs), assignment targets, dotted names, syntax errors, and GL301's walk up a call chain.
    const deep: Record<string, string> = {
      'parens5000.py': `x = ${'('.repeat(5000)}1${')'.repeat(5000)}`,
      'parens50000.py': `x = ${'('.repeat(50000)}1${')'.repeat(50000)}`,
      'signs.py': `x = ${'-('.repeat(5000)}1${')'.repeat(5000)}`,
      'targets.py': `${'['.repeat(5000)}a${']'.repeat(5000)} = v`,
      'dotted.py': `f(a${'.b'.repeat(50000)}, )) = 1`,
      'errors.py': `x = ${'['.repeat(50000)}1 +${']'.repeat(50000)}`,
    };
    write('train.py', TRAIN);
    for (const [name, line] of Object.entries(deep)) write(`deep/${name}`, `${TRAIN}${line}\n`);
    const r = await check(['--format', 'json', 'deep', 'train.py']);
    assert.strictEqual(r.code, 1, r.stderr);
    assert.strictEqual(r.stderr, '');
    const expected = [...Object.keys(deep).map((name) => `deep/${name}:${TRAIN_LINES}`), `train.py:${TRAIN_LINES}`].sort();
    assert.deepStrictEqual(gl201(r), expected);
  });

  it('follows a chain of 20,000 functions, each calling the next, to the model call in eval mode (GL301)', async () => {
    const n = 20000;
    const lines = ['import torch', 'def f0(model, x):', '    model.eval()', '    return model(x)'];
    for (let i = 1; i < n; i++) lines.push(`def f${i}(m, x):`, `    return f${i - 1}(m, x)`);
    lines.push(`f${n - 1}(net, data)`);
    write('chain.py', lines.join('\n') + '\n');
    write('pyproject.toml', '[tool.greenlens.rules]\nGL = "off"\nGL301 = "warning"\n');
    const r = await check(['--format', 'json', 'chain.py']);
    assert.strictEqual(r.stderr, '');
    assert.deepStrictEqual(
      findings(r).map((f) => `${f.code} ${f.path}:${f.line}:${f.column}`),
      ['GL301 chain.py:4:12'],
    );
  });
});

describe('greenlens check: encodings', function () {
  this.timeout(30000);

  before(() => cliPath());
  beforeEach(() => {
    tmp = tempDir('check');
    write('pyproject.toml', ONLY_GL201);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /**
   * TRAIN under a coding declaration, with a last line whose text before
   * `.item()` holds the given non-ASCII characters. Some of them (`Ã©`)
   * would read as one character (`é`) if the bytes were taken for UTF-8, so
   * only the declared decoding puts the finding at the expected column.
   */
  function declared(header: string, label: string): { text: string; line: number; column: number } {
    const last = `    label = "${label}"; total = loss.item()`;
    const text = `${header}\n${TRAIN}${last}\n`;
    return { text, line: text.split('\n').length - 1, column: last.indexOf('item') + 1 };
  }

  it('decodes Latin-1 and cp1252 files as their coding declaration says, with findings at the right columns', async () => {
    const latin1 = declared('# -*- coding: latin-1 -*-', 'Ã©té à Zürich');
    const cp1252 = declared('#!/usr/bin/env python3\n# vim: set fileencoding=cp1252 :', '€ ‘Ã©’ – œ');
    write('latin1.py', Buffer.from(latin1.text, 'latin1'));
    // cp1252 has no encoder in Node: its characters outside Latin-1 are mapped by hand.
    const cp1252Bytes: Record<string, number> = { '€': 0x80, '‘': 0x91, '’': 0x92, '–': 0x96, œ: 0x9c };
    write('cp1252.py', Buffer.from([...cp1252.text].map((c) => cp1252Bytes[c] ?? c.charCodeAt(0))));
    const r = await check(['--format', 'json', 'latin1.py', 'cp1252.py']);
    assert.strictEqual(r.code, 1, r.stderr);
    assert.strictEqual(r.stderr, '');
    const at = (file: string) => findings(r).filter((f) => f.path === file).map((f) => `${f.line}:${f.column}`);
    assert.deepStrictEqual(at('latin1.py'), [`${latin1.line - 1}:18`, `${latin1.line}:${latin1.column}`]);
    assert.deepStrictEqual(at('cp1252.py'), [`${cp1252.line - 1}:18`, `${cp1252.line}:${cp1252.column}`]);
  });

  it('calls a UTF-16 file UTF-16 text, not binary', async () => {
    write('train.py', TRAIN);
    write('wide.py', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TRAIN, 'utf16le')]));
    const r = await check(['wide.py', 'train.py']);
    assert.strictEqual(r.code, 1, r.stderr);
    assert.match(r.stderr, /^greenlens: skipped wide\.py: UTF-16 text \(Python cannot run it; save it as UTF-8\)\n$/);
    assert.match(r.stdout, /1 file checked, 1 skipped\.\n$/);
  });
});

describe('greenlens check: a file whose analysis fails', () => {
  let original: typeof analyzer.analyzePython;

  beforeEach(() => {
    tmp = tempDir('check');
    write('pyproject.toml', ONLY_GL201);
    write('a_train.py', TRAIN);
    write('b_broken.py', `${TRAIN}# BREAKS THE ANALYSER\n`);
    write('c_train.py', TRAIN);
    // No input is known to make the analysis throw any more; a patched analyser stands in for the next bug.
    original = analyzer.analyzePython;
    const patched: typeof analyzer.analyzePython = (text, ...rest) => {
      if (text.includes('BREAKS THE ANALYSER')) throw new RangeError('Maximum call stack size exceeded');
      return original(text, ...rest);
    };
    (analyzer as { analyzePython: typeof analyzer.analyzePython }).analyzePython = patched;
  });
  afterEach(() => {
    (analyzer as { analyzePython: typeof analyzer.analyzePython }).analyzePython = original;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { cwd: tmp, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  }

  const NOTE = 'greenlens: b_broken.py: could not be analysed (Maximum call stack size exceeded)\n';

  it('names the file on stderr, reports the others and exits with 2 (text)', async () => {
    const r = await run('check');
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.stderr, NOTE);
    assert.match(r.stdout, new RegExp(`^a_train\\.py:${TRAIN_LINES}:\\d+: GL201 `, 'm'));
    assert.match(r.stdout, new RegExp(`^c_train\\.py:${TRAIN_LINES}:\\d+: GL201 `, 'm'));
    assert.doesNotMatch(r.stdout, /b_broken/);
    assert.match(r.stdout, /in 2 files; 2 files checked, 1 error/);
  });

  it('keeps the other files in the JSON report', async () => {
    const r = await run('check', '--format', 'json');
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.stderr, NOTE);
    assert.deepStrictEqual(
      (JSON.parse(r.stdout) as JsonFinding[]).map((f) => f.path),
      ['a_train.py', 'c_train.py'],
    );
  });

  it('reports the file as an error notification in SARIF', async () => {
    const r = await run('check', '--format', 'sarif');
    assert.strictEqual(r.code, 2);
    const log = JSON.parse(r.stdout) as SarifLog;
    const invocation = log.runs[0].invocations[0];
    assert.strictEqual(invocation.executionSuccessful, false);
    assert.deepStrictEqual(
      invocation.toolExecutionNotifications.map((n) => [n.level, n.message.text, n.locations[0].physicalLocation.artifactLocation.uri]),
      [['error', 'not checked: could not be analysed (Maximum call stack size exceeded)', 'b_broken.py']],
    );
    assert.deepStrictEqual(
      log.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri),
      ['a_train.py', 'c_train.py'],
    );
  });
});
