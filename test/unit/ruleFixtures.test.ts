/**
 * One test per fixture file under test/fixtures/rules/<CODE>/: every line
 * annotated `# expect: GLnnn` must be flagged with that code and every other
 * line must not be; `# ok: GLnnn` marks the traps that must stay silent.
 * An annotation on a line of its own applies to the next code line.
 * `# expect: GL201(information)` also pins the severity of that finding.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../src/core/analysis/analyzer';
import { fixturePath } from '../support/paths';

const ROOT = fixturePath('rules');
const ANNOTATION = /#\s*(expect|ok):\s*((?:GL\d{3}(?:\([a-z]+\))?[ ,]*)+)/g;
const ENTRY = /(GL\d{3})(?:\(([a-z]+)\))?/g;

interface Expectations {
  codes: Set<string>;
  expected: Map<string, Set<number>>;
  ok: Map<string, Set<number>>;
  /** `CODE:line` → the severity the finding must have. */
  severities: Map<string, string>;
}

export function readExpectations(text: string, dirCode: string): Expectations {
  const lines = text.split('\n');
  const codes = new Set([dirCode]);
  const expected = new Map<string, Set<number>>();
  const ok = new Map<string, Set<number>>();
  const severities = new Map<string, string>();
  lines.forEach((line, i) => {
    for (const m of line.matchAll(ANNOTATION)) {
      let target = i;
      if (line.trimStart().startsWith('#')) {
        target = i + 1;
        while (target < lines.length && (lines[target].trim() === '' || lines[target].trimStart().startsWith('#'))) target++;
      }
      for (const [, code, severity] of m[2].matchAll(ENTRY)) {
        codes.add(code);
        const map = m[1] === 'expect' ? expected : ok;
        if (!map.has(code)) map.set(code, new Set());
        map.get(code)!.add(target + 1);
        if (severity && m[1] === 'expect') severities.set(`${code}:${target + 1}`, severity);
      }
    }
  });
  return { codes, expected, ok, severities };
}

describe('rule fixtures', () => {
  const dirs = fs.readdirSync(ROOT).filter((d) => /^GL\d{3}$/.test(d)).sort();
  it('cover every fixture directory with at least one flagged and one clean file', () => {
    assert.ok(dirs.length > 0);
    for (const d of dirs) {
      const files = fs.readdirSync(path.join(ROOT, d));
      assert.ok(files.some((f) => f.startsWith('flagged')), `${d} has no flagged fixture`);
      assert.ok(files.some((f) => f.startsWith('clean')), `${d} has no clean fixture`);
    }
  });
  for (const dir of dirs) {
    for (const file of fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.py')).sort()) {
      it(`${dir}/${file}`, async () => {
        const text = fs.readFileSync(path.join(ROOT, dir, file), 'utf8');
        const exp = readExpectations(text, dir);
        const { findings, tree } = await analyzePython(text);
        tree.delete();
        for (const code of exp.codes) {
          const actual = [...new Set(findings.filter((f) => f.code === code).map((f) => f.range.start.line + 1))].sort((a, b) => a - b);
          const wanted = [...(exp.expected.get(code) ?? [])].sort((a, b) => a - b);
          assert.deepStrictEqual(actual, wanted, `${code} in ${dir}/${file}: flagged lines ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
          for (const line of exp.ok.get(code) ?? []) assert.ok(!actual.includes(line), `${code} must not fire on line ${line}`);
        }
        for (const [key, severity] of exp.severities) {
          const [code, line] = key.split(':');
          const onLine = findings.filter((f) => f.code === code && f.range.start.line + 1 === Number(line)).map((f) => f.severity);
          assert.deepStrictEqual([...new Set(onLine)], [severity], `${code} on line ${line} of ${dir}/${file}: severity ${JSON.stringify(onLine)}, expected ${severity}`);
        }
        if (file.startsWith('flagged')) assert.ok((exp.expected.get(dir)?.size ?? 0) > 0, 'a flagged fixture must expect findings');
      });
    }
  }
});
