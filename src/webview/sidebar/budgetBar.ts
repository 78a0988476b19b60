/**
 * A bar showing how much of the per-run energy budget (greenlens.budget.kWh)
 * a run uses. The fill width is set through the CSSOM, which the webview's
 * CSP allows (it forbids style attributes in markup).
 */
import { h } from '../common/dom';
import { budgetUse, formatEnergy, formatPercent } from '../common/format';

export class BudgetBar {
  readonly element: HTMLElement;
  private readonly label: HTMLElement;
  private readonly track: HTMLElement;
  private readonly fill: HTMLElement;

  constructor() {
    this.label = h('div', { class: 'budget-label' });
    this.fill = h('div', { class: 'budget-fill' });
    this.track = h('div', { class: 'budget-track', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, this.fill);
    this.element = h('div', { class: 'budget' }, this.label, this.track);
  }

  /** `what` names the figure compared, e.g. "Predicted total" or "Last run". */
  update(what: string, valueKWh: number, budgetKWh: number): void {
    const use = budgetUse(valueKWh, budgetKWh);
    const text = use.over
      ? `${what}: ${formatEnergy(valueKWh)}, over the ${formatEnergy(budgetKWh)} budget by ${formatPercent(use.ratio - 1)}`
      : `${what}: ${formatEnergy(valueKWh)} of the ${formatEnergy(budgetKWh)} budget (${formatPercent(use.ratio)})`;
    this.label.textContent = text;
    this.track.setAttribute('aria-valuenow', String(Math.round(use.ratio * 100)));
    this.track.setAttribute('aria-valuetext', text);
    this.track.setAttribute('aria-label', 'Energy budget per run');
    this.element.classList.toggle('over', use.over);
    this.element.classList.toggle('near', !use.over && use.ratio >= 0.8);
    this.fill.style.width = `${(use.fill * 100).toFixed(1)}%`;
  }
}
