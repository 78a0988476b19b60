/**
 * Runs the registered rules over a file's Facts and applies configuration
 * (per-code or per-family severity, `off`) and suppression comments.
 */
import type { Facts } from './facts';
import type { Rule } from './rule';
import { RULES } from './registry';
import { readSuppressions } from './suppressions';
import type { Finding, Severity } from './types';

export type RuleSetting = Severity | 'off';

export interface AnalysisOptions {
  /** Keys are codes (`GL201`) or family prefixes (`GL3`); the longest matching key wins. */
  rules?: Record<string, RuleSetting>;
  /** Called when a rule throws, so one faulty rule never hides the others' findings. */
  onRuleError?: (code: string, error: unknown) => void;
}

/** The configured setting for a code, or undefined for the rule's default. */
export function settingFor(code: string, rules: Record<string, RuleSetting> | undefined): RuleSetting | undefined {
  if (!rules) return undefined;
  let best: string | undefined;
  for (const key of Object.keys(rules)) {
    const k = key.toUpperCase();
    if (code.startsWith(k) && (best === undefined || k.length > best.length)) best = key;
  }
  return best === undefined ? undefined : rules[best];
}

/** Applies every enabled rule to the facts and returns the unsuppressed findings, sorted by position. */
export function runRules(facts: Facts, options: AnalysisOptions = {}, rules: readonly Rule[] = RULES): Finding[] {
  const suppressions = readSuppressions(facts.comments);
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (!rule.meta.languages.includes(facts.language)) continue;
    const setting = settingFor(rule.meta.code, options.rules);
    if (setting === 'off') continue;
    let reports;
    try {
      reports = rule.check(facts);
    } catch (error) {
      options.onRuleError?.(rule.meta.code, error);
      continue;
    }
    for (const r of reports) {
      if (suppressions.isSuppressed(rule.meta.code, r.range.start.line)) continue;
      findings.push({
        code: rule.meta.code,
        ruleName: rule.meta.name,
        message: r.message,
        severity: setting ?? r.severity ?? rule.meta.defaultSeverity,
        range: r.range,
        fix: r.fix,
        savings: r.savings,
      });
    }
  }
  findings.sort((a, b) => a.range.startIndex - b.range.startIndex || a.code.localeCompare(b.code));
  return findings;
}
