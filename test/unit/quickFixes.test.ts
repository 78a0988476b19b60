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
    it("adds non_blocking=True to the loop's batch copies to the device, and nothing else", async () => {
      const loop = (to: (x: string) => string) =>
        'for step, (x, y) in enumerate(loader):\n' +
        `    x, y = ${to('x')}, ${to('y')}\n` +
        `    batch = {k: ${to('v')} for k, v in extra.items()}\n` +
        '    weights = model.weight.to("cpu")\n' +
        '    z = x.to(torch.float16)\n' +
        '    model.to(device)\n';
      const before = head + 'loader = DataLoader(train_set, num_workers=4)\n' + loop((n) => `${n}.to(device)`);
      const after = head + 'loader = DataLoader(train_set, num_workers=4, pin_memory=True)\n' + loop((n) => `${n}.to(device, non_blocking=True)`);
      await checkFix('GL303', before, after, true);
      const [finding] = await findingsOf(before, 'GL303');
      assert.strictEqual(finding.fix?.title, 'Add pin_memory=True, and non_blocking=True to the 3 batch copies in its loop');
    });
    it('follows the loader into the same-file function it is passed to, and into no other', async () => {
      const fns =
        'def train_epoch(model, loader):\n    for x, y in loader:\n        x = x.to(device)\n\n' +
        'def evaluate(model, loader):\n    for x, y in loader:\n        x = x.to(device)\n\n';
      const before = head + fns + 'train_loader = DataLoader(train_set, num_workers=4)\ntrain_epoch(model, train_loader)\n';
      const after =
        head +
        fns.replace('x = x.to(device)', 'x = x.to(device, non_blocking=True)') +
        'train_loader = DataLoader(train_set, num_workers=4, pin_memory=True)\ntrain_epoch(model, train_loader)\n';
      await checkFix('GL303', before, after, true);
    });
    it('finds the loops of a loader built in a helper and returned', async () => {
      const before =
        head +
        'def loaders():\n    train = DataLoader(train_set, num_workers=4)\n    return train\n\n' +
        'def train_epoch(model, loader):\n    for images in loader:\n        images = images.cuda()\n';
      const after = before.replace('num_workers=4)', 'num_workers=4, pin_memory=True)').replace('images.cuda()', 'images.cuda(non_blocking=True)');
      await checkFix('GL303', before, after, true);
    });
  });

  describe('GL301 eval-without-no-grad', () => {
    const head = 'import torch\n\n';
    it('wraps the evaluation loop in torch.no_grad(), keeping the indentation, marked safe', () =>
      checkFix(
        'GL301',
        head + 'def evaluate(model, loader):\n    model.eval()\n    total = 0\n    for x, y in loader:\n        out = model(x)\n\n        total += (out.argmax(1) == y).sum()\n    return total\n',
        head +
          'def evaluate(model, loader):\n    model.eval()\n    total = 0\n    with torch.no_grad():\n        for x, y in loader:\n            out = model(x)\n\n            total += (out.argmax(1) == y).sum()\n    return total\n',
        true,
      ));
    it('uses the name torch is imported under and the file\'s own indentation', () =>
      checkFix(
        'GL301',
        'import torch as th\n\nmodel.eval()\nfor x in loader:\n  print(model(x))\n',
        'import torch as th\n\nmodel.eval()\nwith th.no_grad():\n  for x in loader:\n    print(model(x))\n',
        true,
      ));
    it('offers no fix when the loop needs gradients, is a generator, or torch is not a module name', async () => {
      const cases = [
        // The loop switches back to training after the evaluation call: wrapping it would stop training.
        'import torch\nmodel.eval()\nfor x, y in loader:\n    out = model(x)\n    model.train()\n    loss_fn(model(x), y).backward()\n    model.eval()\n',
        'import torch\ndef predictions(model, loader):\n    model.eval()\n    for x in loader:\n        yield model(x)\n',
        'from torch import nn\nmodel.eval()\nfor x in loader:\n    print(model(x))\n',
      ];
      for (const text of cases) {
        const found = await findingsOf(text, 'GL301');
        assert.ok(found.length > 0, `still reported: ${text}`);
        for (const f of found) assert.strictEqual(f.fix, undefined, text);
      }
    });
  });

  describe('GL104 training-from-scratch', () => {
    it('loads the DEFAULT weights and moves num_classes to a new head, not preferred', () =>
      checkFix(
        'GL104',
        'import torch\nimport torch.nn as nn\nimport torchvision\n\ndef build():\n    model = torchvision.models.resnet152(weights=None, num_classes=10)\n    return model\n' + TRAIN.replace('model = torch.nn.Linear(784, 10)\n', 'model = build()\n'),
        'import torch\nimport torch.nn as nn\nimport torchvision\n\ndef build():\n    model = torchvision.models.resnet152(weights="DEFAULT")\n    model.fc = nn.Linear(model.fc.in_features, 10)\n    return model\n' +
          TRAIN.replace('model = torch.nn.Linear(784, 10)\n', 'model = build()\n'),
        false,
      ));
    it('turns legacy pretrained=False into weights="DEFAULT" and timm pretrained=False into True', async () => {
      await checkFix(
        'GL104',
        'import torch\nfrom torchvision import models\nmodel = models.resnet18(pretrained=False)\n' + TRAIN.replace('model = torch.nn.Linear(784, 10)\n', ''),
        'import torch\nfrom torchvision import models\nmodel = models.resnet18(weights="DEFAULT")\n' + TRAIN.replace('model = torch.nn.Linear(784, 10)\n', ''),
        false,
      );
      await checkFix(
        'GL104',
        'import torch\nimport timm\nmodel = timm.create_model("resnet50", pretrained=False, num_classes=10)\n' + TRAIN.replace('model = torch.nn.Linear(784, 10)\n', ''),
        'import torch\nimport timm\nmodel = timm.create_model("resnet50", pretrained=True, num_classes=10)\n' + TRAIN.replace('model = torch.nn.Linear(784, 10)\n', ''),
        false,
      );
    });
    it('offers no fix when the new head cannot be placed', async () => {
      const text = 'import torch\nimport torchvision\nmodel = torchvision.models.inception_v3(weights=None, num_classes=10).cuda()\n' + TRAIN.replace('model = torch.nn.Linear(784, 10)\n', '');
      const found = await findingsOf(text, 'GL104');
      assert.strictEqual(found.length, 1);
      assert.strictEqual(found[0].fix, undefined);
    });
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
