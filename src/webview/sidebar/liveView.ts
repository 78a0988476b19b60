/**
 * The block shown while a profiled run is going. Built once and updated in
 * place on every `live` message (about once a second), so updates cost a few
 * text changes rather than a re-render.
 */
import type { LiveRun } from '../../shared/protocol';
import { h } from '../common/dom';
import { formatEnergy, formatPower } from '../common/format';
import { BudgetBar } from './budgetBar';

export class LiveView {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly watts: HTMLElement;
  private readonly energy: HTMLElement;
  private readonly predicted: HTMLElement;
  private readonly epoch: HTMLElement;
  private readonly epochStat: HTMLElement;
  private readonly predictedStat: HTMLElement;
  private readonly budget = new BudgetBar();
  /** Announces only a run's start and end: the figures change every second and would drown a screen reader. */
  readonly status = h('div', { class: 'sr-only', role: 'status' });
  private running: string | undefined;

  constructor() {
    this.title = h('h2', { id: 'live-heading' });
    this.badge = h('span', { class: 'badge' });
    this.watts = h('span', { class: 'stat-value' });
    this.energy = h('span', { class: 'stat-value' });
    this.predicted = h('span', { class: 'stat-value' });
    this.epoch = h('span', { class: 'stat-value' });
    this.predictedStat = stat(this.predicted, 'predicted total');
    this.epochStat = stat(this.epoch, 'epoch');
    this.element = h(
      'section',
      { class: 'live', 'aria-labelledby': 'live-heading', hidden: true },
      h('div', { class: 'live-head' }, h('span', { class: 'pulse', 'aria-hidden': 'true' }), this.title, this.badge),
      h('div', { class: 'stats' }, stat(this.watts, 'power now'), stat(this.energy, 'energy so far'), this.predictedStat, this.epochStat),
      this.budget.element,
    );
  }

  /** `folderName` is given in multi-root workspaces, where the script alone does not say which folder runs. */
  update(live: LiveRun | undefined, budgetKWh: number | undefined, folderName?: string): void {
    if (live?.script !== this.running) {
      if (live) this.status.textContent = `Profiled run of ${live.script} started.`;
      else if (this.running) this.status.textContent = `Profiled run of ${this.running} ended.`;
      this.running = live?.script;
    }
    this.element.hidden = !live;
    if (!live) return;
    const title = folderName ? `Running ${live.script} in ${folderName}` : `Running ${live.script}`;
    // Rebuilt only when it changes: the rest of the block updates every second.
    if (this.title.textContent !== title) this.title.replaceChildren('Running ', ...breakableName(live.script), folderName ? ` in ${folderName}` : '');
    this.badge.textContent = live.provenance;
    this.badge.className = `badge badge-${live.provenance}`;
    this.badge.title =
      live.provenance === 'measured' ? 'Read from hardware energy counters' : live.provenance === 'estimated' ? 'Modelled from CPU time and rated power' : 'Part measured, part estimated';
    this.watts.textContent = formatPower(live.watts);
    this.energy.textContent = formatEnergy(live.energyKWh);
    this.predictedStat.hidden = live.predictedKWh === undefined;
    this.predicted.textContent = live.predictedKWh === undefined ? '' : formatEnergy(live.predictedKWh);
    this.epochStat.hidden = live.epoch === undefined;
    this.epoch.textContent = live.epoch === undefined ? '' : live.totalEpochs ? `${live.epoch} / ${live.totalEpochs}` : String(live.epoch);
    this.budget.element.hidden = !(budgetKWh && budgetKWh > 0);
    if (budgetKWh && budgetKWh > 0) {
      if (live.predictedKWh !== undefined) this.budget.update('Predicted total', live.predictedKWh, budgetKWh);
      else this.budget.update('So far', live.energyKWh, budgetKWh);
    }
  }
}

/**
 * A script path or name with line-break opportunities after `/`, `_`, `-`
 * and `.`, so that in a narrow view it wraps between its words
 * ("train_resnet50_ / cifar10_baseline.py") rather than inside one, and is
 * never cut. The text reads the same (a <wbr> has none).
 */
export function breakableName(name: string): Node[] {
  const out: Node[] = [];
  for (const part of name.split(/(?<=[/_.-])(?=.)/)) {
    if (out.length > 0) out.push(h('wbr'));
    out.push(document.createTextNode(part));
  }
  return out;
}

/** A figure with its label underneath. */
export function stat(value: HTMLElement, label: string): HTMLElement {
  return h('div', { class: 'stat' }, value, h('span', { class: 'stat-label', text: label }));
}
