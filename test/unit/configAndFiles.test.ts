/**
 * The pieces `greenlens check` and the editor share: settings validation,
 * pyproject.toml lookup, exclude globs, the walker and the source reader.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findProjectConfig, parseProjectConfig } from '../../src/core/config/projectConfig';
import { ConfigError, parseSettings } from '../../src/core/config/settings';
import { createExcludeMatcher } from '../../src/core/files/exclude';
import { decodeSource } from '../../src/core/files/sourceReader';
import { walkPythonFiles } from '../../src/core/files/walker';

describe('settings', () => {
  it('reads enable, exclude and rules, upper-casing codes and severities', () => {
    const { settings, warnings } = parseSettings({ enable: false, exclude: ['a/**'], rules: { gl201: 'OFF', GL3: 'warning' } }, 'f.toml');
    assert.deepStrictEqual(settings, { enable: false, exclude: ['a/**'], rules: { GL201: 'off', GL3: 'warning' } });
    assert.deepStrictEqual(warnings, []);
  });

  it('rejects wrong types with a ConfigError naming the file', () => {
    for (const raw of [{ enable: 'yes' }, { exclude: 'a/**' }, { exclude: [1] }, { rules: ['GL201'] }, { rules: { GL201: 2 } }, 'x']) {
      assert.throws(
        () => parseSettings(raw, '/p/pyproject.toml'),
        (e: unknown) => e instanceof ConfigError && e.file === '/p/pyproject.toml' && e.message.startsWith('/p/pyproject.toml: '),
        JSON.stringify(raw),
      );
    }
  });

  it('reports TOML syntax errors with line and column', () => {
    assert.throws(
      () => parseProjectConfig('[tool.greenlens]\nexclude = [\n"a",\n= 3\n', '/p/pyproject.toml'),
      (e: unknown) => e instanceof ConfigError && e.line === 4 && e.column !== undefined && /^\/p\/pyproject\.toml:4:\d+: invalid TOML: /.test(e.message) && !e.message.includes('\n'),
    );
  });

  it('returns undefined for a pyproject.toml without [tool.greenlens]', () => {
    assert.strictEqual(parseProjectConfig('[project]\nname = "x"\n', '/p/pyproject.toml'), undefined);
    assert.deepStrictEqual(parseProjectConfig('[tool.greenlens]\n', '/p/pyproject.toml')?.root, '/p');
  });
});

describe('files', () => {
  let tmp: string;
  const write = (rel: string, content = 'x = 1\n') => {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), content);
  };
  const walk = (dir: string, exclude: string[] = []) =>
    [...walkPythonFiles(dir, { isExcluded: createExcludeMatcher(exclude, tmp) })].map((e) => (e.kind === 'file' ? path.relative(tmp, e.path).split(path.sep).join('/') : `error ${e.path}`));

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-files-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('walks *.py files in name order, skipping environment and cache folders', () => {
    for (const f of ['b.py', 'a.py', 'notes.txt', 'pkg/z.py', 'pkg/a/y.py', '.venv/x.py', 'venv/x.py', 'node_modules/x.py', '__pycache__/x.py', '.git/x.py']) write(f);
    assert.deepStrictEqual(walk(tmp), ['a.py', 'b.py', 'pkg/z.py', 'pkg/a/y.py']);
  });

  it('does not follow symbolic links to folders, so a link cycle ends', () => {
    write('pkg/a.py');
    // Linux (where CI runs) lets any user create symbolic links.
    fs.symlinkSync(tmp, path.join(tmp, 'pkg', 'loop'), 'dir');
    assert.deepStrictEqual(walk(tmp), ['pkg/a.py']);
  });

  it('matches exclude globs relative to the root, and slash-less globs against names', () => {
    const excluded = createExcludeMatcher(['legacy/**', '*_pb2.py', 'build/', './scripts/*.py'], tmp);
    const at = (rel: string) => excluded(path.join(tmp, rel));
    assert.ok(at('legacy'));
    assert.ok(at('legacy/deep/a.py'));
    assert.ok(!at('src/legacy/a.py'));
    assert.ok(at('src/proto/msg_pb2.py'));
    assert.ok(at('build/lib/a.py'));
    assert.ok(at('x/build/a.py'));
    assert.ok(at('scripts/run.py'));
    assert.ok(!at('scripts/sub/run.py'));
    assert.ok(!at('train.py'));
    assert.ok(!excluded(path.join(path.dirname(tmp), 'legacy', 'a.py')), 'paths outside the root are never excluded');
    assert.ok(!createExcludeMatcher([], tmp)(path.join(tmp, 'a.py')));
  });

  it('finds the nearest pyproject.toml with [tool.greenlens], stopping where told', () => {
    write('pyproject.toml', '[tool.greenlens]\nexclude = ["x"]\n');
    write('sub/pyproject.toml', '[project]\nname = "sub"\n');
    write('sub/deep/a.py');
    assert.strictEqual(findProjectConfig(path.join(tmp, 'sub', 'deep'))?.file, path.join(tmp, 'pyproject.toml'));
    assert.strictEqual(findProjectConfig(path.join(tmp, 'sub', 'deep'), path.join(tmp, 'sub')), undefined);
  });

  it('decodes UTF-8 (dropping a BOM) and says why other bytes are skipped', () => {
    assert.deepStrictEqual(decodeSource(Buffer.from('\ufeffx = "é"\n', 'utf8')), { kind: 'text', text: 'x = "é"\n' });
    assert.deepStrictEqual(decodeSource(Buffer.from([0x61, 0x00])), { kind: 'skipped', reason: 'binary file (contains a NUL byte)' });
    assert.deepStrictEqual(decodeSource(Buffer.from([0x61, 0xe9, 0x0a])), { kind: 'skipped', reason: 'not valid UTF-8' });
    assert.strictEqual(decodeSource(Buffer.alloc(11, 0x61), 10).kind, 'skipped');
  });
});
