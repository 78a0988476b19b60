/**
 * Findings read in one glance: every rule's message splits into a headline,
 * details and a source; the editor's plain diagnostic text keeps headline
 * and source without backticks; the hover block renders code spans and
 * escapes everything else.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../src/core/analysis/analyzer';
import { diagnosticMessage, escapeMarkdown, findingMarkdown, plainText, splitMessage } from '../../src/core/analysis/findingText';
import type { Finding } from '../../src/core/analysis/types';
import { fixturePath } from '../support/paths';

/** Every finding the rules report over their flagged fixtures. */
async function fixtureFindings(): Promise<Finding[]> {
  const root = fixturePath('rules');
  const out: Finding[] = [];
  for (const dir of fs.readdirSync(root).filter((d) => /^GL\d{3}$/.test(d))) {
    for (const file of fs.readdirSync(path.join(root, dir)).filter((f) => f.startsWith('flagged') && f.endsWith('.py'))) {
      const { findings, tree } = await analyzePython(fs.readFileSync(path.join(root, dir, file), 'utf8'));
      tree.delete();
      out.push(...findings);
    }
  }
  return out;
}

describe('finding text', () => {
  it('splits a message into headline, details and source', () => {
    const parts = splitMessage(
      '`.item()` on every step (e.g. `loss.item()`) stalls the GPU: top-1 78.3 → 76.1. Keep values on the device. Measure it. Source: PyTorch Performance Tuning Guide, "Avoid unnecessary CPU-GPU synchronization".',
    );
    assert.strictEqual(parts.headline, '`.item()` on every step (e.g. `loss.item()`) stalls the GPU: top-1 78.3 → 76.1.');
    assert.strictEqual(parts.details, 'Keep values on the device. Measure it.');
    assert.strictEqual(parts.sourceLabel, 'Source');
    assert.strictEqual(parts.source, 'PyTorch Performance Tuning Guide, "Avoid unnecessary CPU-GPU synchronization".');
  });

  it('does not end a sentence inside code, brackets, quotes or after an abbreviation', () => {
    const parts = splitMessage('Call `a. b` (see x. y) "one. two" e.g. three, then stop. Next. Sources: A; B.');
    assert.strictEqual(parts.headline, 'Call `a. b` (see x. y) "one. two" e.g. three, then stop.');
    assert.strictEqual(parts.details, 'Next.');
    assert.strictEqual(parts.sourceLabel, 'Sources');
    assert.strictEqual(parts.source, 'A; B.');
  });

  it('reads a "Source:" written inside code or a quote as part of the text', () => {
    const parts = splitMessage('Write `Source: x` here. "Source: y" is quoted.');
    assert.strictEqual(parts.source, undefined);
    assert.strictEqual(parts.headline, 'Write `Source: x` here.');
  });

  it('gives the editor plain text: headline and source, no backticks', () => {
    const text = diagnosticMessage({ message: '`pin_memory=True` saves −9.8% time. Pass it. Source: creedengo GCI102.' });
    assert.strictEqual(text, 'pin_memory=True saves −9.8% time. Source: creedengo GCI102.');
    assert.strictEqual(plainText('a `b` c `d`'), 'a b c d');
  });

  it('escapes Markdown outside code spans only', () => {
    assert.strictEqual(escapeMarkdown('Distil* IMAGENET1K_V2 `**kwargs` <b> [x]'), 'Distil\\* IMAGENET1K\\_V2 `**kwargs` \\<b\\> \\[x\\]');
  });

  it('renders one block per finding with its code, severity, docs link, headline, source and fix', async () => {
    const text = 'import torch\nfrom torch.utils.data import DataLoader\ndevice = "cuda"\nloader = DataLoader(train_set, num_workers=4)\n';
    const { findings, tree } = await analyzePython(text);
    tree.delete();
    const f = findings.find((x) => x.code === 'GL303')!;
    const md = findingMarkdown(f, { docsLink: 'command:greenlens.showRuleDocs?%5B%22GL303%22%5D' });
    const lines = md.split('\n');
    assert.strictEqual(lines[0], '**GL303** dataloader-without-pin-memory · Information · [GL303 docs](command:greenlens.showRuleDocs?%5B%22GL303%22%5D)');
    assert.match(lines[2], /^\*\*Batches from this DataLoader .*−9\.8% training time.*\*\*$/);
    assert.ok(md.includes('Pass `pin_memory=True` and move batches with `.to(device, non_blocking=True)`'), 'code spans stay code');
    assert.match(md, /\n\*Source:\* creedengo GCI102/);
    assert.match(md, /\n\*Quick fix:\* Add pin\\_memory=True$/);
    assert.ok(!findingMarkdown(f).includes('docs]('), 'no link without a docs address');
  });

  it('every rule message has a source, a headline shorter than the message, and balanced code spans', async () => {
    const findings = await fixtureFindings();
    const codes = new Set(findings.map((f) => f.code));
    assert.ok(codes.size >= 15, `findings from ${codes.size} rules`);
    for (const f of findings) {
      const parts = splitMessage(f.message);
      assert.ok(parts.source && parts.source.length > 10, `${f.code} has no source: ${f.message}`);
      assert.ok(parts.headline.length > 20 && parts.headline.length < f.message.length, `${f.code} headline: ${parts.headline}`);
      assert.strictEqual((f.message.match(/`/g) ?? []).length % 2, 0, `${f.code} has an unbalanced backtick: ${f.message}`);
      assert.ok(!diagnosticMessage(f).includes('`'), `${f.code} diagnostic keeps a backtick`);
    }
  });
});
