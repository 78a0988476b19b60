/**
 * The SARIF 2.1.0 report: the driver describes every registered rule, results
 * point at them with 1-based regions, and fixes become artifact changes.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../src/core/analysis/analyzer';
import { ruleDocsUrl } from '../../src/core/analysis/docs';
import { RULES } from '../../src/core/analysis/registry';
import type { Finding, Range } from '../../src/core/analysis/types';
import type { CheckResult } from '../../src/core/report/checkResult';
import { artifactLocation, sarifLevel, toSarif, type SarifLog } from '../../src/core/report/sarifReport';
import { fixturePath, projectRoot } from '../support/paths';

const CWD = projectRoot();
const GL201_FIXTURE = fixturePath('rules', 'GL201', 'flagged.py');

function emptyResult(): CheckResult {
  return { files: [], checkedCount: 0, skipped: [], errors: [] };
}

async function resultFor(file: string): Promise<CheckResult> {
  const { findings, tree } = await analyzePython(fs.readFileSync(file, 'utf8'));
  tree.delete();
  return { files: [{ file, findings }], checkedCount: 1, skipped: [], errors: [] };
}

/** A 0-based range on one line, with offsets that do not matter to SARIF. */
function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, column: start }, end: { line, column: end }, startIndex: 0, endIndex: 0 };
}

describe('SARIF report', () => {
  let log: SarifLog;
  let text: string;

  before(async () => {
    text = fs.readFileSync(GL201_FIXTURE, 'utf8');
    log = toSarif(await resultFor(GL201_FIXTURE), CWD);
  });

  it('is a SARIF 2.1.0 log with the GreenLens driver', () => {
    assert.strictEqual(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.strictEqual(log.runs.length, 1);
    const driver = log.runs[0].tool.driver;
    assert.strictEqual(driver.name, 'GreenLens');
    assert.match(driver.informationUri, /^https:\/\//);
    const pkg = JSON.parse(fs.readFileSync(path.join(CWD, 'package.json'), 'utf8'));
    assert.strictEqual(driver.version, pkg.version);
    assert.strictEqual(log.runs[0].columnKind, 'utf16CodeUnits');
    assert.match(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/.*\/$/);
    // The log must survive a JSON round trip unchanged (no undefined members, no cycles).
    assert.deepStrictEqual(JSON.parse(JSON.stringify(log)), log);
  });

  it('describes every registered rule, in registry order', () => {
    const rules = log.runs[0].tool.driver.rules;
    assert.deepStrictEqual(
      rules.map((r) => r.id),
      RULES.map((r) => r.meta.code),
    );
    for (const [i, r] of rules.entries()) {
      const meta = RULES[i].meta;
      assert.strictEqual(r.name, meta.name);
      assert.match(r.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.strictEqual(r.shortDescription.text, meta.summary);
      assert.strictEqual(r.helpUri, ruleDocsUrl(meta.code));
      assert.strictEqual(r.defaultConfiguration.level, sarifLevel(meta.defaultSeverity));
      assert.ok(['error', 'warning', 'note'].includes(r.defaultConfiguration.level));
    }
  });

  it("links every rule to its page in package.json's repository, a page the repository holds", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(CWD, 'package.json'), 'utf8')) as { repository: { url: string } };
    // "https://github.com/owner/name.git" (or "git+https://…") is browsed at https://github.com/owner/name.
    const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    assert.match(repository, /^https:\/\/github\.com\/[^/]+\/[^/]+$/, `package.json's repository: ${pkg.repository.url}`);
    const driver = log.runs[0].tool.driver;
    assert.strictEqual(driver.informationUri, repository);
    assert.ok(driver.rules.length > 0);
    for (const r of driver.rules) {
      assert.strictEqual(r.helpUri, `${repository}/blob/main/docs/rules/${r.id}.md`);
      // The page the link names exists at that path in this repository.
      const page = path.join(CWD, ...new URL(r.helpUri).pathname.split('/').slice(5));
      assert.strictEqual(path.relative(CWD, page), path.join('docs', 'rules', `${r.id}.md`));
      assert.ok(fs.existsSync(page), `${r.id}: ${page} is missing`);
    }
  });

  it('places results with 1-based regions on the fixture line and column', () => {
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('running += loss.item()'));
    assert.ok(line >= 0, 'fixture line not found');
    const column = lines[line].indexOf('item');
    const result = log.runs[0].results.find((r) => r.ruleId === 'GL201' && r.locations[0].physicalLocation.region.startLine === line + 1);
    assert.ok(result, 'GL201 result on the .item() line');
    assert.strictEqual(log.runs[0].tool.driver.rules[result.ruleIndex!].id, 'GL201');
    assert.strictEqual(result.level, 'warning');
    assert.match(result.message.text, /\.item\(\)/);
    const loc = result.locations[0].physicalLocation;
    assert.deepStrictEqual(loc.artifactLocation, { uri: 'test/fixtures/rules/GL201/flagged.py', uriBaseId: '%SRCROOT%' });
    assert.deepStrictEqual(loc.region, { startLine: line + 1, startColumn: column + 1, endLine: line + 1, endColumn: column + 1 + 'item'.length });
  });

  it('maps severities to SARIF levels', () => {
    assert.strictEqual(sarifLevel('error'), 'error');
    assert.strictEqual(sarifLevel('warning'), 'warning');
    assert.strictEqual(sarifLevel('information'), 'note');
    assert.strictEqual(sarifLevel('hint'), 'note');
  });

  it('turns a fix into artifact changes with 1-based regions', () => {
    const file = path.join(CWD, 'src dir', 'train.py');
    const finding: Finding = {
      code: 'GL303',
      ruleName: 'dataloader-without-pin-memory',
      message: 'pin memory',
      severity: 'information',
      range: lineRange(4, 9, 19),
      fix: {
        title: 'Add pin_memory=True',
        safe: true,
        edits: [
          { range: lineRange(4, 30, 30), newText: ', pin_memory=True' },
          { range: lineRange(0, 0, 6), newText: 'import' },
        ],
      },
    };
    const sarif = toSarif({ ...emptyResult(), files: [{ file, findings: [finding] }], checkedCount: 1 }, CWD);
    const result = sarif.runs[0].results[0];
    assert.strictEqual(result.level, 'note');
    assert.strictEqual(result.ruleIndex, RULES.findIndex((r) => r.meta.code === 'GL303'));
    assert.deepStrictEqual(result.fixes, [
      {
        description: { text: 'Add pin_memory=True' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'src%20dir/train.py', uriBaseId: '%SRCROOT%' },
            replacements: [
              { deletedRegion: { startLine: 5, startColumn: 31, endLine: 5, endColumn: 31 }, insertedContent: { text: ', pin_memory=True' } },
              { deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 7 }, insertedContent: { text: 'import' } },
            ],
          },
        ],
      },
    ]);
  });

  it('carries the fixes of real fixable findings in the rule fixtures', async () => {
    // Rules gain fixes over time; until one has, the synthetic case above covers the mapping.
    const root = fixturePath('rules');
    for (const dir of fs.readdirSync(root)) {
      for (const name of fs.readdirSync(path.join(root, dir)).filter((f) => f.startsWith('flagged') && f.endsWith('.py'))) {
        const result = await resultFor(path.join(root, dir, name));
        const sarif = toSarif(result, CWD);
        for (const [i, f] of result.files[0].findings.entries()) {
          const fixes = sarif.runs[0].results[i].fixes;
          if (!f.fix || f.fix.edits.length === 0) {
            assert.strictEqual(fixes, undefined);
            continue;
          }
          const replacements = fixes?.[0].artifactChanges[0].replacements ?? [];
          assert.strictEqual(replacements.length, f.fix.edits.length, `${dir}/${name}: ${f.code}`);
          assert.strictEqual(replacements[0].deletedRegion.startLine, f.fix.edits[0].range.start.line + 1);
          assert.strictEqual(replacements[0].insertedContent.text, f.fix.edits[0].newText);
        }
      }
    }
  });

  it('uses %SRCROOT%-relative URIs inside the working directory and file: URIs outside it', () => {
    assert.deepStrictEqual(artifactLocation(path.join(CWD, 'a', 'b.py'), CWD), { uri: 'a/b.py', uriBaseId: '%SRCROOT%' });
    const outside = artifactLocation(path.join(path.dirname(CWD), 'elsewhere.py'), CWD);
    assert.strictEqual(outside.uriBaseId, undefined);
    assert.match(outside.uri, /^file:\/\/.*\/elsewhere\.py$/);
  });

  it('reports skipped and unreadable files as tool notifications', () => {
    const sarif = toSarif(
      { ...emptyResult(), skipped: [{ file: path.join(CWD, 'big.py'), reason: 'too large' }], errors: [{ file: path.join(CWD, 'x.py'), reason: 'permission denied' }] },
      CWD,
    );
    const invocation = sarif.runs[0].invocations[0];
    assert.strictEqual(invocation.executionSuccessful, false);
    assert.deepStrictEqual(
      invocation.toolExecutionNotifications.map((n) => [n.level, n.message.text, n.locations[0].physicalLocation.artifactLocation.uri]),
      [
        ['note', 'skipped: too large', 'big.py'],
        ['error', 'not checked: permission denied', 'x.py'],
      ],
    );
    assert.deepStrictEqual(sarif.runs[0].results, []);
  });
});
