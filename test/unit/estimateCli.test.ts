/**
 * `greenlens estimate` spawned as users run it (dist/cli.js): the JSON shape,
 * the text with its assumptions, the errors, and calibration from a real
 * recorded run of a real PyTorch script checked against a real longer run.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runCliProcess } from '../support/cli';
import { projectRoot } from '../support/paths';
import { tempDir } from './energyFakes';

const PYTHON = '/usr/bin/python3';

function estimate(args: string[], cwd = projectRoot()) {
  return runCliProcess(['estimate', ...args], { cwd, timeoutMs: 60000 });
}

describe('greenlens estimate (CLI)', function () {
  this.timeout(120000);

  it('prints the estimate of examples/cifar_resnet.py on an A100 with its assumptions', async () => {
    const text = await estimate(['examples/cifar_resnet.py', '--hardware', 'A100']);
    assert.strictEqual(text.code, 0, text.stderr);
    assert.match(text.stdout, /examples\/cifar_resnet\.py:66 training loop \(estimated\)/);
    assert.match(text.stdout, /on 1× A100 SXM4 80 GB/);
    assert.match(text.stdout, /"A100" taken as A100 SXM4 80 GB/);
    assert.match(text.stdout, /epochs: 30 \[argparse default of --epochs\]/);
    assert.match(text.stdout, /GL101 saves ≈ .* on this script \(64% of its training compute\)/);

    const json = await estimate(['examples/cifar_resnet.py', '--hardware', 'A100', '--gpus', '2', '--region', 'FR', '--pue', '1.2', '--format', 'json', '--', '--epochs', '60']);
    assert.strictEqual(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.strictEqual(out.file, 'examples/cifar_resnet.py');
    assert.strictEqual(out.estimates.length, 1);
    const e = out.estimates[0];
    for (const key of ['line', 'entry', 'basis', 'durationS', 'durationLowS', 'durationHighS', 'energyKWh', 'energyLowKWh', 'energyHighKWh', 'co2eKg', 'flops', 'hardware', 'gpus', 'assumptions']) assert.ok(key in e, `missing ${key}`);
    assert.strictEqual(e.basis, 'static');
    assert.strictEqual(e.gpus, 2);
    assert.ok(e.durationLowS < e.durationS && e.durationS < e.durationHighS);
    assert.ok(e.energyLowKWh < e.energyKWh && e.energyKWh < e.energyHighKWh);
    const single = JSON.parse((await estimate(['examples/cifar_resnet.py', '--hardware', 'A100', '--format', 'json'])).stdout).estimates[0];
    // --epochs 60 doubles the argparse default of 30.
    assert.ok(Math.abs(e.flops / single.flops - 2) < 1e-9);
    assert.ok(e.assumptions.some((a: { name: string; source: string }) => a.name === 'epochs' && /--epochs 60/.test(a.source)));
    assert.ok(e.assumptions.some((a: { name: string; value: string }) => a.name === 'PUE' && a.value === '1.2'));
  });

  it('says there is nothing to estimate in a file without training, and exits 2 on a file it cannot read', async () => {
    const none = await estimate(['examples/pandas_features.py', '--format', 'json']);
    assert.strictEqual(none.code, 0, none.stderr);
    const out = JSON.parse(none.stdout);
    assert.deepStrictEqual(out.estimates, []);
    assert.match(out.message, /no training entry point/);
    const text = await estimate(['examples/pandas_features.py']);
    assert.match(text.stdout, /nothing to estimate/);
    const missing = await estimate(['no/such/file.py']);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /cannot read no\/such\/file\.py/);
    const bad = await estimate(['examples/cifar_resnet.py', '--format', 'xml']);
    assert.strictEqual(bad.code, 2);
  });

  // How close the calibrated figure comes to a real 6-epoch run depends on the machine's load,
  // so that accuracy belongs in a benchmark; this test checks what calibration must do.
  it('calibrates from a recorded 2-epoch run: scales its measured energy to 6 epochs, start-up counted once', async function () {
    this.timeout(240000);
    const dir = tempDir('estimate');
    try {
      fs.copyFileSync(path.join(projectRoot(), 'examples', 'tiny_cpu_train.py'), path.join(dir, 'train.py'));
      const first = await runCliProcess(['run', '--interval', '200', '--', PYTHON, 'train.py', '--epochs', '2'], { cwd: dir, timeoutMs: 120000 });
      assert.strictEqual(first.code, 0, first.stderr);
      const predicted = await estimate(['train.py', '--format', 'json', '--', '--epochs', '6'], dir);
      assert.strictEqual(predicted.code, 0, predicted.stderr);
      const e = JSON.parse(predicted.stdout).estimates[0];
      assert.strictEqual(e.basis, 'calibrated');
      assert.ok(e.staticEnergyKWh > 0);
      const firstId = fs.readdirSync(path.join(dir, '.greenlens', 'runs'))[0].replace(/\.json$/, '');
      assert.strictEqual(e.calibratedFrom, firstId);
      const measured = (JSON.parse(fs.readFileSync(path.join(dir, '.greenlens', 'runs', `${firstId}.json`), 'utf8')) as { energy: { totalKWh: number } }).energy.totalKWh;
      // More epochs cost more, but start-up is paid once: less than 3× the 2-epoch run.
      assert.ok(e.energyKWh > measured && e.energyKWh < 3 * measured, `6 epochs ${e.energyKWh} kWh from 2 epochs ${measured} kWh`);
      assert.ok(e.energyLowKWh <= e.energyKWh && e.energyKWh <= e.energyHighKWh);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
