/**
 * Where each rule's documentation page lives online. The CLI's SARIF output
 * links here (code-scanning services show the link next to a result); the
 * editor opens the copy of the same page that ships in the extension.
 */

/** The public repository, as package.json's `repository.url` names it (a unit test checks they agree). */
export const GREENLENS_REPOSITORY_URL = 'https://github.com/greenlens/greenlens';

/** The folder of rule pages in the public repository; pages are `docs/rules/<CODE>.md`. */
export const RULE_DOCS_BASE_URL = `${GREENLENS_REPOSITORY_URL}/blob/main/docs/rules/`;

/** The documentation page of a rule, e.g. `ruleDocsUrl('GL201')`. */
export function ruleDocsUrl(code: string): string {
  return `${RULE_DOCS_BASE_URL}${encodeURIComponent(code.toUpperCase())}.md`;
}
