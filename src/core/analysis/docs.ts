/**
 * Where each rule's documentation page lives. The editor (diagnostic links,
 * "Show documentation") and the CLI's SARIF output both link here, so the
 * base address is written once.
 */

/** The folder of rule pages in the public repository; pages are `docs/rules/<CODE>.md`. */
export const RULE_DOCS_BASE_URL = 'https://github.com/greenlens/greenlens/blob/main/docs/rules/';

/** The documentation page of a rule, e.g. `ruleDocsUrl('GL201')`. */
export function ruleDocsUrl(code: string): string {
  return `${RULE_DOCS_BASE_URL}${encodeURIComponent(code.toUpperCase())}.md`;
}
