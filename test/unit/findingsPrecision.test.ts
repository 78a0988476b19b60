/**
 * The precision patterns learned from public training scripts, checked on
 * what the findings say (the fixture test checks which lines they flag):
 * one finding per host copy chain, reasons for softer severities, messages
 * scaled to the data and the GPU, and findings placed on `DataLoader(`.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { analyzePython } from '../../src/core/analysis/analyzer';
import type { Finding } from '../../src/core/analysis/types';
import { fixturePath } from '../support/paths';

async function findingsOf(text: string, code: string): Promise<Finding[]> {
  const { findings, tree } = await analyzePython(text);
  tree.delete();
  return findings.filter((f) => f.code === code);
}

function fixture(code: string, file: string): string {
  return fs.readFileSync(fixturePath('rules', code, file), 'utf8');
}

function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `no line with ${needle}`);
  return line;
}

const TRAIN_HEAD = `import torch
import torch.nn as nn
model = nn.Linear(10, 1).to(DEVICE)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for x, y in loader:
    loss = nn.functional.mse_loss(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
`;

describe('findings: real-world precision', () => {
  describe('GL201 host syncs', () => {
    it('reports a .cpu().numpy() chain once, on the whole chain; .numpy() after .cpu() is no second sync', async () => {
      const text = TRAIN_HEAD.replace('DEVICE', '"cuda"') + '    preds = model(x).detach().cpu().numpy()\n    first = y.cpu().tolist()\n';
      const found = await findingsOf(text, 'GL201');
      assert.deepStrictEqual(
        found.map((f) => [f.range.start.line, text.slice(f.range.startIndex, f.range.endIndex)]),
        [
          [lineOf(text, 'preds ='), 'cpu().numpy'],
          [lineOf(text, 'first ='), 'cpu().tolist'],
        ],
      );
      assert.ok(found[0].message.startsWith('`.cpu().numpy()` on every training step'), found[0].message);
    });

    it('says why a control-flow sync in a file without a GPU is Information', async () => {
      const text = fixture('GL201', 'flagged_cpu_control_flow.py');
      const found = await findingsOf(text, 'GL201');
      const early = found.find((f) => f.range.start.line === lineOf(text, 'if loss.item() < 1e-4'))!;
      assert.strictEqual(early.severity, 'information');
      assert.match(early.message, /decides what this training loop does next/);
      assert.match(early.message, /with no GPU in this file that costs almost nothing/);
      const best = found.find((f) => f.range.start.line === lineOf(text, 'value = loss.item()'))!;
      assert.match(best.message, /decides what this training loop does next/, 'a value a later condition tests');
      for (const needle of ['preds =', 'logged =']) {
        const copy = found.find((f) => f.range.start.line === lineOf(text, needle))!;
        assert.doesNotMatch(copy.message, /decides what this training loop does next/, needle);
        assert.match(copy.message, /copies a value to the host; with no GPU in this file that costs almost nothing/, needle);
      }
    });

    it('tells a device chosen at run time from no GPU at all', async () => {
      const text = TRAIN_HEAD.replace('DEVICE', 'torch.device(args.device)') + '    total = loss.item()\n';
      const [f] = await findingsOf(text, 'GL201');
      assert.strictEqual(f.severity, 'information');
      assert.match(f.message, /may run on a GPU \(its device is chosen at run time\)/);
      assert.match(f.message, /timing 100 steps with and without this line/, 'says what to measure');
    });

    it('treats a formatted CUDA device as CUDA evidence: Warning, with what to measure', async () => {
      for (const device of ['f"cuda:{rank}"', "'cuda:%s' % rank", '"cuda:{}".format(rank)', '"cuda:{0}".format(rank)']) {
        const [f] = await findingsOf(TRAIN_HEAD.replace('DEVICE', device) + '    total = loss.item()\n', 'GL201');
        assert.strictEqual(f.severity, 'warning', device);
        assert.doesNotMatch(f.message, /costs almost nothing/, device);
        assert.match(f.message, /timing 100 steps with and without this line/, device);
      }
      const [plain] = await findingsOf(TRAIN_HEAD.replace('DEVICE', 'f"{name}:{rank}"') + '    total = loss.item()\n', 'GL201');
      assert.strictEqual(plain.severity, 'information', 'a formatted string that is not a CUDA device is no evidence');
    });
  });

  describe('GL204 concatenation in a training loop', () => {
    it('says the autograd graph is kept when undetached outputs are concatenated, and not for labels', async () => {
      const text = fixture('GL204', 'flagged_training_graph.py');
      const found = await findingsOf(text, 'GL204');
      const logits = found.find((f) => f.range.start.line === lineOf(text, 'all_logits = torch.cat'))!;
      const labels = found.find((f) => f.range.start.line === lineOf(text, 'all_labels = torch.cat'))!;
      assert.match(logits.message, /whole autograd graph of each step, activations included, stays alive/);
      assert.match(logits.message, /Append `logits\.detach\(\)`/);
      assert.doesNotMatch(labels.message, /autograd/);
    });

    it('says nothing of the graph when the output is detached, where it is computed or where it is joined', async () => {
      const base = fixture('GL204', 'flagged_training_graph.py');
      for (const text of [base.replace('logits = model(x)', 'logits = model(x).detach()'), base.replace('all_logits = torch.cat([all_logits, logits])', 'all_logits = torch.cat([all_logits, logits.detach()])')]) {
        const found = await findingsOf(text, 'GL204');
        assert.ok(found.length > 0);
        for (const f of found) assert.doesNotMatch(f.message, /autograd/);
      }
    });
  });

  describe('GL302 and GL303 on the DataLoader call', () => {
    it('places both findings on `DataLoader`, even when the argument is written inside it', async () => {
      const text =
        'import torch\nfrom torch.utils.data import DataLoader\ndevice = "cuda"\n' +
        'loader = DataLoader(\n    train_set,\n    num_workers=0,\n    pin_memory=False,\n)\n' +
        'for x, y in loader:\n    model(x.to(device)).sum().backward()\n';
      for (const code of ['GL302', 'GL303']) {
        const [f] = await findingsOf(text, code);
        assert.strictEqual(text.slice(f.range.startIndex, f.range.endIndex), 'DataLoader', code);
      }
    });

    it('says less over already-tokenized tensors and proposes fewer workers', async () => {
      const [f] = await findingsOf(fixture('GL302', 'flagged_tokenized.py'), 'GL302');
      assert.strictEqual(f.severity, 'information');
      assert.match(f.message, /already tokenized tensors, so worker processes would only batch them: expect a small gain/);
      assert.doesNotMatch(f.message, /decodes and augments/);
      assert.ok(f.fix?.edits.some((e) => e.newText.includes('num_workers=2')));
    });

    it('says what to measure for workers', async () => {
      const [f] = await findingsOf('import torch\nfrom torch.utils.data import DataLoader\nloader = DataLoader(ds)\nfor x in loader:\n    loss(x).backward()\n', 'GL302');
      assert.match(f.message, /time one pass over the loader alone/);
    });
  });

  describe('GL304 scaled to the GPU and the model', () => {
    const script = (comment: string) =>
      `${comment}\nimport torch\nimport torchvision\nmodel = torchvision.models.resnet50().cuda()\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\nfor x, y in loader:\n    loss = torch.nn.functional.cross_entropy(model(x.cuda()), y.cuda())\n    loss.backward()\n    opt.step()\n`;

    it('leads with float16 and a GradScaler on a pre-Ampere GPU', async () => {
      for (const gpu of ['# Runs on a Colab T4', '# trained on 8x V100']) {
        const [f] = await findingsOf(script(gpu), 'GL304');
        assert.match(f.message, /older than Ampere: no bfloat16\), wrap the forward pass and loss in `with torch\.autocast\("cuda", dtype=torch\.float16\):` and scale the loss/, gpu);
        assert.doesNotMatch(f.message, /dtype=torch\.bfloat16/, gpu);
      }
    });

    it('leads with bfloat16 on Ampere and later, and names both when the GPU is unknown', async () => {
      const [ampere] = await findingsOf(script('# A100 80GB'), 'GL304');
      assert.match(ampere.message, /On the A100 named in this file \(Ampere or newer\), wrap the forward pass and loss in `with torch\.autocast\("cuda", dtype=torch\.bfloat16\):`/);
      assert.doesNotMatch(ampere.message, /GradScaler/);
      const [unknown] = await findingsOf(script('# a ResNet'), 'GL304');
      assert.match(unknown.message, /bfloat16.*on Ampere and newer GPUs.*float16.*GradScaler.*on older ones \(V100, T4\)/);
      assert.match(unknown.message, /up to 3× faster/);
    });

    it('is silent for a tiny MLP and scales the claim for a small one', async () => {
      assert.deepStrictEqual(await findingsOf(fixture('GL304', 'clean_tiny_mlp.py'), 'GL304'), []);
      const [small] = await findingsOf(fixture('GL304', 'flagged.py'), 'GL304');
      assert.match(small.message, /fully-connected network this small \(about 268k parameters\) expect a modest gain/);
      assert.doesNotMatch(small.message.split('Source:')[0], /3×/);
    });
  });
});
