import * as assert from 'assert';
import { analyzePython } from '../../src/core/analysis/analyzer';
import type { Facts } from '../../src/core/analysis/facts';

async function facts(text: string): Promise<Facts> {
  const r = await analyzePython(text);
  r.tree.delete();
  return r.facts;
}

describe('Python facts', () => {
  it('resolves imports and aliases to qualified call names', async () => {
    const f = await facts(
      [
        'import torchvision.models as tvm',
        'from torchvision.models import resnet101 as backbone',
        'import torch',
        'import torch.nn as nn',
        'tvm.vgg19_bn()',
        'backbone()',
        'torch.nn.Conv2d(3, 8, 3)',
        'nn.Linear(2, 2)',
      ].join('\n'),
    );
    const names = f.calls.map((c) => c.name);
    assert.deepStrictEqual(names, ['torchvision.models.vgg19_bn', 'torchvision.models.resnet101', 'torch.nn.Conv2d', 'torch.nn.Linear']);
    assert.ok(f.calls.every((c) => c.imported));
  });

  it('does not treat a same-file function as the library model it is named after', async () => {
    const f = await facts(['from torchvision.models import resnet152', 'def resnet152():', '    return None', 'resnet152()'].join('\n'));
    const call = f.calls.find((c) => c.name === 'resnet152')!;
    assert.strictEqual(call.imported, false);
  });

  it('records arguments with literal values and module constants', async () => {
    const f = await facts(['BATCH = 64', 'from torch.utils.data import DataLoader', 'DataLoader(ds, batch_size=BATCH, shuffle=True, **kw)'].join('\n'));
    const call = f.calls.find((c) => c.name === 'torch.utils.data.DataLoader')!;
    assert.strictEqual(call.args.find((a) => a.keyword === 'batch_size')!.literal, 64);
    assert.strictEqual(call.args.find((a) => a.keyword === 'shuffle')!.literal, true);
    assert.strictEqual(call.args.find((a) => a.splat === '**')!.text, '**kw');
    assert.strictEqual(f.constants.get('BATCH'), 64);
  });

  it('finds loops, nesting and the training loop', async () => {
    const f = await facts(
      [
        'for epoch in range(3):',
        '    for x, y in loader:',
        '        loss = crit(model(x), y)',
        '        loss.backward()',
        '        opt.step()',
        '    for x, y in val_loader:',
        '        out = model(x)',
      ].join('\n'),
    );
    assert.strictEqual(f.loops.length, 3);
    const [epoch, train, val] = f.loops;
    assert.strictEqual(epoch.literalCount, 3);
    assert.strictEqual(train.parentLoopId, epoch.id);
    assert.ok(train.trains && !val.trains && !epoch.trains);
    assert.ok(epoch.containsTraining);
    assert.ok(f.trains);
  });

  it('treats a loop calling a same-file training function as training', async () => {
    const f = await facts(
      ['def train_step(model, x):', '    model(x).sum().backward()', '', 'for batch in data:', '    train_step(model, batch)'].join('\n'),
    );
    assert.ok(f.functions[0].trains);
    assert.ok(f.loops[0].trains);
  });

  it('records with-contexts and decorators as call contexts', async () => {
    const f = await facts(
      [
        'import torch',
        'with torch.no_grad():',
        '    a = model(x)',
        '@torch.inference_mode()',
        'def infer(x):',
        '    return model(x)',
      ].join('\n'),
    );
    const calls = f.calls.filter((c) => c.name === 'model');
    assert.deepStrictEqual(calls[0].contexts, ['torch.no_grad']);
    assert.deepStrictEqual(calls[1].contexts, ['torch.inference_mode']);
  });

  it('gives a call only the contexts of the with statements around it, not of one nested after it', async () => {
    const f = await facts(
      ['import torch', 'with torch.autocast("cuda"):', '    out = model(x)', '    with torch.no_grad():', '        ref = teacher(x)'].join('\n'),
    );
    assert.deepStrictEqual(f.calls.find((c) => c.name === 'model')!.contexts, ['torch.autocast("cuda")']);
    assert.deepStrictEqual(f.calls.find((c) => c.name === 'teacher')!.contexts, ['torch.autocast("cuda")', 'torch.no_grad']);
  });

  it('records guards, assignment targets and chained calls', async () => {
    const f = await facts(
      ['for i, x in enumerate(xs):', '    if i % 10 == 0:', '        v = x.item()', '    y = torch.randn(3).cuda()'].join('\n'),
    );
    const item = f.calls.find((c) => c.method === 'item')!;
    assert.deepStrictEqual(item.guards, ['i % 10 == 0']);
    assert.deepStrictEqual(item.assignedTo, ['v']);
    const cuda = f.calls.find((c) => c.method === 'cuda')!;
    assert.strictEqual(f.calls[cuda.receiverCallId!].name, 'torch.randn');
  });

  it('ignores names inside strings and comments', async () => {
    const f = await facts(['# nn.DataParallel(model)', 's = "resnet152()"'].join('\n'));
    assert.strictEqual(f.calls.length, 0);
    assert.strictEqual(f.comments.length, 1);
  });

  it('reads an assignment whose target the parser had to invent (MISSING)', async () => {
    const f = await facts('def f():\n    =?charset*x\n');
    assert.deepStrictEqual(
      f.assignments.map((a) => [a.target, a.valueText, a.selfReferential]),
      [['', 'charset*x', false]],
    );
  });

  it('reads a one-quote string that runs over lines the way the parser does', async () => {
    // tree-sitter accepts it without an error and reads `# c` inside it as a comment.
    const f = await facts('x = "\n\n# c\n#  "\n');
    assert.deepStrictEqual(f.stringLiterals, ['\n#  ']);
  });

  it('records the shape of an f-string with placeholders, as a formatted CUDA device needs', async () => {
    const f = await facts(['device = f"cuda:{rank}"', 'name = rf"{{x}}{y}_{z!r:>4}"', 'doc = f"""many {lines}"""', 'plain = f"no placeholder"'].join('\n'));
    assert.deepStrictEqual(f.stringLiterals, ['cuda:{}', '{x}{}_{}', 'no placeholder']);
  });

  it('reads calls in f-string placeholders and splats the way the parser groups them', async () => {
    const f = await facts(
      ['print(f"{loss.item():.4f} {d[\'(\']}")', 'xs = [*ts.static_order()]', 'f(*sys.argv.copy())', 'print("=", p.impl(), *sys.version.split())'].join('\n'),
    );
    const byText = (t: string) => f.calls.find((c) => f.text.slice(c.range.startIndex, c.range.endIndex) === t)!;
    assert.strictEqual(byText('loss.item()').method, 'item');
    // The grammar is ambiguous about splats: `[*ts.static_order()]` is a call of `(*ts).static_order`,
    // `f(*sys.argv.copy())` splats a call, and after other arguments `*sys.version.split()` calls `*sys.version.split`.
    assert.strictEqual(byText('*ts.static_order()').method, 'static_order');
    assert.deepStrictEqual(byText('f(*sys.argv.copy())').args.map((a) => a.splat), ['*']);
    assert.strictEqual(byText('*sys.version.split()').method, undefined);
    assert.deepStrictEqual(byText('print("=", p.impl(), *sys.version.split())').args.map((a) => a.splat), [undefined, undefined, undefined]);
  });
});
