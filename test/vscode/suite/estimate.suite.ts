/**
 * The estimate CodeLens in the real editor: VS Code collects it from the
 * extension for a workspace training script, and it follows the hardware
 * setting without the file being touched. The script is written into the
 * workspace copy for this suite only (the UI steps count the workspace's files).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { buildRunRecord } from '../../../src/core/history/runRecord';
import { appendRun } from '../../../src/core/history/runStore';
import { waitUntil } from '../harness/steps';
import { diagnosticFor, open, workspaceFile } from './helpers';

/** "≈ 4.2 Wh · 1.1 g CO2e · 1.6 min on 1× T4 (estimated)": the unit follows the size. */
const ESTIMATE_TITLE = /^≈ [\d.]+ (m|k|M)?Wh · [\d.]+ (mg|g|kg|t) CO2e · [\d.]+ (s|min|h|days) on (\d+× .+|this machine's CPU) \((estimated|calibrated from run \w+)\)$/;

/** A ResNet-50 trained on CIFAR-10 on CUDA without mixed precision: the estimate has a model, data and epochs to read, and GL304 a saving. */
const SCRIPT = `"""Trains a torchvision ResNet-50 on CIFAR-10: the estimate suite reads its CodeLens and savings."""
import torch
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T
from torch.utils.data import DataLoader

device = torch.device("cuda")

train_set = torchvision.datasets.CIFAR10("data", train=True, download=True, transform=T.ToTensor())
loader = DataLoader(train_set, batch_size=128, shuffle=True, pin_memory=True)

model = torchvision.models.resnet50(weights=None, num_classes=10).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

for epoch in range(20):
    for images, labels in loader:
        images, labels = images.to(device, non_blocking=True), labels.to(device, non_blocking=True)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
`;

async function estimateLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.filter((l) => l.command?.title.startsWith('≈ '));
}

export function defineEstimateTests(): void {
  describe('GreenLens estimates in the editor (resnet_cifar.py)', () => {
    const uri = () => workspaceFile('resnet_cifar.py');
    const config = () => vscode.workspace.getConfiguration('greenlens');

    before(async () => {
      fs.writeFileSync(uri().fsPath, SCRIPT);
      await open('resnet_cifar.py');
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(uri().fsPath, { force: true });
    });

    afterEach(async () => {
      await config().update('estimate.hardware', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('estimate.enable', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('historyFolder', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it('shows an estimate lens above the training loop with energy, CO2e, time and "(estimated)"', async () => {
      const [lens] = await waitUntil('an estimate CodeLens in resnet_cifar.py', async () => {
        const found = await estimateLenses(uri());
        return found.length > 0 && found;
      });
      const title = lens.command!.title;
      assert.match(title, ESTIMATE_TITLE);
      assert.match(title, /Wh/);
      assert.match(title, /\(estimated\)$/, 'the workspace has no run of resnet_cifar.py, so nothing calibrates it');
      const doc = await vscode.workspace.openTextDocument(uri());
      assert.match(doc.lineAt(lens.range.start.line).text, /^for epoch in range\(20\):/, 'the lens sits on the training loop');
      assert.match(String(lens.command!.tooltip), /Assumptions:\n(\s+• .+ — .+\n?)+/, 'the tooltip lists assumptions with sources');
    });

    it('follows greenlens.estimate.hardware at once', async () => {
      await config().update('estimate.hardware', 'H100 SXM', vscode.ConfigurationTarget.Workspace);
      const h100 = await waitUntil('the lens to say H100 SXM', async () => (await estimateLenses(uri())).find((l) => /on 1× H100 SXM /.test(l.command!.title)));
      await config().update('estimate.hardware', 'T4', vscode.ConfigurationTarget.Workspace);
      const t4 = await waitUntil('the lens to say T4', async () => (await estimateLenses(uri())).find((l) => /on 1× T4 /.test(l.command!.title)));
      assert.match(t4.command!.title, ESTIMATE_TITLE);
      assert.notStrictEqual(t4.command!.title.replace('T4', ''), h100.command!.title.replace('H100 SXM', ''), 'a T4 and an H100 should not cost the same');
      await config().update('estimate.hardware', 'cpu', vscode.ConfigurationTarget.Workspace);
      const cpu = await waitUntil("the lens to say this machine's CPU", async () => (await estimateLenses(uri())).find((l) => /on this machine's CPU \(/.test(l.command!.title)));
      assert.match(String(cpu.command!.tooltip), /this machine's CPU: /, 'the tooltip names the CPU model');
    });

    it('says in the GL304 hover what mixed precision saves on this script, on a GPU only', async () => {
      const gl304 = await diagnosticFor(uri(), 'GL304');
      const hoverBlock = async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri(), gl304.range.start.translate(0, 1));
        return hovers
          .flatMap((h) => h.contents)
          .map((c) => (typeof c === 'string' ? c : c.value))
          .find((b) => b.includes('GL304'));
      };
      await config().update('estimate.hardware', 'A100', vscode.ConfigurationTarget.Workspace);
      const onGpu = await waitUntil('a GL304 hover with its saving on an A100', async () => {
        const block = await hoverBlock();
        return block && /saves ≈ [\d.]+ (m|k|M)?Wh · [\d.]+ (mg|g|kg|t) CO2e on this script \(\d+% of its training compute\)/.test(block) && block;
      });
      assert.match(onGpu, /Estimated saving/);
      await config().update('estimate.hardware', 'cpu', vscode.ConfigurationTarget.Workspace);
      await waitUntil('the saving to leave the GL304 hover on the CPU (no tensor cores)', async () => {
        const block = await hoverBlock();
        return block !== undefined && !block.includes('saves ≈');
      });
    });

    it('is calibrated by a completed run of the script on the same hardware', async () => {
      // A history folder of its own, so the run suite's history is not touched.
      const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const dir = path.join(folder, '.greenlens-estimate-suite');
      const record = buildRunRecord({
        meter: {
          durationS: 600,
          components: [{ component: 'gpu', energyKWh: 0.05, powerW: 300, provenance: 'measured', source: 'nvidia-smi' }],
          timeline: [],
          warnings: [],
          gpuModels: ['NVIDIA A100-SXM4-80GB'],
        },
        projectName: 'workspace',
        command: { argv: ['python', 'resnet_cifar.py'], cwd: folder, file: 'resnet_cifar.py' },
        startedAt: new Date(Date.now() - 3_600_000),
        exitCode: 0,
        progress: { epoch: 2, totalEpochs: 2, completedFraction: 1 },
      });
      try {
        appendRun(dir, record);
        await config().update('estimate.hardware', 'A100 SXM4 80 GB', vscode.ConfigurationTarget.Workspace);
        await config().update('historyFolder', '.greenlens-estimate-suite', vscode.ConfigurationTarget.Workspace);
        const lens = await waitUntil('the lens to say calibrated', async () =>
          (await estimateLenses(uri())).find((l) => l.command!.title.endsWith(`(calibrated from run ${record.runId.slice(0, 8)})`)),
        );
        assert.match(lens.command!.title, ESTIMATE_TITLE);
        assert.match(String(lens.command!.tooltip), /Static model alone: /, 'the static model is shown beside the calibrated figure');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('has no estimate lenses when greenlens.estimate.enable is off', async () => {
      await waitUntil('an estimate CodeLens in resnet_cifar.py', async () => (await estimateLenses(uri())).length > 0);
      await config().update('estimate.enable', false, vscode.ConfigurationTarget.Workspace);
      await waitUntil('the estimate lenses to go', async () => (await estimateLenses(uri())).length === 0);
    });
  });
}
