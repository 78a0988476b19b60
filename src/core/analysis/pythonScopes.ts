/**
 * Scopes a node sits in — function and loop bodies, `with` bodies, `if`
 * branches — and the facts derived from them (enclosing function, loops,
 * guard conditions, context managers).
 */

export interface Scope {
  kind: 'function' | 'loop' | 'with' | 'guard';
  id?: number;
  /** Qualified context names for `with` and decorators, the condition text for guards. */
  labels?: string[];
}

/** A scope over [start, end), owned by an enclosing node (a loop's body, an `if`'s branch). */
export interface Region {
  start: number;
  end: number;
  scope: Scope;
}

/** The scopes around one node, outermost first, in a buffer reused from node to node. */
export class ScopeList {
  private readonly items: Scope[] = [];
  private count = 0;

  clear(): void {
    this.count = 0;
  }

  add(scope: Scope): void {
    this.items[this.count++] = scope;
  }

  /** The innermost function. */
  functionId(): number | undefined {
    for (let k = this.count - 1; k >= 0; k--) if (this.items[k].kind === 'function') return this.items[k].id;
    return undefined;
  }

  /** Loops of the innermost function, outermost first. */
  loopIds(): number[] {
    let k = this.count;
    while (k > 0 && this.items[k - 1].kind !== 'function') k--;
    const ids: number[] = [];
    for (; k < this.count; k++) if (this.items[k].kind === 'loop') ids.push(this.items[k].id!);
    return ids;
  }

  /** The innermost loop, unless a function is nearer. */
  innermostLoopId(): number | undefined {
    for (let k = this.count - 1; k >= 0; k--) {
      const s = this.items[k];
      if (s.kind === 'function') return undefined;
      if (s.kind === 'loop') return s.id;
    }
    return undefined;
  }

  /** Conditions between a node and its innermost loop (or function), innermost first. */
  guards(): string[] {
    const out: string[] = [];
    for (let k = this.count - 1; k >= 0; k--) {
      const s = this.items[k];
      if (s.kind === 'loop' || s.kind === 'function') break;
      if (s.kind === 'guard') out.push(...(s.labels ?? []));
    }
    return out;
  }

  /** Labels of every enclosing `with` and decorated function, outermost first. */
  contexts(): string[] {
    const out: string[] = [];
    for (let k = 0; k < this.count; k++) {
      const s = this.items[k];
      if ((s.kind === 'with' || s.kind === 'function') && s.labels) out.push(...s.labels);
    }
    return out;
  }
}
