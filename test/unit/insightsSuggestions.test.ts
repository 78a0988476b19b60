/**
 * Suggestions: built from real analysis of small scripts, ranked by their
 * saving, every figure with its source, and compression recipes only where a
 * file trains or saves a model and does not compress it already.
 */
import * as assert from 'assert';
import { analyzePython } from '../../src/core/analysis/analyzer';
import type { Finding } from '../../src/core/analysis/types';
import { compressionSuggestions, frameworkOf, rankSuggestions, suggestionsFor, suggestionsForFile, type FileInsightInput } from '../../src/core/insights/suggestions';
import type { Suggestion } from '../../src/shared/protocol';

async function analysed(file: string, text: string): Promise<FileInsightInput> {
  const r = await analyzePython(text);
  r.tree.delete();
  return { file, findings: r.findings, facts: r.facts };
}

const TORCH_TRAIN = `import torch
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

const MLP_TRAIN = `import torch
import torch.nn as nn

net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
opt = torch.optim.Adam(net.parameters())
for x, y in data:
    loss = nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
torch.save(net.state_dict(), "mlp.pt")
`;

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
model.save_pretrained("final")
`;

const byKind = (list: Suggestion[], kind: Suggestion['kind']) => list.filter((s) => s.kind === kind);

describe('insights/suggestions', () => {
  it('turns a PyTorch training script into ranked suggestions with sources', async () => {
    const input = await analysed('train.py', TORCH_TRAIN);
    const list = suggestionsForFile(input);
    assert.deepStrictEqual(
      list.map((s) => s.kind),
      ['mixed-precision', 'lighter-model', 'quantization', 'quantization', 'pruning'],
    );
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].savingRatio >= list[i].savingRatio, 'ranked by saving');
    for (const s of list) {
      assert.ok(s.source.length > 10, `${s.title} names its source`);
      assert.strictEqual(s.file, 'train.py');
      assert.strictEqual(s.framework, 'pytorch');
      assert.ok(s.snippet, `${s.title} has a snippet`);
    }

    const [amp] = byKind(list, 'mixed-precision');
    assert.strictEqual(amp.code, 'GL304');
    assert.match(amp.saving, /up to 3×/);
    assert.match(amp.source, /Performance Tuning Guide/);
    assert.match(amp.snippet!, /torch\.autocast\("cuda"/);

    const [lighter] = byKind(list, 'lighter-model');
    assert.strictEqual(lighter.code, 'GL101');
    assert.strictEqual(lighter.title, 'Lighter model: resnet50 instead of resnet152');
    assert.match(lighter.saving, /^−64% FLOPs per image \(11\.5 → 4\.09 GFLOPs\), −57% parameters/);
    assert.ok(Math.abs(lighter.savingRatio - (1 - 4.089 / 11.514)) < 1e-9);
    assert.match(lighter.source, /torchvision docs/);
    assert.strictEqual(lighter.line, 4);
    assert.strictEqual(lighter.snippet, 'model = models.resnet50()', 'the fix applied to the line');

    // A conv net gains little from dynamic quantization: no BERT figures, ranked 0.
    const int8 = list.find((s) => /int8/.test(s.title))!;
    assert.strictEqual(int8.savingRatio, 0);
    assert.doesNotMatch(int8.saving, /438 → 181/);
    assert.match(int8.saving, /Linear and LSTM/);
    assert.strictEqual(int8.line, 17, 'anchored at torch.save');
    assert.match(int8.snippet!, /quantize_dynamic\(model\.cpu\(\)\.eval\(\), \{torch\.nn\.Linear\}, dtype=torch\.qint8\)/);
  });

  it('quotes the BERT dynamic quantization figures for a Linear model', async () => {
    const list = suggestionsForFile(await analysed('mlp.py', MLP_TRAIN));
    const int8 = list.find((s) => /int8/.test(s.title))!;
    assert.match(int8.saving, /438 → 181 MB/);
    assert.match(int8.saving, /F1 0\.9019 → 0\.902/);
    assert.match(int8.source, /Dynamic Quantization on BERT/);
    assert.ok(Math.abs(int8.savingRatio - (1 - 181 / 438)) < 1e-12);
    assert.match(int8.snippet!, /quantize_dynamic\(net\.cpu\(\)/, 'names the saved model');
    const half = list.find((s) => /half precision/.test(s.title))!;
    assert.strictEqual(half.savingRatio, 0.5);
    assert.match(half.snippet!, /net\.state_dict\(\)/);
    assert.deepStrictEqual(
      list.map((s) => s.title),
      ['Quantize the trained model to int8 (dynamic quantization)', 'Export the weights in half precision', 'Prune the smallest weights after training'],
    );
  });

  it('gives Keras files TensorFlow Lite and tfmot recipes', async () => {
    const list = suggestionsForFile(await analysed('keras_train.py', KERAS_TRAIN));
    assert.deepStrictEqual(
      list.map((s) => [s.kind, s.framework, s.savingRatio]),
      [
        ['quantization', 'tensorflow', 0.75],
        ['quantization', 'tensorflow', 0.5],
        ['pruning', 'tensorflow', 0],
      ],
    );
    assert.match(list[0].snippet!, /TFLiteConverter\.from_keras_model\(model\)/);
    assert.match(list[0].source, /post-training quantization guide/);
    assert.match(list[2].snippet!, /prune_low_magnitude/);
  });

  it('gives Hugging Face fine-tunes int8, fp16 and the distilled checkpoint', async () => {
    const list = suggestionsForFile(await analysed('hf.py', HF_TRAIN));
    assert.ok(list.every((s) => s.framework === 'huggingface'));
    const distil = byKind(list, 'distillation')[0];
    assert.strictEqual(distil.title, 'Start from the distilled checkpoint distilbert-base-uncased');
    assert.match(distil.saving, /^−40% parameters \(110M → 66M\); DistilBERT has 40% fewer parameters/);
    assert.match(distil.source, /BERT paper.*Distil\* README/);
    assert.strictEqual(distil.line, 3);
    assert.match(list.find((s) => /half/.test(s.title))!.snippet!, /model\.half\(\)\.save_pretrained/);
  });

  it('suggests a lighter checkpoint for a large language model, with the parameter figure', async () => {
    const input = await analysed('big.py', 'from transformers import AutoModel\nmodel = AutoModel.from_pretrained("bert-large-uncased")\n');
    const [s] = suggestionsForFile(input);
    assert.deepStrictEqual([s.kind, s.code, s.framework], ['lighter-model', 'GL102', 'huggingface']);
    assert.match(s.saving, /parameters \(340 → 66M\)/);
    assert.ok(Math.abs(s.savingRatio - (1 - 66 / 340)) < 1e-12);
    assert.match(s.snippet!, /distilbert-base-uncased/);
  });

  it('does not repeat a compression step the file already takes', async () => {
    const quantized = await analysed(
      'q.py',
      MLP_TRAIN + 'q = torch.ao.quantization.quantize_dynamic(net, {nn.Linear}, dtype=torch.qint8)\ntorch.save(q.state_dict(), "q.pt")\n',
    );
    assert.deepStrictEqual(
      compressionSuggestions('q.py', quantized.facts!).map((s) => s.kind),
      ['pruning'],
    );
    const pruned = await analysed('p.py', 'import torch.nn.utils.prune as prune\n' + MLP_TRAIN + 'prune.l1_unstructured(net[0], name="weight", amount=0.3)\n');
    assert.ok(!compressionSuggestions('p.py', pruned.facts!).some((s) => s.kind === 'pruning'));
    const distilled = await analysed('d.py', HF_TRAIN.replace(/bert-base-uncased/g, 'distilbert-base-uncased'));
    assert.ok(!compressionSuggestions('d.py', distilled.facts!).some((s) => s.kind === 'distillation'));
  });

  it('suggests no recipe for a file that neither trains nor saves a model, or has no ML framework', async () => {
    const inference = await analysed('infer.py', 'import torch\nmodel = torch.load("m.pt")\nprint(model(torch.zeros(1)))\n');
    assert.deepStrictEqual(compressionSuggestions('infer.py', inference.facts!), []);
    const sklearn = await analysed('rf.py', 'from sklearn.ensemble import RandomForestClassifier\nclf = RandomForestClassifier()\nclf.fit(X, y)\n');
    assert.strictEqual(frameworkOf(sklearn.facts), 'sklearn');
    assert.deepStrictEqual(compressionSuggestions('rf.py', sklearn.facts!), []);
    const frame = await analysed('df.py', 'import torch\nimport pandas as pd\ndf = pd.DataFrame()\ndf.save("x")\n');
    assert.deepStrictEqual(compressionSuggestions('df.py', frame.facts!), [], 'a DataFrame .save is not a model save');
  });

  it('ranks across files, drops duplicates and keeps the best `limit`', async () => {
    const files = [await analysed('mlp.py', MLP_TRAIN), await analysed('train.py', TORCH_TRAIN)];
    const all = suggestionsFor(files);
    assert.strictEqual(all[0].kind, 'mixed-precision');
    assert.strictEqual(all[0].file, 'train.py');
    assert.deepStrictEqual(suggestionsFor(files, { limit: 2 }), all.slice(0, 2));
    assert.strictEqual(rankSuggestions([...all, ...all]).length, all.length);
  });

  it('passes on the figures of other findings that carry savings', () => {
    const finding: Finding = {
      code: 'GL303',
      ruleName: 'dataloader-without-pin-memory',
      message: 'DataLoader without pin_memory',
      severity: 'information',
      range: { start: { line: 7, column: 0 }, end: { line: 7, column: 10 }, startIndex: 0, endIndex: 10 },
      savings: [{ metric: 'training time', from: 100, to: 90.2, unit: '%', ratio: -0.098, source: 'creedengo GCI102' }],
    };
    const [s] = suggestionsForFile({ file: 'x.py', findings: [finding] });
    assert.deepStrictEqual([s.kind, s.code, s.line, s.source], ['training-hygiene', 'GL303', 7, 'creedengo GCI102']);
    assert.strictEqual(s.savingRatio, 0.098);
    assert.match(s.saving, /^−10% training time \(100 → 90\.2 %\)/);
  });
});
