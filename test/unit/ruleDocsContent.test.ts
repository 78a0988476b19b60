/**
 * The rule pages are shown to users (rendered from the installed extension,
 * and linked from SARIF): they must not send them into GreenLens's sources.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../support/paths';

describe('rule documentation pages', () => {
  const dir = path.join(projectRoot(), 'docs', 'rules');
  const pages = fs.readdirSync(dir).filter((f) => /^GL\d{3}\.md$/.test(f));

  it('exist for the rules', () => assert.ok(pages.length >= 15, pages.join(', ')));

  for (const page of pages) {
    it(`${page} names no internal source path`, () => {
      const text = fs.readFileSync(path.join(dir, page), 'utf8');
      const internal = text.match(/\b(src|out|dist|test)\/[\w./-]+/g) ?? [];
      assert.deepStrictEqual(internal, [], `${page} mentions ${internal.join(', ')}`);
    });
  }
});
