import * as assert from 'assert';
import { analyzePython } from '../../src/core/analysis/analyzer';

async function codesByLine(text: string, rules?: Record<string, 'off' | 'warning'>) {
  const r = await analyzePython(text, { rules });
  r.tree.delete();
  return r.findings.map((f) => `${f.range.start.line}:${f.code}`);
}

const DP = 'import torch.nn as nn\n';

describe('suppressions and configuration', () => {
  it('ignores a code on the same line and on the line below an own-line comment', async () => {
    const text = DP + 'a = nn.DataParallel(m)  # greenlens: ignore[GL313]\n# greenlens: ignore[GL313]\nb = nn.DataParallel(m)\nc = nn.DataParallel(m)\n';
    assert.deepStrictEqual(await codesByLine(text), ['4:GL313']);
  });

  it('ignores a family for the whole file', async () => {
    assert.deepStrictEqual(await codesByLine('# greenlens: ignore-file[GL3]\n' + DP + 'nn.DataParallel(m)\n'), []);
  });

  it('does not treat a suppression inside a string as a comment', async () => {
    assert.deepStrictEqual(await codesByLine(DP + 'nn.DataParallel(m, "# greenlens: ignore[GL313]")\n'), ['1:GL313']);
  });

  it('turns rules off by code or by family, the longest key winning', async () => {
    const text = DP + 'nn.DataParallel(m)\n';
    assert.deepStrictEqual(await codesByLine(text, { GL313: 'off' }), []);
    assert.deepStrictEqual(await codesByLine(text, { GL3: 'off' }), []);
    assert.deepStrictEqual(await codesByLine(text, { GL3: 'off', GL313: 'warning' }), ['1:GL313']);
  });
});
