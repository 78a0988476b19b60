/**
 * Suggestions: built from real analysis of small scripts, each existing
 * because of something in the script and naming its line, every figure with
 * its source, compression recipes only where a model is saved, exported or
 * served, at most one per kind, ranked by the saving for the script.
 */
import * as assert from 'assert';
import { analyzePython } from '../../src/core/analysis/analyzer';
import type { Finding } from '../../src/core/analysis/types';
import {
  compressionSuggestions,
  frameworkOf,
  rankSuggestions,
  scriptSuggestions,
  suggestionKey,
  suggestionsFor,
  suggestionsForFile,
  type FileInsightInput,
} from '../../src/core/insights/suggestions';
import type { Suggestion } from '../../src/shared/protocol';

async function analysed(file: string, text: string): Promise<FileInsightInput> {
  const r = await analyzePython(text);
  r.tree.delete();
  return { file, findings: r.findings, facts: r.facts };
}

/** The 0-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} is in the script`);
  return i;
}

const CONV_TRAIN = `import torch
import torch.nn as nn
import torchvision.models as models

model = models.resnet152()
model = model.cuda()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
criterion = nn.CrossEntropyLoss()

for epoch in range(10):
    for x, y in loader:
        x, y = x.cuda(), y.cuda()
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()

torch.save(model.state_dict(), "model.pt")
`;

/** The 3-layer MLP of the issue: it trains on the CPU and never saves a model. */
const MLP_NO_SAVE = `import torch
import torch.nn as nn

net = nn.Sequential(nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 1))
opt = torch.optim.Adam(net.parameters())
for x, y in data:
    loss = nn.functional.binary_cross_entropy_with_logits(net(x), y)
    loss.backward()
    opt.step()
`;

const MLP_SAVES = MLP_NO_SAVE + 'torch.save(net.state_dict(), "mlp.pt")\n';

const KERAS_TRAIN = `import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=5)
model.save("model.keras")
`;

const HF_TRAIN = `from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments

tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
model = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased", num_labels=2)
args = TrainingArguments(output_dir="out", num_train_epochs=3)
trainer = Trainer(model=model, args=args, train_dataset=train_ds)
trainer.train()
tokenizer.save_pretrained("final")
model.save_pretrained("final")
`;

const byKind = (list: Suggestion[], kind: Suggestion['kind']) => list.filter((s) => s.kind === kind);

describe('insights/suggestions', () => {
  describe('evidence: each suggestion exists because of something in the script', () => {
    it('gives an MLP that saves nothing no quantization, pruning or any other suggestion', async () => {
      const input = await analysed('tiny.py', MLP_NO_SAVE);
      assert.ok(input.facts!.trains, 'the script trains');
      assert.deepStrictEqual(suggestionsForFile(input), []);
      assert.deepStrictEqual(compressionSuggestions('tiny.py', input.facts!), []);
    });

    it('gives a conv net that saves its model exactly one quantization suggestion, naming the save line, with conv figures', async () => {
      const list = suggestionsForFile(await analysed('train.py', CONV_TRAIN));
      const int8 = byKind(list, 'quantization');
      assert.strictEqual(int8.length, 1);
      const [q] = int8;
      const save = lineOf(CONV_TRAIN, 'torch.save');
      assert.strictEqual(q.line, save, 'anchored at torch.save');
      assert.deepStrictEqual([q.evidence[0].kind, q.evidence[0].line, q.evidence[0].excerpt], ['model-save', save, 'torch.save(model.state_dict(), "model.pt")']);
      assert.deepStrictEqual([q.evidence[1].kind, q.evidence[1].line], ['architecture', lineOf(CONV_TRAIN, 'models.resnet152()')], 'names what makes it a conv net');
      assert.match(q.saving, /ResNet-50 example: −75% model size \(97\.8 → 24\.8 MB\)/);
      assert.doesNotMatch(q.saving + q.source, /BERT|438/);
      assert.match(q.source, /ResNet50_QuantizedWeights/);
      assert.ok(Math.abs(q.savingRatio - (1 - 24.759 / 97.781)) < 1e-12);
      assert.match(q.snippet!, /prepare_fx\(model\.cpu\(\)\.eval\(\)/, 'the snippet names the saved model and calibrates');
    });

    it('quotes BERT figures only for a transformer checkpoint, the int8 storage ratio for Linear layers', async () => {
      const hf = suggestionsForFile(await analysed('hf.py', HF_TRAIN));
      const [bert] = byKind(hf, 'quantization');
      assert.match(bert.saving, /BERT example: −59% model size \(438 → 181 MB\)/);
      assert.deepStrictEqual(
        bert.evidence.map((e) => [e.kind, e.line]),
        [
          ['model-save', lineOf(HF_TRAIN, 'model.save_pretrained')],
          ['checkpoint', lineOf(HF_TRAIN, 'AutoModelForSequenceClassification.from_pretrained')],
        ],
        'the model save (not the tokenizer save) and the checkpoint',
      );
      assert.match(bert.evidence[1].what, /"bert-base-uncased"/);

      const mlp = suggestionsForFile(await analysed('mlp.py', MLP_SAVES));
      const [dense] = byKind(mlp, 'quantization');
      assert.doesNotMatch(dense.saving + dense.source, /BERT|438|ResNet/);
      assert.match(dense.saving, /^up to −75% model size: int8 weights take 1 byte instead of 4/);
      assert.strictEqual(dense.savingRatio, 0.75);
      assert.match(dense.snippet!, /quantize_dynamic\(net\.cpu\(\)\.eval\(\)/, 'names the saved model');
      assert.deepStrictEqual(dense.evidence.map((e) => e.kind), ['model-save'], 'a dense net has no architecture line to name');
    });

    it('recognises saves, exports and served models, and ignores saves of other things', async () => {
      const head = 'import torch\nimport torch.nn as nn\nnet = nn.Linear(4, 2)\n';
      const cases: [string, string, Suggestion['evidence'][0]['kind'] | undefined][] = [
        ['torch.save(net.state_dict(), "m.pt")', 'torch.save', 'model-save'],
        ['torch.onnx.export(net, torch.zeros(1, 4), "m.onnx")', 'torch.onnx.export', 'model-export'],
        ['torch.jit.save(torch.jit.script(net), "m.pt")', 'torch.jit.save', 'model-export'],
        ['state = {"model": net.state_dict(), "optimizer": opt.state_dict()}\ntorch.save(state, f"ckpt_{epoch}.pt")', 'torch.save', 'model-save'],
        ['torch.save(optimizer.state_dict(), "opt.pt")', 'torch.save', undefined],
        ['torch.save(losses, "losses.pt")', 'torch.save', undefined],
        ['df.save("table")', 'df.save', undefined],
      ];
      for (const [code, anchor, kind] of cases) {
        const text = head + code + '\n';
        const list = suggestionsForFile(await analysed('m.py', text));
        const q = byKind(list, 'quantization')[0];
        if (kind === undefined) {
          assert.strictEqual(q, undefined, `no recipe for: ${code}`);
          continue;
        }
        assert.ok(q, `a recipe for: ${code}`);
        assert.deepStrictEqual([q.evidence[0].kind, q.line], [kind, lineOf(text, anchor)], code);
      }

      const served = 'import torch\nfrom fastapi import FastAPI\napp = FastAPI()\nmodel = torch.load("model.pt")\n';
      const [q] = byKind(suggestionsForFile(await analysed('serve.py', served)), 'quantization');
      assert.deepStrictEqual([q.evidence[0].kind, q.line], ['model-served', 3]);
      assert.match(q.evidence[0].what, /fastapi/);
      assert.deepStrictEqual(byKind(suggestionsForFile(await analysed('serve.py', served)), 'pruning'), [], 'no "prune after training" for a model that is only served');
    });

    it('anchors at the final save after training rather than a checkpoint inside the loop', async () => {
      const text = MLP_NO_SAVE.replace('    opt.step()\n', '    opt.step()\n    torch.save(net.state_dict(), "last.pt")\n') + 'torch.save(net.state_dict(), "final.pt")\n';
      const [q] = byKind(suggestionsForFile(await analysed('ckpt.py', text)), 'quantization');
      assert.strictEqual(q.line, lineOf(text, 'final.pt'));
    });
  });

  describe('CUDA-only advice', () => {
    const CPU_TRAIN = MLP_SAVES;
    const finding = (code: string, line: number, savings?: Finding['savings']): Finding => ({
      code,
      ruleName: code === 'GL303' ? 'dataloader-without-pin-memory' : 'no-mixed-precision',
      message: code === 'GL304' ? 'This CUDA training loop runs every operation in float32.' : 'DataLoader without pin_memory.',
      severity: 'information',
      range: { start: { line, column: 0 }, end: { line, column: 10 }, startIndex: 0, endIndex: 10 },
      savings,
    });
    const PIN_SAVINGS: Finding['savings'] = [
      { metric: 'training time', from: 100, to: 90.2, unit: '% of baseline', ratio: -0.098, source: 'creedengo GCI102' },
      { metric: 'CO2', from: 100, to: 92.4, unit: '% of baseline', ratio: -0.076, source: 'creedengo GCI102' },
    ];

    it('gives none without CUDA evidence, even when a finding asks for it', async () => {
      const input = await analysed('cpu.py', CPU_TRAIN);
      const list = suggestionsForFile({ ...input, findings: [finding('GL304', 7), finding('GL303', 4, PIN_SAVINGS)] });
      assert.deepStrictEqual(
        list.map((s) => s.kind),
        ['quantization', 'pruning'],
        'only the recipes for the saved model',
      );
      assert.ok(list.every((s) => !/CUDA|GPU|pin_memory|mixed precision/i.test(s.title)));
    });

    it('names the line that puts the work on CUDA, however the device is written', async () => {
      const spellings = ['f"cuda:{rank}"', "'cuda:%s' % rank", '"cuda:{}".format(rank)', '"cuda" if torch.cuda.is_available() else "cpu"'];
      for (const device of spellings) {
        const text = CPU_TRAIN.replace('net = nn.Sequential', `device = torch.device(${device})\nnet = nn.Sequential`);
        const input = await analysed('ddp.py', text);
        const [amp] = byKind(suggestionsForFile({ ...input, findings: [finding('GL304', lineOf(text, 'loss.backward'))] }), 'mixed-precision');
        assert.ok(amp, `mixed precision with ${device}`);
        assert.deepStrictEqual(
          amp.evidence.map((e) => [e.kind, e.line]),
          [
            ['finding', lineOf(text, 'loss.backward')],
            ['cuda-device', lineOf(text, 'device = torch.device')],
          ],
          device,
        );
      }
      const checked = CPU_TRAIN.replace('net = nn.Sequential', 'print(torch.cuda.is_available())\nnet = nn.Sequential');
      const input = await analysed('check.py', checked);
      assert.deepStrictEqual(byKind(suggestionsForFile({ ...input, findings: [finding('GL304', 8)] }), 'mixed-precision'), [], 'a check for CUDA is not a use of it');
    });

    it('leaves CUDA-only advice out, and says so, for a script whose run used no GPU', async () => {
      const input = await analysed('train.py', CONV_TRAIN);
      const onGpu = scriptSuggestions(input, { usedGpu: true });
      assert.ok(byKind(onGpu.suggestions, 'mixed-precision').length === 1);
      assert.deepStrictEqual(onGpu.notes, []);
      const onCpu = scriptSuggestions(input, { usedGpu: false });
      assert.deepStrictEqual(byKind(onCpu.suggestions, 'mixed-precision'), []);
      assert.ok(onCpu.suggestions.some((s) => s.kind === 'lighter-model'), 'advice that saves on a CPU too stays');
      assert.strictEqual(onCpu.notes.length, 1);
      assert.match(onCpu.notes[0], /only on a CUDA GPU \(Train with automatic mixed precision\): the run used no GPU/);
    });
  });

  describe('one suggestion per kind, ranked by the saving for the script', () => {
    it('keeps one suggestion per kind, with the other lines of the same finding', async () => {
      const text = `import torch
from torch.utils.data import DataLoader
device = "cuda"
train_loader = DataLoader(train_set, batch_size=64, shuffle=True, num_workers=4)
test_loader = DataLoader(test_set, batch_size=64, num_workers=4)
model = Net().to(device)
for epoch in range(3):
    for x, y in train_loader:
        x, y = x.to(device), y.to(device)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
torch.save(model.state_dict(), "net.pt")
`;
      const input = await analysed('loaders.py', text);
      assert.strictEqual(input.findings.filter((f) => f.code === 'GL303').length, 2, 'GL303 on both loaders');
      const list = suggestionsForFile(input);
      const keys = list.map(suggestionKey);
      assert.deepStrictEqual(keys, [...new Set(keys)], 'no kind twice');
      const pin = list.filter((s) => s.code === 'GL303');
      assert.strictEqual(pin.length, 1);
      assert.deepStrictEqual([pin[0].line, pin[0].alsoAt], [3, [4]]);
      assert.strictEqual(list.filter((s) => s.kind === 'mixed-precision').length, 1);
    });

    it('ranks by the saving in the script\'s last completed run where it has one, else by the figure', async () => {
      const input = await analysed('train.py', CONV_TRAIN);
      const byRatio = suggestionsForFile(input);
      assert.deepStrictEqual(
        byRatio.map((s) => s.kind),
        ['quantization', 'mixed-precision', 'lighter-model', 'pruning'],
      );
      for (let i = 1; i < byRatio.length; i++) assert.ok(byRatio[i - 1].savingRatio >= byRatio[i].savingRatio, 'by relative saving');

      const run = { runId: 'r1', kWh: 2, provenance: 'measured' as const };
      const measured = suggestionsForFile(input, { run });
      // Mixed precision and the lighter model save energy on every run; compressing the saved model does not.
      assert.deepStrictEqual(
        measured.map((s) => s.kind),
        ['mixed-precision', 'lighter-model', 'quantization', 'pruning'],
      );
      const [amp, lighter] = measured;
      const upTo3x = 1 - 1 / 3;
      assert.deepStrictEqual(amp.runSaving, { kWh: 2 * upTo3x, ratio: upTo3x, upTo: true, metric: 'training time', runId: 'r1', runKWh: 2, provenance: 'measured' });
      assert.ok(Math.abs(lighter.runSaving!.kWh - 2 * (1 - 4.089 / 11.514)) < 1e-9, 'the FLOPs saving of the measured energy');
      assert.strictEqual(lighter.runSaving!.metric, 'FLOPs per image');
      assert.strictEqual(measured[2].runSaving, undefined);
    });

    it('ranks across files by energy saved where runs measured it', async () => {
      const conv = await analysed('train.py', CONV_TRAIN);
      const mlp = await analysed('mlp.py', MLP_SAVES);
      const all = suggestionsFor([mlp, conv]);
      assert.deepStrictEqual(
        all.slice(0, 2).map((s) => [s.file, s.kind, s.savingRatio]),
        [
          ['mlp.py', 'quantization', 0.75],
          ['train.py', 'quantization', 1 - 24.759 / 97.781],
        ],
        'without runs, by relative saving',
      );
      const runs: Record<string, { runId: string; kWh: number }> = { 'train.py': { runId: 'a', kWh: 0.001 } };
      const ranked = suggestionsFor([mlp, conv], { contextOf: (file) => ({ run: runs[file] }) });
      assert.deepStrictEqual(
        ranked.slice(0, 2).map((s) => [s.file, s.kind]),
        [
          ['train.py', 'mixed-precision'],
          ['train.py', 'lighter-model'],
        ],
        'savings in kWh first, largest first',
      );
      assert.deepStrictEqual(suggestionsFor([mlp, conv], { limit: 2 }), all.slice(0, 2));
      assert.strictEqual(rankSuggestions([...all, ...all]).length, all.length);
    });
  });

  describe('recipes per framework', () => {
    it('gives Keras files TensorFlow Lite and tfmot recipes anchored at model.save', async () => {
      const list = suggestionsForFile(await analysed('keras_train.py', KERAS_TRAIN));
      assert.deepStrictEqual(
        list.map((s) => [s.kind, s.framework, s.savingRatio, s.line]),
        [
          ['quantization', 'tensorflow', 0.75, 6],
          ['pruning', 'tensorflow', 0, 6],
        ],
      );
      assert.match(list[0].snippet!, /TFLiteConverter\.from_keras_model\(model\)/);
      assert.match(list[0].source, /post-training quantization guide/);
      assert.match(list[1].snippet!, /prune_low_magnitude/);
    });

    it('quotes the conv figures of the TensorFlow Lite guide for a Keras conv net', async () => {
      const text = KERAS_TRAIN.replace('keras.layers.Dense(128, activation="relu")', 'keras.layers.Conv2D(32, 3), keras.layers.Flatten()');
      const [q] = suggestionsForFile(await analysed('keras_conv.py', text));
      assert.match(q.saving, /ResNet v2 101 example: −75% model size \(178\.3 → 44\.9 MB\)/);
      assert.match(q.source, /TensorFlow Lite model optimization guide/);
    });

    it('gives a Hugging Face fine-tune the distilled checkpoint at the line that loads it', async () => {
      const list = suggestionsForFile(await analysed('hf.py', HF_TRAIN));
      assert.ok(list.every((s) => s.framework === 'huggingface'));
      const [distil] = byKind(list, 'distillation');
      assert.strictEqual(distil.title, 'Start from the distilled checkpoint distilbert-base-uncased');
      assert.match(distil.saving, /^−40% parameters \(110M → 66M\); DistilBERT has 40% fewer parameters/);
      assert.match(distil.source, /BERT paper.*Distil\* README/);
      assert.strictEqual(distil.line, 3);
      assert.deepStrictEqual(distil.evidence.map((e) => e.kind), ['checkpoint', 'model-save']);
    });

    it('suggests a lighter checkpoint for a large language model once, not also as distillation', async () => {
      const text = 'from transformers import AutoModel\nmodel = AutoModel.from_pretrained("bert-large-uncased")\nmodel.save_pretrained("out")\n';
      const list = suggestionsForFile(await analysed('big.py', text));
      const [s] = byKind(list, 'lighter-model');
      assert.deepStrictEqual([s.code, s.framework, s.line], ['GL102', 'huggingface', 1]);
      assert.match(s.saving, /parameters \(340 → 66M\)/);
      assert.ok(Math.abs(s.savingRatio - (1 - 66 / 340)) < 1e-12);
      assert.match(s.snippet!, /distilbert-base-uncased/);
      assert.deepStrictEqual(byKind(list, 'distillation'), []);
    });

    it('does not repeat a compression step the file already takes', async () => {
      const quantized = await analysed('q.py', MLP_SAVES + 'q = torch.ao.quantization.quantize_dynamic(net, {nn.Linear}, dtype=torch.qint8)\n');
      assert.deepStrictEqual(
        compressionSuggestions('q.py', quantized.facts!).map((s) => s.kind),
        ['pruning'],
      );
      const pruned = await analysed('p.py', 'import torch.nn.utils.prune as prune\n' + MLP_SAVES + 'prune.l1_unstructured(net[0], name="weight", amount=0.3)\n');
      assert.ok(!compressionSuggestions('p.py', pruned.facts!).some((s) => s.kind === 'pruning'));
      const distilled = await analysed('d.py', HF_TRAIN.replace(/bert-base-uncased/g, 'distilbert-base-uncased'));
      assert.ok(!compressionSuggestions('d.py', distilled.facts!).some((s) => s.kind === 'distillation'));
    });

    it('suggests no recipe for a file without an ML framework', async () => {
      const sklearn = await analysed('rf.py', 'from sklearn.ensemble import RandomForestClassifier\nclf = RandomForestClassifier()\nclf.fit(X, y)\nmodel.save("x")\n');
      assert.strictEqual(frameworkOf(sklearn.facts), 'sklearn');
      assert.deepStrictEqual(compressionSuggestions('rf.py', sklearn.facts!), []);
    });
  });

  it('passes on the figures of other findings, naming the finding', () => {
    const finding: Finding = {
      code: 'GL203',
      ruleName: 'dataframe-row-iteration',
      message: 'iterrows in a loop',
      severity: 'information',
      range: { start: { line: 7, column: 0 }, end: { line: 7, column: 10 }, startIndex: 0, endIndex: 10 },
      savings: [{ metric: 'time', from: 100, to: 10, unit: '%', ratio: -0.9, source: 'pandas docs' }],
    };
    const [s] = suggestionsForFile({ file: 'x.py', findings: [finding] });
    assert.deepStrictEqual([s.kind, s.code, s.line, s.source], ['loop', 'GL203', 7, 'pandas docs']);
    assert.deepStrictEqual(s.evidence, [{ kind: 'finding', line: 7, what: 'GL203 dataframe-row-iteration' }]);
    assert.strictEqual(s.savingRatio, 0.9);
    assert.match(s.saving, /^−90% time \(100 → 10 %\)/);
  });
});
