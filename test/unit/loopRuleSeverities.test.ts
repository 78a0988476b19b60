/**
 * The fixture test checks which lines the GL2 loop rules flag; this one checks
 * the severities they choose, which carry part of the precision story:
 * GL203 never knows the frame's size, and GL205 softens deliberate re-inits.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { analyzePython } from '../../src/core/analysis/analyzer';
import { fixturePath } from '../support/paths';

async function severities(code: string, file: string): Promise<Map<number, string>> {
  const text = fs.readFileSync(fixturePath('rules', code, file), 'utf8');
  const { findings, tree } = await analyzePython(text);
  tree.delete();
  return new Map(findings.filter((f) => f.code === code).map((f) => [f.range.start.line + 1, f.severity]));
}

describe('GL2 loop rule severities', () => {
  it('GL203 is Information: the frame size is unknown statically', async () => {
    const found = await severities('GL203', 'flagged.py');
    assert.ok(found.size > 0);
    for (const s of found.values()) assert.strictEqual(s, 'information');
  });

  it('GL202 and GL204 warn', async () => {
    for (const code of ['GL202', 'GL204']) {
      const found = await severities(code, 'flagged.py');
      assert.ok(found.size > 0);
      for (const s of found.values()) assert.strictEqual(s, 'warning', code);
    }
  });

  it('GL205 informs for a hyper-parameter sweep and a worker-less per-epoch loader, and warns otherwise', async () => {
    const text = fs.readFileSync(fixturePath('rules', 'GL205', 'flagged.py'), 'utf8').split('\n');
    const lineOf = (needle: string) => text.findIndex((l) => l.includes(needle)) + 1;
    const found = await severities('GL205', 'flagged.py');
    assert.strictEqual(found.get(lineOf('trial_model = Net()')), 'information');
    assert.strictEqual(found.get(lineOf('DataLoader(dataset, batch_size=64')), 'information');
    assert.strictEqual(found.get(lineOf('num_workers=4')), 'warning');
    assert.strictEqual(found.get(lineOf('torch.optim.SGD(model.parameters(), lr=0.01')), 'warning');
    assert.strictEqual(found.get(lineOf('AutoTokenizer.from_pretrained')), 'warning');
  });
});
