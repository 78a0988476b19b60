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
import { spawnSync } from 'child_process';
import * as net from 'net';
import { codingDeclaration } from '../../src/core/files/sourceEncoding';
import { decodeSource, readSourceFile } from '../../src/core/files/sourceReader';
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
    [...walkPythonFiles(dir, { isExcluded: createExcludeMatcher(exclude, tmp) })].map((e) => {
      const rel = path.relative(tmp, e.path).split(path.sep).join('/');
      return e.kind === 'file' ? rel : e.kind === 'skipped' ? `skipped ${rel}: ${e.reason}` : `error ${e.path}`;
    });

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

  it('yields FIFOs, sockets and links to devices named *.py as skipped, never as files to read', async () => {
    write('a.py');
    assert.strictEqual(spawnSync('mkfifo', [path.join(tmp, 'fifo.py')]).status, 0);
    fs.symlinkSync('/dev/null', path.join(tmp, 'null.py'));
    fs.symlinkSync(path.join(tmp, 'missing'), path.join(tmp, 'dangling.py'));
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(tmp, 'sock.py'), resolve));
    try {
      assert.deepStrictEqual(walk(tmp), [
        'a.py',
        'skipped fifo.py: not a regular file (a FIFO)',
        'skipped null.py: not a regular file (a character device)',
        'skipped sock.py: not a regular file (a socket)',
      ]);
    } finally {
      server.close();
    }
  });

  it('reads only regular files, and at most the size limit whatever the size the file reports', () => {
    assert.strictEqual(spawnSync('mkfifo', [path.join(tmp, 'fifo.py')]).status, 0);
    assert.deepStrictEqual(readSourceFile(path.join(tmp, 'fifo.py')), { kind: 'skipped', reason: 'not a regular file (a FIFO)' });
    assert.deepStrictEqual(readSourceFile('/dev/zero'), { kind: 'skipped', reason: 'not a regular file (a character device)' });
    // Files under /proc report a size of 0 and hold more: the limit applies to what is read.
    assert.strictEqual(fs.statSync('/proc/self/status').size, 0);
    assert.deepStrictEqual(readSourceFile('/proc/self/status', 100), { kind: 'skipped', reason: 'too large (more than 100 bytes read, limit 100 bytes)' });
    const whole = readSourceFile('/proc/self/status');
    assert.ok(whole.kind === 'text' && whole.text.startsWith('Name:'), JSON.stringify(whole));
    // A file exactly at the limit is read; one byte more is not.
    write('at.py', 'x'.repeat(100));
    write('over.py', 'x'.repeat(101));
    assert.deepStrictEqual(readSourceFile(path.join(tmp, 'at.py'), 100), { kind: 'text', text: 'x'.repeat(100) });
    assert.deepStrictEqual(readSourceFile(path.join(tmp, 'over.py'), 100), { kind: 'skipped', reason: 'too large (101 bytes, limit 100 bytes)' });
    assert.strictEqual(readSourceFile(path.join(tmp, 'missing.py')).kind, 'error');
  });

  it('finds a PEP 263 coding declaration on the first line, or on the second after a comment or blank line', () => {
    const at = (text: string) => codingDeclaration(Buffer.from(text, 'latin1'));
    assert.deepStrictEqual(at('# -*- coding: latin-1 -*-\nx = 1\n'), { name: 'latin-1', line: 1 });
    assert.deepStrictEqual(at('#!/usr/bin/env python\n# coding=cp1252\n'), { name: 'cp1252', line: 2 });
    assert.deepStrictEqual(at('\r\n# vim: set fileencoding=iso-8859-15 :\r\n'), { name: 'iso-8859-15', line: 2 });
    assert.strictEqual(at('x = 1\n# coding: latin-1\n'), undefined, 'only after a comment or blank first line');
    assert.strictEqual(at('#\n#\n# coding: latin-1\n'), undefined, 'never on the third line');
    assert.strictEqual(at('x = "# coding: latin-1"\n'), undefined, 'only in a comment');
  });

  it('decodes the declared encoding as Python does, and names what it cannot decode', () => {
    const bytes = (header: string, body: number[]) => Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(body)]);
    // Latin-1 maps 0x80–0x9F to control characters; cp1252 has the euro sign and curly quotes there.
    assert.deepStrictEqual(decodeSource(bytes('# coding: latin-1\n', [0x80, 0xe9])), { kind: 'text', text: '# coding: latin-1\n\u0080é' });
    assert.deepStrictEqual(decodeSource(bytes('# coding: latin_1_unix\n', [0xe9])), { kind: 'text', text: '# coding: latin_1_unix\né' });
    assert.deepStrictEqual(decodeSource(bytes('# coding: cp1252\n', [0x80, 0x92, 0x9f, 0xe9])), { kind: 'text', text: '# coding: cp1252\n€’Ÿé' });
    assert.deepStrictEqual(decodeSource(bytes('# coding: windows-1252\n', [0x81])), { kind: 'skipped', reason: 'not valid windows-1252, the encoding declared on line 1' });
    assert.deepStrictEqual(decodeSource(bytes('# coding: iso-8859-15\n', [0xa4])), { kind: 'text', text: '# coding: iso-8859-15\n€' });
    assert.deepStrictEqual(decodeSource(bytes('# coding: ascii\n', [0xe9])), { kind: 'skipped', reason: 'not valid ascii, the encoding declared on line 1' });
    assert.deepStrictEqual(decodeSource(bytes('# coding: utf-8\n', [0xc3, 0xa9])), { kind: 'text', text: '# coding: utf-8\né' });
    assert.deepStrictEqual(decodeSource(bytes('# coding: klingon\n', [0x61])), { kind: 'skipped', reason: "declares the encoding 'klingon' (line 1), which GreenLens cannot decode" });
    assert.deepStrictEqual(decodeSource(Buffer.from('\ufeff# coding: latin-1\n', 'utf8')), {
      kind: 'skipped',
      reason: "starts with a UTF-8 byte-order mark but declares 'latin-1' (line 1)",
    });
  });

  it('calls UTF-16 and UTF-32 text by its name, not binary', () => {
    const utf16 = 'UTF-16 text (Python cannot run it; save it as UTF-8)';
    assert.deepStrictEqual(decodeSource(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x = 1\n', 'utf16le')])), { kind: 'skipped', reason: utf16 });
    assert.deepStrictEqual(decodeSource(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('x = 1\n', 'utf16le').swap16()])), { kind: 'skipped', reason: utf16 });
    assert.deepStrictEqual(decodeSource(Buffer.from([0xff, 0xfe, 0, 0, 0x78, 0, 0, 0])), { kind: 'skipped', reason: 'UTF-32 text (Python cannot run it; save it as UTF-8)' });
  });
});
