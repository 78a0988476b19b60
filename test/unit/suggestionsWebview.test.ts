/**
 * The words the sidebar and the report use for suggestions and findings:
 * family names, the saving on a measured run, evidence lines and code spans.
 * Pure helpers, so they run here in Node.
 */
import * as assert from 'assert';
import type { FindingItem } from '../../src/shared/protocol';
import { alsoAtText, codeSpans, evidenceText, FAMILY_NAMES, familyName, findingsOfFamily, runSavingText } from '../../src/webview/common/suggestionText';

describe('webview/suggestionText', () => {
  it('names every rule family', () => {
    assert.deepStrictEqual(
      FAMILY_NAMES.map(([code, name]) => `${code} ${name}`),
      ['GL1 Heavy models', 'GL2 Loops', 'GL3 Training setup', 'GL4 Data pipeline', 'GL5 TensorFlow.js', 'GL6 Export & serving'],
    );
    assert.strictEqual(familyName('GL3'), 'Training setup');
  });

  it('says what a suggestion saves per run, in the unit that reads, with its basis', () => {
    assert.strictEqual(
      runSavingText({ kWh: 0.00645, ratio: 0.645, upTo: false, metric: 'FLOPs per image', runId: 'r', runKWh: 0.01, provenance: 'measured' }),
      '≈ 6.45 Wh per run: 65% (FLOPs per image) of the 10 Wh its completed run used (measured)',
    );
    assert.strictEqual(
      runSavingText({ kWh: 1.6e-5, ratio: 2 / 3, upTo: true, metric: 'training time', runId: 'r', runKWh: 2.4e-5 }),
      'up to 16 mWh per run: 67% (training time) of the 24 mWh its completed run used',
    );
  });

  it('counts lines from 1 for the reader', () => {
    assert.strictEqual(evidenceText({ kind: 'model-save', line: 70, what: 'saves the trained model' }), 'line 71: saves the trained model');
    assert.strictEqual(alsoAtText([22]), 'also line 23');
    assert.strictEqual(alsoAtText([22, 40]), 'also lines 23, 41');
    assert.strictEqual(alsoAtText(undefined), '');
  });

  it('splits Markdown code spans out of a message, leaving an unclosed backtick as text', () => {
    assert.deepStrictEqual(codeSpans('Call `loss.item()` every `k` steps.'), [
      { code: false, text: 'Call ' },
      { code: true, text: 'loss.item()' },
      { code: false, text: ' every ' },
      { code: true, text: 'k' },
      { code: false, text: ' steps.' },
    ]);
    assert.deepStrictEqual(codeSpans('a `b'), [{ code: false, text: 'a `b' }]);
  });

  it('filters findings by family', () => {
    const item = (code: string, family: FindingItem['family']): FindingItem => ({ code, ruleName: 'r', family, severity: 'warning', summary: 's', file: 'f.py', line: 0 });
    const items = [item('GL101', 'GL1'), item('GL303', 'GL3'), item('GL304', 'GL3')];
    assert.deepStrictEqual(findingsOfFamily(items, 'GL3').map((f) => f.code), ['GL303', 'GL304']);
    assert.deepStrictEqual(findingsOfFamily(items, undefined).length, 3);
    assert.deepStrictEqual(findingsOfFamily(items, 'GL5'), []);
  });
});
