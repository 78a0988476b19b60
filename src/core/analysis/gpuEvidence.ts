/**
 * Whether a file runs on an NVIDIA GPU, for the rules whose advice only pays
 * off there (pinned memory, mixed precision, the cuDNN autotuner).
 *
 * Only firm evidence counts. `torch.device(args.device)`,
 * `torch.accelerator.current_accelerator()`, Hugging Face `Accelerator()` and
 * Lightning `accelerator="auto"` may or may not mean a GPU; the rules that use
 * this stay silent on such maybes (RULES.md: precision first).
 */
import type { CallFact, Facts } from './facts';
import { argument, usesCuda } from './ruleHelpers';

const LIGHTNING_TRAINER = /^(pytorch_lightning|lightning(\.pytorch)?)(\.trainer){0,2}\.Trainer$/;

/** A Lightning `Trainer(...)` call, whatever import path it came through. */
export function isLightningTrainer(call: CallFact): boolean {
  return call.imported && LIGHTNING_TRAINER.test(call.name);
}

/** `Trainer(accelerator="gpu")`, `Trainer(accelerator="cuda")` or `Trainer(gpus=2)`: Lightning asked for a GPU. */
export function lightningTrainerOnGpu(call: CallFact): boolean {
  if (!isLightningTrainer(call)) return false;
  const accelerator = argument(call, 'accelerator');
  if (accelerator?.hasLiteral && typeof accelerator.literal === 'string' && /^(gpu|cuda)$/i.test(accelerator.literal)) return true;
  const gpus = argument(call, 'gpus');
  if (!gpus) return false;
  if (gpus.hasLiteral) return typeof gpus.literal === 'number' ? gpus.literal !== 0 : typeof gpus.literal === 'string' && gpus.literal !== '';
  return gpus.elements !== undefined && gpus.elements.length > 0;
}

/** Firm evidence that this file runs on a CUDA GPU. */
export function runsOnCuda(facts: Facts): boolean {
  return usesCuda(facts) || facts.calls.some(lightningTrainerOnGpu);
}
