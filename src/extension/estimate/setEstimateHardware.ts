/**
 * "GreenLens: Set Estimate Hardware…": a quick pick of the GPU table and this
 * machine's CPU that writes `greenlens.estimate.hardware` for the workspace;
 * the lenses follow through the configuration change.
 */
import * as vscode from 'vscode';
import { GPUS } from '../../core/knowledge/gpus';
import { CPU_SETTING, thisMachineCpu } from './estimateHardware';

interface HardwareItem extends vscode.QuickPickItem {
  /** The setting's new value; undefined removes it (detect again). */
  value: string | undefined;
}

export async function setEstimateHardware(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('greenlens');
  const current = cfg.get<string>('estimate.hardware', '').trim();
  const items: HardwareItem[] = [
    { label: "$(server) This machine's CPU", description: thisMachineCpu(), value: CPU_SETTING },
    { label: '$(search) Detect', description: 'the GPUs nvidia-smi reports, else this machine’s CPU', value: undefined },
    { label: 'GPUs', kind: vscode.QuickPickItemKind.Separator, value: undefined },
    ...GPUS.map((g) => ({
      label: g.name,
      description: `${g.tdpW} W · ${g.fp16Tflops} TFLOPS fp16 · ${g.fp32Tflops} TFLOPS fp32 · ${g.memoryGb} GB`,
      detail: `Source: ${g.source}`,
      value: g.name,
    })),
  ];
  for (const item of items) if (item.kind !== vscode.QuickPickItemKind.Separator && (item.value ?? '') === current) item.picked = true;
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Hardware for GreenLens estimates',
    placeHolder: current ? `Now: ${current === CPU_SETTING ? "this machine's CPU" : current}` : 'Now: detected',
    matchOnDescription: true,
  });
  if (!picked) return;
  // Per workspace: the hardware a project trains on is the project's, not the user's.
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await cfg.update('estimate.hardware', picked.value, target);
}
