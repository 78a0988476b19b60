/**
 * Fuzz: random mutations of every rule fixture (deleted spans, inserted
 * brackets and quotes, duplicated and truncated lines, stray indentation) must
 * never make the analyzer throw, and no mutated file may take more than 10×
 * its original's analysis time. The generator is seeded, so failures replay.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../src/core/analysis/analyzer';
import { fixturePath } from '../support/paths';

function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const JUNK = ['(', ')', '[', ']', '{', '}', ':', '"', "'", '"""', '\\', '\n', '    ', '\t', 'for ', 'with ', 'def ', '.', ',', '#', 'é', '\u0000', '@'];

export function mutate(text: string, rand: () => number): string {
  let out = text;
  const ops = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(rand() * (out.length + 1));
    switch (Math.floor(rand() * 5)) {
      case 0: // delete a span
        out = out.slice(0, at) + out.slice(at + Math.floor(rand() * 40));
        break;
      case 1: // insert junk
        out = out.slice(0, at) + JUNK[Math.floor(rand() * JUNK.length)] + out.slice(at);
        break;
      case 2: {
        // duplicate a line
        const lines = out.split('\n');
        const i = Math.floor(rand() * lines.length);
        lines.splice(i, 0, lines[i]);
        out = lines.join('\n');
        break;
      }
      case 3: // truncate
        out = out.slice(0, at);
        break;
      default: {
        // re-indent a line
        const lines = out.split('\n');
        const i = Math.floor(rand() * lines.length);
        lines[i] = ' '.repeat(Math.floor(rand() * 9)) + lines[i].trimStart();
        out = lines.join('\n');
      }
    }
  }
  return out;
}

/** The fastest of several runs: the least disturbed by GC pauses and other load on the machine. */
async function fastestMs(text: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await analyzePython(text);
    times.push(performance.now() - t);
    r.tree.delete();
  }
  return Math.min(...times);
}

describe('fuzzing the analyzer with mutated fixtures', () => {
  const root = fixturePath('rules');
  const files = fs
    .readdirSync(root)
    .flatMap((d) => fs.readdirSync(path.join(root, d)).map((f) => path.join(root, d, f)))
    .filter((f) => f.endsWith('.py'));

  it('never throws and never takes 10× the original time', async function () {
    this.timeout(120000);
    const rand = prng(20261127);
    let mutants = 0;
    for (const file of files) {
      const original = fs.readFileSync(file, 'utf8');
      // A floor of 2 ms keeps timer noise on tiny files from deciding the result.
      const base = Math.max(2, await fastestMs(original, 5));
      for (let i = 0; i < 25; i++) {
        const text = mutate(original, rand);
        let ms: number;
        try {
          ms = await fastestMs(text, 3);
        } catch (err) {
          assert.fail(`analyzer threw on a mutation of ${path.basename(file)}: ${String(err)}\n---\n${text}`);
        }
        assert.ok(ms <= 10 * base, `${path.basename(file)} mutation took ${ms.toFixed(1)} ms, original ${base.toFixed(1)} ms`);
        mutants++;
      }
    }
    assert.ok(mutants >= 25 * files.length);
  });

  it('still reports the findings of the good parts of a broken file', async () => {
    const text = [
      'import torch.nn as nn',
      'def broken(:',
      '    pass',
      'x = = 3',
      'model = nn.DataParallel(nn.Linear(2, 2))',
    ].join('\n');
    const r = await analyzePython(text);
    r.tree.delete();
    assert.ok(r.facts.syntaxErrors.length > 0, 'the syntax error is noticed');
    assert.deepStrictEqual(r.findings.filter((f) => f.code === 'GL313').map((f) => f.range.start.line), [4]);
  });

  it('never overflows the stack on expressions nested thousands of levels deep, whole or broken', async function () {
    this.timeout(60000);
    const rand = prng(20261208);
    // Openers with their closers; calls are rarer, as each nested call costs a scan of the text inside it.
    const NESTERS: [string, string][] = [['(', ')'], ['[', ']'], ['{1: ', '}'], ['-', ''], ['not ', ''], ['lambda: ', ''], ['-(', ')'], ['a.b[', ']'], ['(1, ', ',)']];
    const INNER = ['1', 'x.y.z', '"s"', 'f(x)', 'a.b.c.d'];
    const FORMS = [(e: string) => `x = ${e}`, (e: string) => e, (e: string) => `for v in ${e}:\n    pass`, (e: string) => `[[a, (b, [c])], d] = ${e}`, (e: string) => `g(${e}, k=${e})`];
    const HEAD = 'import torch.nn as nn\nmodel = nn.DataParallel(nn.Linear(2, 2))\n';
    for (let round = 0; round < 12; round++) {
      const depth = 2000 + Math.floor(rand() * 6000);
      let open = '';
      const closers: string[] = [];
      for (let d = 0; d < depth; d++) {
        const [o, c] = rand() < 0.02 ? ['f(', ')'] : NESTERS[Math.floor(rand() * NESTERS.length)];
        open += o;
        closers.push(c);
      }
      let close = closers.reverse().join('');
      // Half the rounds break the expression: a closer dropped, or a stray operator inside.
      if (round % 2 === 1) close = rand() < 0.5 ? close.slice(Math.floor(rand() * close.length)) : `+${close}`;
      const expression = open + INNER[Math.floor(rand() * INNER.length)] + close;
      // The good part comes first: unclosed brackets take in everything after them.
      const text = `${HEAD}${FORMS[round % FORMS.length](expression)}\n`;
      let r;
      try {
        r = await analyzePython(text);
      } catch (err) {
        assert.fail(`analyzer threw on round ${round} (depth ${depth}): ${String(err)}`);
      }
      r.tree.delete();
      assert.deepStrictEqual(r.findings.filter((f) => f.code === 'GL313').map((f) => f.range.start.line), [1], `round ${round}`);
    }
  });
});
