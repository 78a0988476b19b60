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

/** Calls that choose or ask for an accelerator at run time. */
const ACCELERATOR_CALL = /^(torch\.device|torch\.accelerator\.\w+|torch\.cuda\.\w+|torch\.backends\.mps\.is_available|accelerate\.Accelerator|accelerate\.accelerator\.Accelerator|jax\.devices|tensorflow\.config\.list_physical_devices)$/;

/**
 * Evidence that the file may run on an accelerator, short of firm CUDA
 * evidence: `torch.device(args.device)`, `torch.accelerator.current_accelerator()`,
 * Hugging Face `Accelerator()`, any `torch.cuda.*` call, a Lightning Trainer
 * that may pick a GPU, or an `"mps"`/`"gpu"` device string.
 */
export function acceleratorMaybe(facts: Facts): boolean {
  if (runsOnCuda(facts)) return true;
  if (facts.stringLiterals.some((s) => /^(mps|gpu|xpu|tpu)(:\d+)?$/i.test(s))) return true;
  return facts.calls.some((c) => {
    if (!c.imported) return false;
    if (c.name === 'torch.device' && c.args[0]?.literal === 'cpu') return false;
    if (ACCELERATOR_CALL.test(c.name)) return true;
    if (!isLightningTrainer(c)) return false;
    const accelerator = argument(c, 'accelerator');
    return !(accelerator?.hasLiteral && accelerator.literal === 'cpu');
  });
}
