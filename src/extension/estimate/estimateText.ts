/**
 * The words and figures of an estimate as the editor shows them: the CodeLens
 * title, its tooltip and the savings line of a finding's hover. No `vscode`
 * here, so the text is tested with plain mocha.
 */
import type { FindingSaving, TrainingEstimate } from '../../core/estimate';
import { formatCo2, formatEnergy, sig } from '../../core/report/units';

/** How many characters of a run id the lens shows (the id is a UUID; eight tell runs apart). */
const SHORT_RUN_ID = 8;

/** A duration as a lens has room for: "40 s", "25 min", "14 h", "3.2 days". */
export function compactDuration(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (s < 60) return `${sig(s, 2)} s`;
  if (s < 3600) return `${sig(s / 60, 2)} min`;
  if (s < 48 * 3600) return `${sig(s / 3600, 2)} h`;
  return `${sig(s / 86400, 2)} days`;
}

export function shortRunId(runId: string): string {
  return runId.slice(0, SHORT_RUN_ID);
}

/** "(estimated)" or "(calibrated from run 1a2b3c4d)": every figure says what it is. */
export function basisLabel(e: TrainingEstimate): string {
  return e.basis === 'calibrated' && e.calibratedFrom ? `(calibrated from run ${shortRunId(e.calibratedFrom)})` : '(estimated)';
}

/** "1× A100 SXM4 80 GB", or "this machine's CPU" (no GPUs): the CPU's model name is in the tooltip, too long for a lens. */
export function platformLabel(e: TrainingEstimate): string {
  return e.gpus > 0 ? `${e.gpus}× ${e.hardware}` : "this machine's CPU";
}

/** The lens title: "≈ 5.6 kWh · 2.7 kg CO2e · 14 h on 1× A100 (estimated)". */
export function estimateLensTitle(e: TrainingEstimate): string {
  return `≈ ${formatEnergy(e.energyKWh)} · ${formatCo2(e.co2eKg)} · ${compactDuration(e.durationS)} on ${platformLabel(e)} ${basisLabel(e)}`;
}

const STATIC_FORMULA = [
  'work = 3 × forward FLOPs per sample × samples per epoch × epochs (6 × parameters × tokens for language models)',
  'time = work ÷ (peak FLOPS at the script’s precision × utilisation × GPUs)',
  'energy = time × (GPU power at that utilisation + CPU + RAM) × PUE',
  'CO2e = energy × grid intensity of the region',
];

const CALIBRATED_FORMULA = [
  'energy = energy measured per unit of work in the run × the work configured now',
  'CO2e = energy × grid intensity of the region',
];

/**
 * The lens tooltip (plain text: VS Code shows a CodeLens tooltip as is):
 * the range, the formula, and every assumption with its source.
 */
export function estimateTooltip(e: TrainingEstimate): string {
  const lines = [
    `GreenLens estimate for the ${e.entry} ${basisLabel(e)}`,
    '',
    `Energy: ${formatEnergy(e.energyKWh)} (range ${formatEnergy(e.energyLowKWh)} – ${formatEnergy(e.energyHighKWh)})`,
    `Time: ${compactDuration(e.durationS)} (range ${compactDuration(e.durationLowS)} – ${compactDuration(e.durationHighS)})`,
    `CO2e: ${formatCo2(e.co2eKg)}`,
    `Work: ${e.flops.toExponential(2)} FLOPs on ${e.gpus > 0 ? `${e.gpus}× ${e.hardware}` : e.hardware}`,
  ];
  if (e.basis === 'calibrated' && e.staticEnergyKWh !== undefined) {
    const error = e.energyKWh > 0 ? (e.staticEnergyKWh - e.energyKWh) / e.energyKWh : undefined;
    const off = error === undefined ? '' : ` (${error >= 0 ? '+' : ''}${sig(error * 100, 2)}% against the measured run)`;
    lines.push(`Static model alone: ${formatEnergy(e.staticEnergyKWh)}${off}`);
  }
  if (e.notes?.length) lines.push('', ...e.notes.map((n) => `Note: ${n}`));
  lines.push('', 'Formula:', ...(e.basis === 'calibrated' ? CALIBRATED_FORMULA : STATIC_FORMULA).map((f) => `  ${f}`));
  if (e.assumptions.length > 0) {
    lines.push('', 'Assumptions:');
    for (const a of e.assumptions) lines.push(`  • ${a.name}: ${a.value} — ${a.source}`);
  }
  lines.push('', 'Click to choose the hardware the estimate assumes.');
  return lines.join('\n');
}

/** The line a finding's hover gets when its fix changes the script's work. */
export function savingHoverLine(s: FindingSaving): string {
  return `**Estimated saving:** ${s.text}`;
}
