/**
 * The predicted total of a profiled run is shown (and the budget alarm
 * raised) only once it rests on work done after start-up — on the example,
 * importing PyTorch takes most of the first epoch's time, and a rate over
 * the whole run after epoch 1 predicted 3.3× the final energy (issue 9).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { BudgetCheck } from '../../src/core/energy/prediction';
import { startProfiledRun } from '../../src/core/run/profiledRun';
import { projectRoot } from '../support/paths';
import { tempDir } from './energyFakes';

describe('prediction during a real run of the example', function () {
  this.timeout(120000);
  let dir: string;
  beforeEach(() => (dir = tempDir('prediction')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('waits for a whole epoch after the first, then predicts the total within 25%', async () => {
    let output = '';
    let firstPrediction: { kWh: number; outputSoFar: string } | undefined;
    let alarm: { check: BudgetCheck; outputSoFar: string } | undefined;
    const run = await startProfiledRun({
      command: '/usr/bin/python3',
      args: [path.join(projectRoot(), 'examples', 'tiny_cpu_train.py'), '--epochs', '6'],
      cwd: dir,
      historyDir: path.join(dir, '.greenlens'),
      // Any prediction exceeds it: the alarm comes with the first prediction that is trusted.
      budgetKWh: 1e-12,
      meter: { intervalMs: 200 },
      onOutput: (text) => (output += text),
      onLive: (live) => {
        if (live.prediction && !firstPrediction) firstPrediction = { kWh: live.prediction.totalKWh, outputSoFar: output };
      },
      onBudgetExceeded: (check) => (alarm ??= { check, outputSoFar: output }),
    });
    const { record } = await run.done;
    assert.strictEqual(record.status, 'completed', output);
    assert.ok(alarm, 'the budget alarm came');
    assert.match(alarm.outputSoFar, /epoch 2\/6/, 'not before the end of epoch 2');
    const predicted = firstPrediction?.kWh ?? alarm.check.predictedKWh;
    if (firstPrediction) assert.match(firstPrediction.outputSoFar, /epoch 2\/6/);
    const ratio = predicted / record.energy.totalKWh;
    assert.ok(ratio > 0.75 && ratio < 1.25, `first prediction ${predicted} kWh vs final ${record.energy.totalKWh} kWh (×${ratio.toFixed(2)})`);
  });
});
