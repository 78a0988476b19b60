/**
 * Which hardware an estimate assumes: `greenlens.estimate.hardware` when set,
 * else the GPU nvidia-smi reports, else this machine's CPU. nvidia-smi is asked
 * once per session in the background, so no lens ever waits for a driver.
 */
import * as os from 'os';
import * as vscode from 'vscode';
import { DEFAULT_NVIDIA_SMI, probeNvidiaSmi } from '../../core/energy/nvidiaSmiQuery';

const PROBE_TIMEOUT_MS = 5000;
/** The setting's value for "this machine's CPU", whatever its model is called. */
export const CPU_SETTING = 'cpu';

export interface EstimateHardware {
  /** The GPU name passed to the estimate (as the table or nvidia-smi spells it); undefined: this machine's CPU. */
  hardware?: string;
  gpus: number;
  /** Where the choice came from, for the log and tests. */
  from: 'setting' | 'nvidia-smi' | 'cpu';
}

/** This machine's CPU model as the OS names it ("AMD EPYC 7B13"), or "CPU" when it says nothing. */
export function thisMachineCpu(): string {
  return os.cpus()[0]?.model.trim() || 'CPU';
}

export class HardwareResolver {
  private detected?: { name: string; count: number } | null;
  private probing?: Promise<void>;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly onDetected: () => void,
  ) {}

  /** The hardware for a file now; starts the nvidia-smi probe the first time it is needed. */
  resolve(uri: vscode.Uri): EstimateHardware {
    const cfg = vscode.workspace.getConfiguration('greenlens', uri);
    const named = cfg.get<string>('estimate.hardware', '').trim();
    const setGpus = cfg.get<number>('estimate.gpus', 1);
    const gpus = Number.isFinite(setGpus) && setGpus >= 1 ? Math.floor(setGpus) : 1;
    if (named.toLowerCase() === CPU_SETTING) return { hardware: undefined, gpus: 1, from: 'cpu' };
    if (named) return { hardware: named, gpus, from: 'setting' };
    this.startProbe();
    if (this.detected) {
      // The GPU count the user set wins; otherwise all the GPUs nvidia-smi reports.
      const userGpus = userValue<number>(cfg, 'estimate.gpus');
      return { hardware: this.detected.name, gpus: userGpus !== undefined ? gpus : this.detected.count, from: 'nvidia-smi' };
    }
    return { hardware: undefined, gpus: 1, from: 'cpu' };
  }

  private startProbe(): void {
    if (this.probing) return;
    // nvidiaSmiPath is a restricted setting: an untrusted workspace gets the one on PATH.
    const configured = vscode.workspace.isTrusted ? vscode.workspace.getConfiguration('greenlens').get<string>('nvidiaSmiPath', '').trim() : '';
    const smi = configured || DEFAULT_NVIDIA_SMI;
    this.probing = probeNvidiaSmi(smi, PROBE_TIMEOUT_MS, configured !== '')
      .then((probe) => {
        if (probe.status === 'ok' && probe.gpus.length > 0) {
          this.detected = { name: probe.gpus[0].name, count: probe.gpus.length };
          this.log.info(`Estimates assume ${probe.gpus.length}× ${probe.gpus[0].name} (nvidia-smi).`);
          this.onDetected();
        } else {
          this.detected = null;
          this.log.info(`Estimates assume this machine's CPU (${thisMachineCpu()}): nvidia-smi ${probe.detail}.`);
        }
      })
      .catch((err) => {
        this.detected = null;
        this.log.warn(`nvidia-smi probe for estimates failed: ${String(err)}`);
      });
  }
}

/** A setting's value only when the user or workspace set it, not its default. */
function userValue<T>(cfg: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const i = cfg.inspect<T>(key);
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}
