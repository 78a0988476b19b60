/**
 * The model table is data that messages quote to users, so it is checked like
 * code: every name it points at exists, every figure has a source, and the
 * GL101 message repeats the table's figures rather than its own.
 */
import * as assert from 'assert';
import { analyzePython } from '../../src/core/analysis/analyzer';
import { percent } from '../../src/core/analysis/ruleHelpers';
import { LANGUAGE_MODELS, VISION_MODELS } from '../../src/core/knowledge/models';
import { checkpointParamsM, heavyLanguageFamily, languageModel, visionFigures, visionModel } from '../../src/core/knowledge/modelReader';

describe('knowledge/models', () => {
  it('names each vision model once per library', () => {
    const keys = VISION_MODELS.map((m) => `${m.library}:${m.name}`);
    assert.strictEqual(new Set(keys).size, keys.length);
  });

  it('names each language checkpoint id or alias once', () => {
    const ids = LANGUAGE_MODELS.flatMap((m) => [m.id, ...m.aliases].map((x) => x.toLowerCase()));
    assert.strictEqual(new Set(ids).size, ids.length);
  });

  it('suggests only siblings that exist in the same library and are lighter', () => {
    for (const m of VISION_MODELS) {
      for (const s of m.siblings ?? []) {
        const sibling = visionModel(m.library, s);
        assert.ok(sibling, `${m.library} ${m.name}: sibling ${s} is not in the table`);
        const a = visionFigures(m);
        const b = visionFigures(sibling);
        const cost = (f: typeof a) => f.gflops ?? f.paramsM!;
        assert.ok(cost(b) < cost(a), `${m.name} → ${s} is not lighter`);
        assert.ok(!sibling.heavy, `${m.name} suggests ${s}, which is itself heavy`);
      }
      if (m.heavy) assert.ok((m.siblings ?? []).length > 0, `heavy ${m.name} has no sibling to suggest`);
    }
    for (const m of LANGUAGE_MODELS) {
      for (const s of m.siblings ?? []) {
        const sibling = languageModel(s);
        assert.ok(sibling, `${m.id}: sibling ${s} is not in the table`);
        assert.ok(sibling.paramsM < m.paramsM, `${m.id} → ${s} is not smaller`);
        assert.ok(!sibling.heavy, `${m.id} suggests ${s}, which is itself heavy`);
      }
      if (m.heavy) assert.ok((m.siblings ?? []).length > 0, `heavy ${m.id} has no sibling to suggest`);
    }
  });

  it('gives every figure a source', () => {
    for (const m of VISION_MODELS) {
      assert.ok(m.source.trim().length > 10, `${m.library} ${m.name} has no source`);
      if (m.library === 'torchvision') {
        assert.ok((m.weights ?? []).length > 0, `${m.name} has no weights figures`);
        for (const x of m.weights!) assert.ok(x.top1 > 0 && x.gflops > 0 && x.paramsM > 0 && x.inputPx > 0, `${m.name} ${x.tag}`);
        assert.ok(m.weightsEnum?.endsWith('_Weights'), `${m.name} has no weights enum`);
      }
      if (m.library === 'timm') {
        const base = visionModel('torchvision', m.sameAs ?? '');
        assert.ok(base, `timm ${m.name} points at a missing torchvision model`);
        assert.ok(m.source.includes(base.name), `timm ${m.name}'s source does not name ${base.name}`);
        assert.strictEqual(visionFigures(m).top1, undefined, 'timm accuracy varies by weights and is not claimed');
      }
      if (m.library === 'keras') assert.ok(m.paramsM! > 0 && m.top1! > 0, `Keras ${m.name}`);
    }
    for (const m of LANGUAGE_MODELS) {
      assert.ok(m.source.trim().length > 10, `${m.id} has no source`);
      assert.ok(m.paramsM > 0);
      for (const s of m.scores ?? []) assert.ok(s.source.trim().length > 10 && s.benchmark.length > 0, `${m.id} score without source`);
    }
  });

  it('keeps the figures the rule catalogue quotes', () => {
    const r152 = visionFigures(visionModel('torchvision', 'resnet152')!);
    const r50 = visionModel('torchvision', 'resnet50')!;
    assert.deepStrictEqual([r152.gflops, r152.top1], [11.514, 78.312]);
    assert.deepStrictEqual(r50.weights!.map((x) => [x.tag, x.top1]), [['IMAGENET1K_V1', 76.13], ['IMAGENET1K_V2', 80.858]]);
    assert.strictEqual(languageModel('distilbert-base-uncased')!.paramsM, 66);
    assert.strictEqual(languageModel('google-bert/bert-large-uncased')!.id, 'bert-large-uncased');
  });

  it('recognises derived and very large checkpoints by name', () => {
    assert.strictEqual(heavyLanguageFamily('deepset/roberta-large-squad2')?.id, 'roberta-large');
    assert.strictEqual(heavyLanguageFamily('bert-large-uncased-whole-word-masking-finetuned-squad')?.stem, 'bert-large');
    assert.strictEqual(heavyLanguageFamily('distilroberta-base'), undefined);
    assert.strictEqual(heavyLanguageFamily('google/flan-t5-large'), undefined);
    assert.strictEqual(checkpointParamsM('meta-llama/Meta-Llama-3-70B-Instruct'), 70000);
    assert.strictEqual(checkpointParamsM('t5-small'), 60);
  });

  it('builds the GL101 resnet152 message from the table', async () => {
    const { findings, tree } = await analyzePython('import torchvision.models as models\nmodel = models.resnet152()\n');
    tree.delete();
    const f = findings.find((x) => x.code === 'GL101');
    assert.ok(f, 'resnet152 is flagged');
    const heavy = visionModel('torchvision', 'resnet152')!.weights![0];
    const [v1, v2] = visionModel('torchvision', 'resnet50')!.weights!;
    const flops = `${percent((v1.gflops - heavy.gflops) / heavy.gflops)} FLOPs (${heavy.gflops.toFixed(1)} → ${v1.gflops.toFixed(1)} GFLOPs)`;
    assert.ok(f.message.startsWith(`resnet152 → resnet50: ${flops}`), f.message);
    assert.ok(f.message.includes('−64% FLOPs (11.5 → 4.1 GFLOPs)'), 'matches the figure RULES.md quotes');
    assert.ok(f.message.includes(`top-1 ${heavy.top1.toFixed(1)} → ${v1.top1.toFixed(1)} (${v2.top1.toFixed(1)} with IMAGENET1K_V2 weights)`), f.message);
    assert.ok(f.message.includes(visionModel('torchvision', 'resnet152')!.source));
    const saving = f.savings!.find((s) => s.metric.startsWith('FLOPs'))!;
    assert.deepStrictEqual([saving.from, saving.to], [heavy.gflops, v1.gflops]);
    assert.ok(saving.source.length > 0);
  });
});
