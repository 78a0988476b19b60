/**
 * Progress is read from real-looking output of each framework, fed the way a
 * terminal delivers it: chunks cut anywhere, tqdm redrawing with `\r`, Keras
 * with backspaces and colour codes. Then the prediction built on it.
 */
import * as assert from 'assert';
import { parseProgress, ProgressTracker, type Progress } from '../../src/core/energy/progress';
import { checkBudget, EnergyPredictor, predictTotal } from '../../src/core/energy/prediction';

const ESC = '\x1b';

/** Feeds the text in chunks of `size` characters, as a pipe might deliver it. */
function feed(text: string, size = 7, tracker = new ProgressTracker()): { tracker: ProgressTracker; updates: Progress[] } {
  const updates: Progress[] = [];
  for (let i = 0; i < text.length; i += size) {
    const p = tracker.push(text.slice(i, i + size));
    if (p) updates.push(p);
  }
  const last = tracker.flush();
  if (last) updates.push(last);
  return { tracker, updates };
}

function close(actual: number | undefined, expected: number, label = ''): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${label} expected ${expected}, got ${actual}`);
}

/** A tqdm redraw: `\r` then the bar, as tqdm writes to a terminal. */
function tqdmBar(desc: string, n: number, total: number, postfix = ''): string {
  const pct = Math.floor((100 * n) / total);
  const filled = Math.floor(pct / 10);
  const bar = '█'.repeat(filled) + ' '.repeat(10 - filled);
  const head = desc ? `${desc}: ` : '';
  return `\r${head}${String(pct).padStart(3)}%|${bar}| ${n}/${total} [00:0${n % 10}<00:05,  8.50it/s${postfix}]`;
}

describe('progress: Keras', () => {
  it('reads tf.keras 2 output with backspace redraws', () => {
    const back = '\b'.repeat(80);
    const log =
      'Epoch 1/5\n' +
      '   1/1875 [..............................] - ETA: 12:31 - loss: 2.3140 - accuracy: 0.0625' +
      back +
      '\r 938/1875 [==============>...............] - ETA: 1s - loss: 0.4012 - accuracy: 0.8851' +
      back +
      '\r1875/1875 [==============================] - 3s 1ms/step - loss: 0.2954 - accuracy: 0.9147\n' +
      'Epoch 2/5\n' +
      ' 469/1875 [======>.......................] - ETA: 1s - loss: 0.1444' +
      back +
      '\r';
    const { tracker, updates } = feed(log);
    const p = tracker.progress!;
    assert.strictEqual(p.format, 'keras');
    assert.strictEqual(p.epoch, 2);
    assert.strictEqual(p.totalEpochs, 5);
    close(p.completedFraction, (1 + 469 / 1875) / 5);
    // The start of epoch 2 reports one epoch done.
    const start2 = updates.find((u) => u.epoch === 2)!;
    close(start2.epochsCompleted, 1);
    close(start2.completedFraction, 0.2);
  });

  it('reads Keras 3 output with colour codes (non-interactive: one line per epoch)', () => {
    const epochLine = (loss: string) =>
      `${ESC}[1m1875/1875${ESC}[0m ${ESC}[32m━━━━━━━━━━━━━━━━━━━━${ESC}[0m${ESC}[37m${ESC}[0m ${ESC}[1m3s${ESC}[0m 1ms/step - accuracy: 0.8745 - loss: ${loss} - val_accuracy: 0.9612 - val_loss: 0.1297\n`;
    const log = `Epoch 1/10\n${epochLine('0.4381')}Epoch 2/10\n${epochLine('0.1206')}Epoch 3/10\n`;
    const p = parseProgress(log)!;
    assert.deepStrictEqual(
      { epoch: p.epoch, totalEpochs: p.totalEpochs, epochsCompleted: p.epochsCompleted, format: p.format },
      { epoch: 3, totalEpochs: 10, epochsCompleted: 2, format: 'keras' },
    );
    close(p.completedFraction, 0.2);
  });

  it('never reads a line cut in the middle: "Epoch 3/5" + "0" is epoch 3 of 50', () => {
    const tracker = new ProgressTracker();
    assert.strictEqual(tracker.push('Epoch 3/5'), undefined);
    const p = tracker.push('0\n')!;
    assert.strictEqual(p.totalEpochs, 50);
  });
});

describe('progress: tqdm', () => {
  it('reads a hand-written per-epoch bar named "Epoch 2/3" with \\r updates in one chunk', () => {
    let log = '';
    for (const e of [1, 2]) for (const n of [0, 25, 50, 100]) log += tqdmBar(`Epoch ${e}/3`, n, 100, ', loss=0.41');
    log += tqdmBar('Epoch 3/3', 40, 100, ', loss=0.22') + '\r';
    const { tracker } = feed(log, log.length);
    const p = tracker.progress!;
    assert.strictEqual(p.epoch, 3);
    assert.strictEqual(p.totalEpochs, 3);
    close(p.completedFraction, (2 + 0.4) / 3);
    assert.strictEqual(p.format, 'tqdm');
  });

  it('reads nested bars: an outer epoch bar and an inner batch bar', () => {
    let log = tqdmBar('', 0, 4) + '\n';
    for (let e = 0; e < 2; e++) {
      for (const n of [0, 50, 120]) log += tqdmBar('', n, 120, ', loss=0.3');
      log += '\n' + tqdmBar('', e + 1, 4) + '\n';
    }
    log += tqdmBar('', 0, 120) + tqdmBar('', 60, 120) + '\r';
    const p = feed(log).tracker.progress!;
    assert.strictEqual(p.totalEpochs, 4);
    assert.strictEqual(p.epoch, 3);
    close(p.completedFraction, 2.5 / 4);
  });

  it('gives no fraction for a lone bar that may be one epoch of many, and counts epochs once it restarts', () => {
    const first = parseProgress(tqdmBar('', 30, 100) + '\r' + tqdmBar('', 60, 100) + '\r');
    assert.strictEqual(first?.completedFraction, undefined);
    // The script also prints "Epoch 1/4, loss: …" after each epoch, which gives the total.
    const log = tqdmBar('', 100, 100) + '\nEpoch 1/4, loss: 0.52\n' + tqdmBar('', 0, 100) + tqdmBar('', 50, 100) + '\r';
    const p = parseProgress(log)!;
    assert.strictEqual(p.totalEpochs, 4);
    close(p.completedFraction, 1.5 / 4);
  });

  it('ignores validation, download and dataset-map bars', () => {
    const log =
      'Downloading model.safetensors: 100%|██████████| 440M/440M [00:05<00:00, 80.1MB/s]\n' +
      'Map: 100%|██████████| 25000/25000 [00:03<00:00, 7612.32 examples/s]\n' +
      tqdmBar('Epoch 1/2', 50, 100) +
      '\r' +
      tqdmBar('Validation', 3, 10) +
      '\r';
    const p = parseProgress(log)!;
    assert.strictEqual(p.epoch, 1);
    close(p.completedFraction, 0.25);
  });
});

describe('progress: PyTorch Lightning', () => {
  const bar = (epoch: number, n: number) => tqdmBar(`Epoch ${epoch}`, n, 100, ', v_num=0, train_loss=0.512');

  it('counts Lightning epochs from 0 and takes the epoch count from the script when given', () => {
    const log =
      'Sanity Checking DataLoader 0: 100%|██████████| 2/2 [00:00<00:00, 45.12it/s]\n' +
      bar(0, 0) +
      bar(0, 100) +
      '\nValidation DataLoader 0:  50%|█████     | 5/10 [00:00<00:00, 80.2it/s]\r' +
      bar(1, 0) +
      bar(1, 45) +
      '\r';
    const withHint = feed(log, 11, new ProgressTracker({ totalEpochs: 10 })).tracker.progress!;
    assert.strictEqual(withHint.format, 'lightning');
    assert.strictEqual(withHint.epoch, 2);
    close(withHint.completedFraction, 1.45 / 10);

    const without = parseProgress(log)!;
    assert.strictEqual(without.epoch, 2);
    assert.strictEqual(without.completedFraction, undefined);
    close(without.epochsCompleted, 1.45);
  });

  it('reads the rich bar form "Epoch 2/9" as epoch 3 of 10', () => {
    const p = parseProgress(bar(0, 100).replace('Epoch 0', 'Epoch 0/9') + tqdmBar('Epoch 2/9', 45, 100, ', v_num=3') + '\r')!;
    assert.strictEqual(p.epoch, 3);
    assert.strictEqual(p.totalEpochs, 10);
    close(p.completedFraction, 2.45 / 10);
  });
});

describe('progress: Hugging Face Trainer', () => {
  it('reads the step bar and the epoch logs, ignoring evaluation bars', () => {
    const log =
      '***** Running training *****\n' +
      '  Num examples = 2,000\n' +
      '  Num Epochs = 3\n' +
      '  Instantaneous batch size per device = 16\n' +
      '  Total optimization steps = 375\n' +
      tqdmBar('', 0, 375) +
      tqdmBar('', 60, 375) +
      `\r${ESC}[K{'loss': 0.6812, 'grad_norm': 2.913, 'learning_rate': 4.2e-05, 'epoch': 0.48}\n` +
      tqdmBar('', 125, 375) +
      '\n' +
      tqdmBar('', 0, 13) +
      tqdmBar('', 7, 13) +
      '\r' +
      `{'eval_loss': 0.4123, 'eval_runtime': 1.2, 'epoch': 1.0}\n` +
      tqdmBar('', 150, 375) +
      '\r';
    const p = parseProgress(log)!;
    assert.strictEqual(p.format, 'huggingface');
    assert.strictEqual(p.totalEpochs, 3);
    close(p.completedFraction, 150 / 375);
    close(p.epochsCompleted, 1.2);
    assert.strictEqual(p.epoch, 2);
  });

  it('reads the bar as the whole run once a log line shows it is the Trainer, without the banner', () => {
    const log = tqdmBar('', 40, 500) + `\r{'loss': 0.52, 'learning_rate': 3e-05, 'epoch': 0.16}\n` + tqdmBar('', 50, 500) + '\r';
    const { updates } = feed(log);
    const fromLog = updates.find((u) => u.epochsCompleted !== undefined)!;
    close(fromLog.epochsCompleted, 0.16);
    close(fromLog.completedFraction, 40 / 500);
    close(updates[updates.length - 1].completedFraction, 0.1);
  });
});

describe('progress: printed lines', () => {
  it('reads "Epoch [3/50], Step [100/600], Loss: …" inside epoch 3', () => {
    const p = parseProgress('Epoch [3/50], Step [100/600], Loss: 0.2143\n')!;
    assert.strictEqual(p.format, 'plain');
    assert.strictEqual(p.epoch, 3);
    close(p.completedFraction, (2 + 100 / 600) / 50);
  });

  it('reads "Epoch [3/50], Loss: …" as epoch 3 finished and "epoch 3/50" alone as epoch 3 begun', () => {
    close(parseProgress('Epoch [3/50], Loss: 0.2143\n')!.completedFraction, 3 / 50);
    close(parseProgress('epoch 3/50\n')!.completedFraction, 2 / 50);
    close(parseProgress('Epoch 3 of 50 - loss=0.31 acc=0.88\n')!.completedFraction, 3 / 50);
  });

  it('ignores lines that only mention epochs or look like ratios', () => {
    assert.strictEqual(parseProgress('Saving checkpoint for epoch 3\nlr=3/4\n10/20 files copied\n'), undefined);
  });

  it('drops overlong lines whole and survives hostile ones', () => {
    const tracker = new ProgressTracker();
    tracker.push('x'.repeat(5000));
    tracker.push('Epoch 13/50\n');
    assert.strictEqual(tracker.progress, undefined, 'the tail of an overlong line is not read');
    tracker.push('epoch' + ' '.repeat(3000) + 'x\n' + ' '.repeat(4000) + '%|\n' + '\x1b]'.repeat(1300) + '\n');
    assert.strictEqual(tracker.push('Epoch 2/4\n')?.epoch, 2);
  });

  it('counts from 0 when the first printed epoch is 0', () => {
    const p = parseProgress('Epoch 0/10 loss: 0.9\nEpoch 1/10 loss: 0.7\n')!;
    assert.strictEqual(p.epochsCompleted, 2);
  });
});

describe('prediction', () => {
  it('extrapolates from the end of epoch 1, leaving start-up out', () => {
    // 0.01 kWh of start-up, then 0.02 kWh per epoch over 10 epochs: 0.21 kWh in all.
    const predictor = new EnergyPredictor();
    assert.strictEqual(predictor.observe({ energyKWh: 0.01, elapsedS: 30, fraction: 0, epochsCompleted: 0 }), undefined);
    const afterOne = predictor.observe({ energyKWh: 0.03, elapsedS: 90, fraction: 0.1, epochsCompleted: 1 })!;
    // Right after epoch 1 the rate comes from the first progress line on: start-up is still left out.
    assert.strictEqual(afterOne.basis, 'since-first-progress');
    close(afterOne.totalKWh, 0.21);
    const later = predictor.observe({ energyKWh: 0.09, elapsedS: 270, fraction: 0.4, epochsCompleted: 4 })!;
    assert.strictEqual(later.basis, 'since-first-epoch');
    close(later.totalKWh, 0.21);
    close(later.totalS, 30 + 600);
  });

  it('gives no prediction before the first epoch has finished', () => {
    const predictor = new EnergyPredictor();
    assert.strictEqual(predictor.observe({ energyKWh: 0.005, elapsedS: 10, fraction: 0.05, epochsCompleted: 0.5 }), undefined);
  });

  it('predictTotal without an anchor divides by the fraction, and rejects a zero fraction', () => {
    close(predictTotal(0.5, 100, 0.25)!.totalKWh, 2);
    assert.strictEqual(predictTotal(0.5, 100, 0), undefined);
    assert.strictEqual(predictTotal(0.5, 100, 1)!.remainingKWh, 0);
  });

  it('checks the prediction against budget.kWh', () => {
    const over = checkBudget(predictTotal(0.5, 100, 0.25)!, { kWh: 1.5 })!;
    assert.strictEqual(over.exceeds, true);
    close(over.overKWh, 0.5);
    assert.match(over.message, /predicted to use 2 kWh, 33% over its budget of 1\.5 kWh/);
    const within = checkBudget(0.2, { kWh: 0.25 })!;
    assert.strictEqual(within.exceeds, false);
    assert.match(within.message, /200 Wh, within its budget of 250 Wh/);
    assert.strictEqual(checkBudget(2, undefined), undefined);
    assert.strictEqual(checkBudget(0.1, { kWh: 0.05 }, 0.06)!.exceeds, true);
  });
});
