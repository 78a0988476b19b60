/**
 * A tiny element builder. Text always goes in through `textContent` and
 * attributes through `setAttribute`, never through HTML strings, so data from
 * history files (script names, warnings, snippets) cannot inject markup.
 */

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  /** Sets the element's text; ignored when children are given. */
  text?: string;
  onClick?: (ev: MouseEvent) => void;
  /** Any other attribute: `aria-label`, `id`, `type`, `role`, `data-*`, … */
  [attribute: string]: string | number | boolean | undefined | ((ev: MouseEvent) => void);
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === false) continue;
      if (key === 'class') el.className = String(value);
      else if (key === 'text') el.textContent = String(value);
      else if (key === 'onClick') el.addEventListener('click', value as EventListener);
      // The CSP forbids style attributes; styles are set through the CSSOM instead.
      else if (key === 'style') throw new Error('use element.style, not a style attribute');
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** A button that is always `type="button"`, so it never submits anything. */
export function button(label: Child | Child[], onClick: () => void, props?: Props): HTMLButtonElement {
  return h('button', { type: 'button', ...props, onClick: () => onClick() }, ...(Array.isArray(label) ? label : [label]));
}

/** Text only a screen reader reads (the visual equivalent is a chart or an arrow). */
export function srOnly(text: string, props?: Props): HTMLElement {
  return h('span', { class: 'sr-only', ...props, text });
}

let nextId = 0;
/** A document-unique id for aria-describedby and similar links. */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** The element the host's HTML provides for the panel, or the body when it has none. */
export function appRoot(): HTMLElement {
  const root = document.getElementById('app') ?? document.body;
  // A live region around the whole panel would make screen readers read every
  // re-render and every once-a-second live update; the panels mark their own
  // announcements (role="alert" for errors) instead.
  root.removeAttribute('aria-live');
  return root;
}
