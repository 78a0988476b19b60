/**
 * Quick fixes of GL101 and GL102: offered (and marked safe) only where a
 * rename keeps the program working, and applied consistently across a file.
 */
import * as assert from 'assert';
import { analyzePython } from '../../src/core/analysis/analyzer';
import type { Finding, TextEdit } from '../../src/core/analysis/types';

async function findingsOf(text: string, code: string): Promise<Finding[]> {
  const { findings, tree } = await analyzePython(text);
  tree.delete();
  return findings.filter((f) => f.code === code);
}

function apply(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range.startIndex - a.range.startIndex)) {
    out = out.slice(0, e.range.startIndex) + e.newText + out.slice(e.range.endIndex);
  }
  return out;
}

const TV = 'import torchvision.models as models\n';

describe('GL101 quick fix', () => {
  it('renames the builder and its DEFAULT weights enum together', async () => {
    const text = TV + 'm = models.resnet152(weights=models.ResNet152_Weights.DEFAULT)\n';
    const [f] = await findingsOf(text, 'GL101');
    assert.ok(f.fix?.safe);
    assert.strictEqual(apply(text, f.fix.edits), TV + 'm = models.resnet50(weights=models.ResNet50_Weights.DEFAULT)\n');
  });

  it('renames when weights are default, None, "DEFAULT" or legacy pretrained', async () => {
    for (const args of ['', 'weights=None', 'weights="DEFAULT"', 'pretrained=True', 'pretrained=False']) {
      const [f] = await findingsOf(TV + `m = models.resnet101(${args})\n`, 'GL101');
      assert.ok(f.fix?.safe, `fix for resnet101(${args})`);
    }
  });

  it('offers no fix when specific weights are chosen or cannot be read', async () => {
    for (const args of ['weights="IMAGENET1K_V1"', 'weights=models.ResNet152_Weights.IMAGENET1K_V2', 'weights=w', '**kw']) {
      const [f] = await findingsOf(TV + `m = models.resnet152(${args})\n`, 'GL101');
      assert.ok(f, `resnet152(${args}) is still reported`);
      assert.strictEqual(f.fix, undefined, `no fix for resnet152(${args})`);
    }
  });

  it('offers no fix when the lighter sibling is not a drop-in replacement', async () => {
    const [f] = await findingsOf(TV + 'm = models.vgg16(weights="DEFAULT")\n', 'GL101');
    assert.strictEqual(f.fix, undefined);
    const [g] = await findingsOf('from torchvision.models import resnet152\nm = resnet152()\n', 'GL101');
    assert.strictEqual(g.fix, undefined, 'a bare imported name would need an import edit');
  });

  it('renames timm names and Keras applications', async () => {
    const timm = 'import timm\nm = timm.create_model("resnet152", pretrained=True)\n';
    const [t] = await findingsOf(timm, 'GL101');
    assert.strictEqual(apply(timm, t.fix!.edits), 'import timm\nm = timm.create_model("resnet50", pretrained=True)\n');
    const keras = 'import tensorflow as tf\nm = tf.keras.applications.ResNet152V2(weights="imagenet")\n';
    const [k] = await findingsOf(keras, 'GL101');
    assert.strictEqual(apply(keras, k.fix!.edits), 'import tensorflow as tf\nm = tf.keras.applications.ResNet50V2(weights="imagenet")\n');
  });

  it('reports a perceptual-loss VGG without a fix, as Information', async () => {
    const [f] = await findingsOf(TV + 'vgg = models.vgg19(weights="DEFAULT").features.eval()\n', 'GL101');
    assert.strictEqual(f.severity, 'information');
    assert.strictEqual(f.fix, undefined);
    assert.match(f.message, /training target/);
  });
});

describe('GL102 quick fix', () => {
  it('replaces the checkpoint id in the model and its tokenizer', async () => {
    const text = [
      'from transformers import AutoModel, AutoTokenizer',
      'tok = AutoTokenizer.from_pretrained("bert-large-uncased")',
      'model = AutoModel.from_pretrained("bert-large-uncased")',
      '',
    ].join('\n');
    const [f] = await findingsOf(text, 'GL102');
    assert.strictEqual(f.fix?.safe, false);
    assert.strictEqual(apply(text, f.fix.edits), text.replace(/bert-large-uncased/g, 'distilbert-base-uncased'));
  });

  it('edits a module-level constant once, keeping every use matched', async () => {
    const text = [
      'from transformers import AutoModel, AutoTokenizer',
      'NAME = "google-bert/bert-large-uncased"',
      'tok = AutoTokenizer.from_pretrained(NAME)',
      'model = AutoModel.from_pretrained(NAME)',
      '',
    ].join('\n');
    const [f] = await findingsOf(text, 'GL102');
    assert.strictEqual(f.fix!.edits.length, 1);
    assert.strictEqual(apply(text, f.fix!.edits), text.replace('google-bert/bert-large-uncased', 'distilbert/distilbert-base-uncased'));
  });

  it('offers no fix for a task fine-tuned checkpoint', async () => {
    const [f] = await findingsOf('from transformers import pipeline\np = pipeline("question-answering", model="deepset/roberta-large-squad2")\n', 'GL102');
    assert.strictEqual(f.severity, 'information');
    assert.strictEqual(f.fix, undefined);
  });
});
