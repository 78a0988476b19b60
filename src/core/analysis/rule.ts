/**
 * What a rule is: its metadata next to a pure check over Facts.
 * One file per rule under rules/, registered in registry.ts.
 */
import type { Facts } from './facts';
import type { Family, Fix, Range, Saving, Severity } from './types';

export interface RuleMeta {
  /** Stable public code, e.g. `GL201`. */
  code: string;
  /** Kebab-case name of the pattern flagged, e.g. `host-sync-in-training-loop`. */
  name: string;
  family: Family;
  /** One sentence shown in rule lists and SARIF `shortDescription`. */
  summary: string;
  defaultSeverity: Severity;
  languages: ReadonlyArray<'python' | 'typescript' | 'javascript'>;
  /** Whether some findings carry a fix. */
  fixable: boolean;
}

/** A finding as a rule reports it; the engine adds code, name and the configured severity. */
export interface RuleReport {
  range: Range;
  message: string;
  /** Overrides the default when the evidence is weaker or stronger than usual. */
  severity?: Severity;
  fix?: Fix;
  savings?: Saving[];
}

export interface Rule {
  meta: RuleMeta;
  check(facts: Facts): RuleReport[];
}
