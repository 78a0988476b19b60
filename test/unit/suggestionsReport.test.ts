/**
 * The run report's "What would save the most" (the script that ran, read
 * safely from its folder and analysed, its suggestions ranked by the run's
 * energy) and the findings list the sidebar's family tiles filter.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Finding } from '../../src/core/analysis/types';
import type { RunRecord } from '../../src/core/history/runRecord';
import { familyOf, findingItems, findingItemsOf, firstSentence } from '../../src/core/insights/findingsList';
import { scriptContextsOf } from '../../src/core/insights/runContexts';
import { reportSavings, scriptContextOfRecord } from '../../src/core/insights/scriptSavings';
import type { RunPoint } from '../../src/shared/protocol';

const CONV_TRAIN = `import torch
import torch.nn as nn
import torchvision.models as models
from torch.utils.data import DataLoader

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
loader = DataLoader(train_set, batch_size=64, shuffle=True, num_workers=2)
model = models.resnet152().to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
torch.save(model.state_dict(), "model.pt")
`;

type RecordPart = Pick<RunRecord, 'runId' | 'status' | 'energy'>;

function record(status: RunRecord['status'], components: RunRecord['energy']['components']): RecordPart {
  return { runId: 'run-1', status, energy: { totalKWh: components.reduce((s, c) => s + c.energyKWh, 0), components } as RunRecord['energy'] };
}

const cpu = (kWh: number) => ({ component: 'cpu' as const, energyKWh: kWh, powerW: 10, provenance: 'measured' as const, source: 'RAPL package-0' });
const gpu = (kWh: number) => ({ component: 'gpu' as const, energyKWh: kWh, powerW: 200, provenance: 'measured' as const, source: 'nvidia-smi' });

describe('insights/scriptSavings', () => {
  let folder: string;

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlens-savings-'));
  });

  afterEach(() => {
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('lists the script\'s suggestions, ranked by what they save of its completed run, and all its findings', async () => {
    fs.mkdirSync(path.join(folder, 'src'));
    fs.writeFileSync(path.join(folder, 'src', 'train.py'), CONV_TRAIN);
    const context = scriptContextOfRecord(record('completed', [cpu(0.1), gpu(0.9)]));
    assert.deepStrictEqual(context, { usedGpu: true, run: { runId: 'run-1', kWh: 1, provenance: 'measured' } });
    const savings = await reportSavings({ folder, script: 'src/train.py', context });
    assert.strictEqual(savings.script, 'src/train.py');
    assert.deepStrictEqual(savings.notes, []);
    assert.deepStrictEqual(
      savings.suggestions.map((s) => [s.kind, s.line, s.runSaving !== undefined]),
      [
        ['mixed-precision', 14, true],
        ['lighter-model', 7, true],
        ['training-hygiene', 6, true],
        ['quantization', 16, false],
        ['pruning', 16, false],
      ],
    );
    assert.ok(savings.suggestions.every((s) => s.file === 'src/train.py' && s.evidence.length > 0 && s.evidence[0].line === s.line));
    const codes = savings.findings.map((f) => f.code);
    for (const code of ['GL101', 'GL303', 'GL304']) assert.ok(codes.includes(code), `${code} is listed`);
    assert.ok(savings.findings.every((f) => f.file === 'src/train.py' && f.summary.length > 0));
  });

  it('leaves CUDA-only advice out of the report of a run that used no GPU, with a note', async () => {
    fs.writeFileSync(path.join(folder, 'train.py'), CONV_TRAIN);
    const savings = await reportSavings({ folder, script: 'train.py', context: scriptContextOfRecord(record('completed', [cpu(0.02)])) });
    assert.deepStrictEqual(
      savings.suggestions.map((s) => s.kind),
      ['lighter-model', 'quantization', 'pruning'],
    );
    assert.strictEqual(savings.notes.length, 1);
    assert.match(savings.notes[0], /only on a CUDA GPU \(Add pin_memory=True[^;]*; Train with automatic mixed precision\): the run used no GPU\./);
  });

  it('does not rank by the energy of a failed or cancelled run', () => {
    assert.deepStrictEqual(scriptContextOfRecord(record('failed', [cpu(0.5)])), { usedGpu: false });
    assert.deepStrictEqual(scriptContextOfRecord(record('cancelled', [cpu(0.5), gpu(1)])), { usedGpu: true });
  });

  it('says why nothing is listed for a script that is missing, outside the folder or not Python', async () => {
    const missing = await reportSavings({ folder, script: 'gone.py' });
    assert.deepStrictEqual([missing.suggestions, missing.findings], [[], []]);
    assert.match(missing.notes[0], /^gone\.py cannot be opened/);
    const outside = await reportSavings({ folder, script: '../../etc/passwd.py' });
    assert.match(outside.notes[0], /is outside the workspace folder/);
    const js = await reportSavings({ folder, script: 'train.js' });
    assert.match(js.notes[0], /analyses Python scripts; train\.js is not one/);
  });

  it('applies the rule settings, as the editor does', async () => {
    fs.writeFileSync(path.join(folder, 'train.py'), CONV_TRAIN);
    const savings = await reportSavings({ folder, script: 'train.py', rules: { GL1: 'off', GL304: 'off' } });
    assert.ok(!savings.findings.some((f) => f.family === 'GL1' || f.code === 'GL304'));
    assert.ok(!savings.suggestions.some((s) => s.kind === 'lighter-model' || s.kind === 'mixed-precision'));
  });
});

describe('insights/findingsList', () => {
  const finding = (code: string, line: number, message = 'A finding. More text.'): Finding => ({
    code,
    ruleName: 'rule',
    message,
    severity: 'warning',
    range: { start: { line, column: 0 }, end: { line, column: 1 }, startIndex: 0, endIndex: 1 },
  });

  it('reads the first sentence, keeping decimals and code spans whole', () => {
    assert.strictEqual(firstSentence('resnet152 → resnet50: 11.5 → 4.1 GFLOPs (−64%). Source: torchvision.'), 'resnet152 → resnet50: 11.5 → 4.1 GFLOPs (−64%).');
    assert.strictEqual(firstSentence('`loss.item()` syncs the host with the GPU every step. `.item()` waits.'), '`loss.item()` syncs the host with the GPU every step.');
    assert.strictEqual(firstSentence('No full stop here'), 'No full stop here');
    assert.strictEqual(firstSentence('x'.repeat(400)).length, 300);
  });

  it('names each finding\'s family and place, by family, file and line, at most a number per family', () => {
    assert.deepStrictEqual([familyOf('GL304'), familyOf('GL9'), familyOf('E501')], ['GL3', undefined, undefined]);
    const items = findingItems(
      [
        { file: 'b.py', findings: [finding('GL304', 9), finding('GL201', 3)] },
        { file: 'a.py', findings: [finding('GL302', 1), finding('GL303', 1), finding('X1', 0)] },
      ],
      2,
    );
    assert.deepStrictEqual(
      items.map((i) => `${i.family} ${i.code} ${i.file}:${i.line}`),
      ['GL2 GL201 b.py:3', 'GL3 GL302 a.py:1', 'GL3 GL303 a.py:1'],
      'GL3 keeps its first two; a code outside the catalogue is left out',
    );
    assert.deepStrictEqual(findingItemsOf('a.py', [finding('GL101', 4)])[0], {
      code: 'GL101',
      ruleName: 'rule',
      family: 'GL1',
      severity: 'warning',
      summary: 'A finding.',
      file: 'a.py',
      line: 4,
    });
  });
});

describe('insights/runContexts', () => {
  const point = (runId: string, script: string, energyKWh: number, status: RunPoint['status']): RunPoint => ({ runId, endedAt: 0, script, energyKWh, kgCO2e: 0, durationS: 1, status });

  it('takes each script\'s last completed run, never a failed or cancelled one', () => {
    const points = [point('a1', 'a.py', 1, 'completed'), point('b1', 'b.py', 5, 'completed'), point('a2', 'a.py', 0.1, 'failed'), point('b2', 'b.py', 0.2, 'cancelled')];
    const contexts = scriptContextsOf(points);
    assert.deepStrictEqual(Object.fromEntries(contexts), { 'a.py': { run: { runId: 'a1', kWh: 1 } }, 'b.py': { run: { runId: 'b1', kWh: 5 } } });
  });

  it('looks up the status the CSV does not carry, within a budget', () => {
    const points = [point('a1', 'a.py', 1, 'unknown'), point('a2', 'a.py', 2, 'unknown'), point('c1', 'c.py', 3, 'unknown')];
    const statuses: Record<string, RunPoint['status']> = { a2: 'failed', a1: 'completed', c1: 'completed' };
    const looked: string[] = [];
    const contexts = scriptContextsOf(points, (id) => (looked.push(id), statuses[id]), 2);
    assert.deepStrictEqual(looked, ['c1', 'a2']);
    assert.deepStrictEqual([...contexts.keys()], ['c.py'], 'a.py\'s older run is past the lookup budget');
    assert.deepStrictEqual(Object.fromEntries(scriptContextsOf(points)), {}, 'unknown is not completed');
  });
});
