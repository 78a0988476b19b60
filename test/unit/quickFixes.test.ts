/**
 * Quick fixes are checked on the text they produce: each case applies the
 * fix of one finding to a small script, compares the result with the exact
 * expected source, and analyses the result again to see the finding gone.
 */
import * as assert from 'assert';
import { analyzePython } from '../../src/core/analysis/analyzer';
import type { Finding, TextEdit } from '../../src/core/analysis/types';

/** Applies edits from the last offset to the first, so earlier offsets stay valid. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.startIndex - a.range.startIndex);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.range.startIndex) + e.newText + out.slice(e.range.endIndex);
  return out;
}

async function findingsOf(text: string, code: string): Promise<Finding[]> {
  const { findings, tree } = await analyzePython(text);
  tree.delete();
  return findings.filter((f) => f.code === code);
}

/** Fixes the single finding of `code` in `before`, checks the text, then re-analyses it. */
async function checkFix(code: string, before: string, after: string, safe: boolean): Promise<void> {
  const found = await findingsOf(before, code);
  assert.strictEqual(found.length, 1, `expected one ${code} finding, got ${found.length}`);
  const fix = found[0].fix;
  assert.ok(fix, `${code} finding has no fix`);
  assert.strictEqual(fix.safe, safe);
  assert.strictEqual(applyEdits(before, fix.edits), after);
  assert.deepStrictEqual(await findingsOf(after, code), [], `${code} still reported after the fix`);
}

const TRAIN = `
model = torch.nn.Linear(784, 10)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for x, y in loader:
    optimizer.zero_grad()
    torch.nn.functional.cross_entropy(model(x), y).backward()
    optimizer.step()
`;

describe('quick fixes', () => {
  describe('GL302 dataloader-without-workers', () => {
    const head = 'import torch\nfrom torch.utils.data import DataLoader\n\n';
    it('adds num_workers=4 after the last argument, marked unsafe', () =>
      checkFix(
        'GL302',
        head + 'loader = DataLoader(train_set, batch_size=64, shuffle=True)\n' + TRAIN,
        head + 'loader = DataLoader(train_set, batch_size=64, shuffle=True, num_workers=4)\n' + TRAIN,
        false,
      ));
    it('replaces a literal num_workers=0', () =>
      checkFix(
        'GL302',
        head + 'loader = DataLoader(train_set, num_workers=0, batch_size=64)\n' + TRAIN,
        head + 'loader = DataLoader(train_set, num_workers=4, batch_size=64)\n' + TRAIN,
        false,
      ));
    it('keeps a multi-line call with a trailing comma valid', () =>
      checkFix(
        'GL302',
        head + 'loader = DataLoader(\n    train_set,\n    batch_size=64,\n)\n' + TRAIN,
        head + 'loader = DataLoader(\n    train_set,\n    batch_size=64, num_workers=4\n)\n' + TRAIN,
        false,
      ));
    it('gives a call with only the dataset its first keyword', () =>
      checkFix('GL302', head + 'loader = DataLoader(train_set)\n' + TRAIN, head + 'loader = DataLoader(train_set, num_workers=4)\n' + TRAIN, false));
  });

  describe('GL303 dataloader-without-pin-memory', () => {
    const head = 'import torch\nfrom torch.utils.data import DataLoader\n\ndevice = "cuda"\n';
    it('adds pin_memory=True, marked safe', () =>
      checkFix(
        'GL303',
        head + 'loader = DataLoader(train_set, batch_size=64, num_workers=4)\n',
        head + 'loader = DataLoader(train_set, batch_size=64, num_workers=4, pin_memory=True)\n',
        true,
      ));
    it('inserts before a comment that follows the last argument', () =>
      checkFix(
        'GL303',
        head + 'loader = DataLoader(\n    train_set,\n    num_workers=4,  # tuned on an 8-core machine\n)\n',
        head + 'loader = DataLoader(\n    train_set,\n    num_workers=4, pin_memory=True,  # tuned on an 8-core machine\n)\n',
        true,
      ));
    it('turns pin_memory=False into True', () =>
      checkFix(
        'GL303',
        head + 'loader = DataLoader(train_set, pin_memory=False, num_workers=4)\n',
        head + 'loader = DataLoader(train_set, pin_memory=True, num_workers=4)\n',
        true,
      ));
  });

  describe('GL305 cudnn-autotuner-off', () => {
    const body = `
model = nn.Conv2d(3, 16, 3).cuda()
optimizer = optim.SGD(model.parameters(), lr=0.1)
for x in batches:
    model(x).sum().backward()
    optimizer.step()
`;
    it('inserts the setting after the imports', () =>
      checkFix(
        'GL305',
        'import torch\nimport torch.nn as nn\nimport torch.optim as optim\n' + body,
        'import torch\nimport torch.nn as nn\nimport torch.optim as optim\ntorch.backends.cudnn.benchmark = True\n' + body,
        true,
      ));
    it('uses the name torch is imported under', () =>
      checkFix(
        'GL305',
        'import torch as th\nfrom torch import nn, optim\n' + body,
        'import torch as th\nfrom torch import nn, optim\nth.backends.cudnn.benchmark = True\n' + body,
        true,
      ));
    it('uses an imported cudnn module', () =>
      checkFix(
        'GL305',
        'from torch import nn, optim\nimport torch.backends.cudnn as cudnn\n' + body,
        'from torch import nn, optim\nimport torch.backends.cudnn as cudnn\ncudnn.benchmark = True\n' + body,
        true,
      ));
    it('imports torch when it is not imported as a module', () =>
      checkFix(
        'GL305',
        'from torch import nn, optim\n' + body,
        'from torch import nn, optim\nimport torch\ntorch.backends.cudnn.benchmark = True\n' + body,
        true,
      ));
    it('goes after a docstring and every import, not inside the code', () =>
      checkFix(
        'GL305',
        '"""Train a small CNN."""\nimport torch\nfrom torch import nn, optim\n' + body,
        '"""Train a small CNN."""\nimport torch\nfrom torch import nn, optim\ntorch.backends.cudnn.benchmark = True\n' + body,
        true,
      ));
  });
});
