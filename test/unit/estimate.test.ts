/**
 * The estimate's arithmetic against figures computed by hand from the
 * script, the tables and the formula: work, time, energy, CO2e, hardware
 * matching, calibration and the savings per finding.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../src/core/analysis/analyzer';
import { estimateTraining, findingSavings, type CpuInfo } from '../../src/core/estimate';
import { calibrate } from '../../src/core/estimate/calibration';
import type { RunRecord } from '../../src/core/history/runRecord';
import { resolveRegion } from '../../src/core/knowledge/region';
import { lookupGpu } from '../../src/core/knowledge/gpus';
import { projectRoot } from '../support/paths';

const CPU: CpuInfo = { model: 'Test CPU 9000', threads: 4, mhz: 2500, ramGb: 16 };

async function factsOf(text: string) {
  const result = await analyzePython(text);
  result.tree.delete();
  return result;
}

function close(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

const MLP = `import torch
import torch.nn as nn
EPOCHS = 5
x = torch.randn(12000, 64)
y = torch.randn(12000, 10)
model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(EPOCHS):
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
`;

const RESNET = `import argparse
import torch
import torchvision
parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=90)
args = parser.parse_args()
data = torchvision.datasets.ImageNet("/data", split="train")
loader = torch.utils.data.DataLoader(data, batch_size=256)
model = torchvision.models.resnet50()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scaler = torch.cuda.amp.GradScaler()
for epoch in range(args.epochs):
    for images, labels in loader:
        with torch.autocast("cuda"):
            loss = torch.nn.functional.cross_entropy(model(images), labels)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
`;

describe('estimate', () => {
  it('computes work, time, energy and CO2e of a literal-sized MLP on this CPU by the formula', async () => {
    const { facts } = await factsOf(MLP);
    const [e] = estimateTraining(facts, { cpu: CPU, pue: 1.5, region: 'FR' });
    const params = 64 * 128 + 128 + 128 * 10 + 10;
    const flops = 3 * 2 * params * 12000 * 5;
    close(e.flops, flops, 'flops');
    const peak = 4 * 2500e6 * 16;
    close(e.durationS, flops / (peak * 0.03), 'duration');
    close(e.durationLowS, flops / (peak * 0.2), 'duration low');
    close(e.durationHighS, flops / (peak * 0.01), 'duration high');
    // 'Test CPU 9000' is not in the TDP table: 4 threads × 4 W; RAM 16 GB × 0.375 W (the same RAM model as runs).
    const watts = 4 * 4 + 16 * 0.375;
    const kWh = ((flops / (peak * 0.03)) * watts) / 3.6e6;
    close(e.energyKWh, kWh * 1.5, 'energy');
    close(e.co2eKg, (kWh * 1.5 * resolveRegion('FR').gPerKWh) / 1000, 'co2e');
    assert.strictEqual(e.basis, 'static');
    assert.strictEqual(e.line, 7);
    assert.strictEqual(e.entry, 'training loop');
    assert.strictEqual(e.gpus, 0);
    const names = e.assumptions.map((a) => a.name);
    for (const n of ['model', 'samples per epoch', 'epochs', 'hardware', 'precision', 'utilisation', 'PUE', 'region']) assert.ok(names.includes(n), `missing ${n}`);
    assert.ok(e.assumptions.every((a) => a.source.length > 0));
    assert.match(e.assumptions.find((a) => a.name === 'epochs')!.source, /module constant EPOCHS/);
  });

  it('reads epochs from script arguments over argparse defaults, and times a GPU at its mixed-precision peak', async () => {
    const { facts } = await factsOf(RESNET);
    const [byDefault] = estimateTraining(facts, { hardware: 'A100', cpu: CPU });
    const [e] = estimateTraining(facts, { hardware: 'A100', gpus: 2, cpu: CPU, scriptArgs: ['--epochs', '10'] });
    const flops = 3 * 2 * 4.089e9 * 1_281_167 * 10;
    close(e.flops, flops, 'flops');
    close(byDefault.flops, flops * 9, 'flops at the default 90 epochs');
    // GradScaler/autocast → fp16 tensor peak 312 TFLOPS per A100, 2 GPUs, conv prior 35%.
    const seconds = flops / (2 * 312e12 * 0.35);
    close(e.durationS, seconds, 'duration');
    const watts = 2 * 400 + 16 * 0.5 + 16 * 0.375;
    close(e.energyKWh, (seconds * watts) / 3.6e6, 'energy');
    assert.strictEqual(e.hardware, 'A100 SXM4 80 GB');
    assert.strictEqual(e.gpus, 2);
    assert.match(e.assumptions.find((a) => a.name === 'epochs')!.source, /--epochs 10/);
    assert.match(byDefault.assumptions.find((a) => a.name === 'epochs')!.source, /argparse default/);
    assert.ok(e.notes?.some((n) => /closest entry/.test(n)));
  });

  it('finds nothing to estimate in a file that does not train', async () => {
    const { facts } = await factsOf('import pandas as pd\ndf = pd.read_csv("x.csv")\nprint(df.describe())\n');
    assert.deepStrictEqual(estimateTraining(facts, { cpu: CPU }), []);
  });

  it('matches GPU names as the table and nvidia-smi spell them', () => {
    assert.strictEqual(lookupGpu('A100')?.gpu.name, 'A100 SXM4 80 GB');
    assert.strictEqual(lookupGpu('A100')?.exact, false);
    assert.strictEqual(lookupGpu('NVIDIA A100-PCIE-40GB')?.gpu.name, 'A100 PCIe 40/80GB');
    assert.deepStrictEqual(lookupGpu('Tesla V100-SXM2-16GB'), { gpu: lookupGpu('Tesla V100-SXM2-16GB')!.gpu, exact: true });
    assert.strictEqual(lookupGpu('NVIDIA GeForce RTX 4090')?.gpu.name, 'RTX 4090');
    assert.strictEqual(lookupGpu('Radeon Pro'), undefined);
  });

  it('prices GL101 by the FLOPs ratio and GL304 by the fp16 over TF32 peak', async () => {
    const text = `import torch
import torchvision
device = torch.device("cuda")
data = torchvision.datasets.ImageNet("/data", split="train")
loader = torch.utils.data.DataLoader(data, batch_size=256, num_workers=8, pin_memory=True)
model = torchvision.models.resnet152().to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(90):
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;
    const { facts, findings } = await factsOf(text);
    const options = { hardware: 'A100', cpu: CPU };
    const estimates = estimateTraining(facts, options);
    assert.strictEqual(estimates.length, 1);
    const savings = findingSavings(findings, facts, estimates, options);
    const gl101 = savings.find((s) => s.code === 'GL101');
    assert.ok(gl101, JSON.stringify(findings.map((f) => f.code)));
    close(gl101.share, 1 - 4.089 / 11.514, 'GL101 share');
    close(gl101.kWh, estimates[0].energyKWh * gl101.share, 'GL101 kWh');
    assert.match(gl101.text, /^saves ≈ .* kWh · .* CO2e on this script \(64% of its training compute\)$/);
    const gl304 = savings.find((s) => s.code === 'GL304');
    assert.ok(gl304, JSON.stringify(findings.map((f) => f.code)));
    close(gl304.share, 1 - 156 / 312, 'GL304 share');
    assert.ok(!savings.some((s) => s.code === 'GL104'));
  });

  it('caps the mixed-precision saving at the documented 3× and prices GL102 by the parameter ratio', async () => {
    const text = fs.readFileSync(path.join(projectRoot(), 'examples', 'hf_finetune.py'), 'utf8');
    const { facts, findings } = await factsOf(text);
    const options = { hardware: 'A100', cpu: CPU };
    const estimates = estimateTraining(facts, options);
    assert.strictEqual(estimates.length, 1);
    // bert-large-uncased, 340 M parameters, max_length=256, IMDB 25,000, 3 epochs.
    close(estimates[0].flops, 6 * 340e6 * 256 * 25000 * 3, 'flops');
    const savings = findingSavings(findings, facts, estimates, options);
    // fp32 19.5 → fp16 312 TFLOPS would be 16×; the saving stops at 3×.
    close(savings.find((s) => s.code === 'GL304')!.share, 1 - 1 / 3, 'GL304 share');
    close(savings.find((s) => s.code === 'GL102')!.share, 1 - 66 / 340, 'GL102 share');
  });

  it('fits fixed and per-epoch energy to runs of different lengths', () => {
    const record = (runId: string, epochs: number, kWh: number, s: number) =>
      ({ runId, status: 'completed', command: { argv: ['python', 'train.py', '--epochs', String(epochs)], cwd: '/w' }, progress: { epoch: epochs, totalEpochs: epochs }, energy: { totalKWh: kWh }, durationS: s, hardware: { gpuModels: [] } }) as unknown as RunRecord;
    // 1 kWh fixed + 0.5 kWh per epoch; 10 s fixed + 4 s per epoch.
    const runs = [record('b', 4, 3, 26), record('a', 2, 2, 18)];
    const c = calibrate({ runs, staticPerEpoch: { kWh: 9, s: 9 }, sameHardware: () => true })!;
    assert.strictEqual(c.runId, 'b');
    close(c.kWh(10), 6, 'kWh at 10 epochs');
    close(c.seconds(10), 50, 'seconds at 10 epochs');
    // One run: the static time per epoch (2 s) splits its 18 s into 14 s start-up + 2 × 2 s.
    const one = calibrate({ runs: [record('a', 2, 2, 18)], staticPerEpoch: { kWh: 9, s: 2 }, sameHardware: () => true })!;
    close(one.seconds(6), 14 + 12, 'seconds from one run');
    close(one.kWh(6), (26 * 2) / 18, 'kWh from one run at its average power');
    assert.strictEqual(calibrate({ runs, staticPerEpoch: { kWh: 1, s: 1 }, sameHardware: () => false }), undefined);
  });
});
