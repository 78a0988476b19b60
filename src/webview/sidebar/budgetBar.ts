/**
 * A bar showing how much of the per-run energy budget (greenlens.budget.kWh)
 * a run uses. The fill width is set through the CSSOM, which the webview's
 * CSP allows (it forbids style attributes in markup).
 */
import { h } from '../common/dom';
import { budgetUse, formatEnergy, formatPercent } from '../common/format';
import type { BudgetFigure } from './chartData';

export class BudgetBar {
  readonly element: HTMLElement;
  private readonly label: HTMLElement;
  private readonly track: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly note: HTMLElement;

  constructor() {
    this.label = h('div', { class: 'budget-label' });
    this.fill = h('div', { class: 'budget-fill' });
    this.track = h('div', { class: 'budget-track', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, this.fill);
    this.note = h('div', { class: 'budget-label budget-note muted', hidden: true });
    this.element = h('div', { class: 'budget' }, this.label, this.track, this.note);
  }

  /**
   * A folder's bar, for the run `budgetFigureOf` chose. A run that stopped
   * before it finished is shown without a share of the budget and without a
   * bar: part of a run says nothing about a whole one.
   */
  show(figure: BudgetFigure, budgetKWh: number): void {
    this.note.hidden = !figure.note;
    this.note.textContent = figure.note ?? '';
    if (!figure.partial) {
      this.track.hidden = false;
      this.update(figure.what, figure.run.energyKWh, budgetKWh);
      return;
    }
    this.label.textContent = `${figure.what}: ${formatEnergy(figure.run.energyKWh)} used before it stopped; the ${formatEnergy(budgetKWh)} budget is per whole run`;
    this.track.hidden = true;
    this.element.classList.remove('over', 'near');
  }

  /** `what` names the figure compared, e.g. "Predicted total" or "Last run". */
  update(what: string, valueKWh: number, budgetKWh: number): void {
    this.track.hidden = false;
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
