/**
 * Reads training progress from a run's output, so the status bar can predict
 * the total energy after the first epoch. Understands Keras (`Epoch 3/50`
 * and its step bars), tqdm bars (plain, nested epoch/batch bars, and
 * PyTorch Lightning's `Epoch 2/9: 45%|…`), Hugging Face Trainer logs
 * (`{'loss': …, 'epoch': 1.5}` with its step bar) and hand-written prints
 * (`epoch 3/50`, `Epoch [3/50], Step [100/600], Loss: …`).
 *
 * Output arrives in chunks that can cut a line anywhere, and tqdm redraws its
 * bar with `\r`; only complete segments (ended by `\r` or `\n`) are parsed,
 * so a half-received `Epoch 3/5` is never read as the total.
 *
 * When in doubt the tracker reports no fraction rather than a wrong one: a
 * prediction built on a misread bar would be worse than none.
 */

export type ProgressFormat = 'keras' | 'lightning' | 'huggingface' | 'tqdm' | 'plain';

export interface Progress {
  /** Share of the whole run done, 0–1, when the output says enough to know it. */
  completedFraction?: number;
  /** The epoch in progress, counted from 1. */
  epoch?: number;
  totalEpochs?: number;
  /** Epochs finished, possibly fractional (Hugging Face logs `'epoch': 1.5`). */
  epochsCompleted?: number;
  /** Which output the figures were read from. */
  format: ProgressFormat;
}


const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
/** Longest line parsed; progress lines are a terminal's width, and longer ones are log noise. */
const MAX_LINE = 4096;

// The patterns avoid neighbouring `\s*` groups, so a hostile line cannot make them backtrack for long.
const TQDM = /(?<pct>\d{1,3})%\|(?<bar>[^|]*)\|\s*(?<n>\d+(?:\.\d+)?[kMGT]?)\/(?<total>\d+(?:\.\d+)?[kMGT]?)(?<rest>.*)$/;
const KERAS_EPOCH = /^\s*Epoch (\d+)\/(\d+)\s*$/;
const KERAS_STEP = /^\s*(\d+)\/(\d+)\s+(?:\[[=>.]*\]|━)/;
const EPOCH_IN_TEXT = /\bepoch\b[\s:#=[(]*(\d+)(?:\s*(?:\/|of)\s*(\d+))?/i;
const STEP_IN_TEXT = /\b(?:step|batch|iter(?:ation)?)\b[\s:#=[(]*(\d+)\s*(?:\/|of)\s*(\d+)/i;
const METRIC = /\b(?:loss|acc(?:uracy)?|val_\w+|f1|auc|mse|mae|rmse|perplexity|ppl|lr|time|took|elapsed)\b|\d(?:\.\d+)?\s*s\b/i;
const HF_EPOCH = /^\{.*'epoch':\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/;
const HF_NUM_EPOCHS = /\bNum Epochs\s*=\s*([\d,]+)/;
const HF_TOTAL_STEPS = /\bTotal optimization steps\s*=\s*([\d,]+)/;
/** Bars that are not training: evaluation passes and data preparation (downloads, dataset `map`). */
const SIDE_BAR = /\b(?:val(?:id(?:ation|ating)?)?|eval(?:uat(?:e|ing|ion))?|test(?:ing)?|sanity|predict(?:ing|ion)?|inference|download(?:ing)?|fetching|loading|map|filter|tokeniz\w*|generating|extracting|resolving|uploading|saving|preprocess\w*)\b/i;
/** A transfer rate in bytes per second: a download bar. */
const BYTE_RATE = /\d\s*[kMGT]?i?B\/s\b/;

interface Bar {
  n: number;
  total: number;
  /** Times the bar started again from a lower count: a per-epoch bar. */
  restarts: number;
  /** Finished when a later bar opened: a phase that is over, unless it restarts. */
  done: boolean;
}

/**
 * Follows one run's output. Feed it chunks as they arrive with `push`; it
 * returns the progress whenever a complete line changed it.
 */
export class ProgressTracker {
  private pending = '';
  /** True while the rest of an overlong line is being dropped. */
  private dropping = false;
  private current: Progress | undefined;
  private kerasEpoch?: { epoch: number; total: number };
  private zeroBased?: boolean;
  private hfEpochs?: number;
  private hfSteps?: number;
  private hfEpochsDone?: number;
  private plainTotal?: number;
  private readonly bars = new Map<string, Bar>();
  private mainBar?: string;
  private outerBar?: string;
  private readonly hintEpochs?: number;

  /**
   * `totalEpochs`: the epoch count when the output may not print it (Lightning's
   * bar shows only the current epoch), e.g. `max_epochs` read from the script.
   */
  constructor(options: { totalEpochs?: number } = {}) {
    if (options.totalEpochs !== undefined && options.totalEpochs > 0) this.hintEpochs = options.totalEpochs;
  }

  /** The latest progress, if any line has told it. */
  get progress(): Progress | undefined {
    return this.current;
  }

  /** Parses the complete segments of `chunk` (with what was left over from the last one). */
  push(chunk: string): Progress | undefined {
    const text = this.pending + chunk;
    let changed: Progress | undefined;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const p = this.dropping ? undefined : this.line(text.slice(start, i));
      this.dropping = false;
      if (p) changed = p;
      start = i + 1;
    }
    // A line longer than any progress line is dropped whole, never read from
    // its tail: "Epoch 13/50" cut to "3/50" would mislead.
    const rest = text.slice(start);
    if (rest.length > MAX_LINE) this.dropping = true;
    this.pending = this.dropping ? '' : rest;
    return changed;
  }

  /** Parses what is left when the output ends without a final line break. */
  flush(): Progress | undefined {
    const rest = this.dropping ? '' : this.pending;
    this.pending = '';
    this.dropping = false;
    return rest ? this.line(rest) : undefined;
  }

  /** Parses one complete line (no `\r` or `\n` inside). */
  line(raw: string): Progress | undefined {
    if (raw.length > MAX_LINE) return undefined;
    const text = raw.replace(ANSI, '').replace(/[\b]/g, '').trimEnd();
    if (!text.trim()) return undefined;
    const p = this.parse(text);
    if (!p) return undefined;
    if (p.completedFraction !== undefined) {
      p.completedFraction = Math.min(1, Math.max(0, p.completedFraction));
      // Progress does not go back: a dip comes from a bar read out of turn
      // (an evaluation pass between epochs), not from the run undoing work.
      const before = this.current?.completedFraction;
      if (before !== undefined && p.completedFraction < before) return undefined;
    }
    this.current = p;
    return p;
  }

  private parse(text: string): Progress | undefined {
    const steps = HF_TOTAL_STEPS.exec(text);
    if (steps) this.hfSteps = Number(steps[1].replace(/,/g, ''));
    const epochs = HF_NUM_EPOCHS.exec(text);
    if (epochs) this.hfEpochs = Number(epochs[1].replace(/,/g, ''));
    if (steps || epochs) return undefined;

    const hf = HF_EPOCH.exec(text.trim());
    if (hf) return this.huggingFaceLog(Number(hf[1]));

    const bar = text.includes('%|') ? TQDM.exec(text) : null;
    if (bar?.groups) {
      const desc = text.slice(0, bar.index).trimEnd().replace(/:$/, '').trim();
      return this.tqdm(desc, bar.groups);
    }

    const keras = KERAS_EPOCH.exec(text);
    if (keras) {
      const epoch = Number(keras[1]);
      const total = Number(keras[2]);
      if (total <= 0 || epoch > total) return undefined;
      this.kerasEpoch = { epoch, total };
      return { completedFraction: (epoch - 1) / total, epoch, totalEpochs: total, epochsCompleted: epoch - 1, format: 'keras' };
    }
    if (this.kerasEpoch) {
      const step = KERAS_STEP.exec(text);
      if (step) {
        const { epoch, total } = this.kerasEpoch;
        const within = ratio(Number(step[1]), Number(step[2]));
        if (within === undefined) return undefined;
        const done = epoch - 1 + within;
        return { completedFraction: done / total, epoch, totalEpochs: total, epochsCompleted: done, format: 'keras' };
      }
    }
    return this.plain(text);
  }

  private huggingFaceLog(epochsDone: number): Progress | undefined {
    if (!Number.isFinite(epochsDone)) return undefined;
    this.hfEpochsDone = epochsDone;
    const total = this.hfEpochs ?? this.hintEpochs;
    const fraction = total ? epochsDone / total : this.wholeRunBarFraction();
    const epoch = total !== undefined && epochsDone >= total ? total : Math.floor(epochsDone) + 1;
    return { completedFraction: fraction, epoch, totalEpochs: total, epochsCompleted: epochsDone, format: 'huggingface' };
  }

  private tqdm(desc: string, g: Record<string, string>): Progress | undefined {
    if (SIDE_BAR.test(desc) || BYTE_RATE.test(g.rest)) return undefined;
    const n = scaled(g.n);
    const total = scaled(g.total);
    const within = n !== undefined && total !== undefined ? ratio(n, total) : ratio(Number(g.pct), 100);
    if (within === undefined) return undefined;

    const epochMatch = EPOCH_IN_TEXT.exec(desc);
    if (epochMatch) {
      // A bar per epoch, named by the script or by Lightning.
      const e = Number(epochMatch[1]);
      const m = epochMatch[2] !== undefined ? Number(epochMatch[2]) : undefined;
      const lightning = /\bv_num=/.test(g.rest);
      if (this.zeroBased === undefined) this.zeroBased = lightning || e === 0;
      const epoch = this.zeroBased ? e + 1 : e;
      // Lightning counts epochs from 0 (`Epoch 0:`); its rich bar writes
      // `Epoch {current}/{max_epochs - 1}`, so a 0-based `N/M` means M + 1 epochs.
      let totalEpochs = m !== undefined ? (this.zeroBased ? m + 1 : m) : (this.plainTotal ?? this.hintEpochs);
      if (totalEpochs !== undefined && epoch > totalEpochs) totalEpochs = epoch;
      const done = epoch - 1 + within;
      return {
        completedFraction: totalEpochs ? done / totalEpochs : undefined,
        epoch,
        totalEpochs,
        epochsCompleted: done,
        format: lightning ? 'lightning' : 'tqdm',
      };
    }
    if (n === undefined || total === undefined || total <= 0) return undefined;
    return this.anonymousBar(`${desc}|${total}`, n, total);
  }

  /**
   * A bar without an epoch in its description. When a second bar opens while
   * the first still stands at 0, the first counts epochs (outer) and the
   * second batches (inner). Otherwise the main bar is the one with the largest
   * total (training batches outnumber evaluation batches) among bars still in
   * play: a bar that had finished when a later one opened is a finished phase
   * (preprocessing), until it starts again, which makes it a per-epoch bar.
   */
  private anonymousBar(key: string, n: number, total: number): Progress | undefined {
    let bar = this.bars.get(key);
    if (!bar) {
      const first = this.bars.size === 1 && !this.outerBar ? [...this.bars.entries()][0] : undefined;
      if (first && first[1].n === 0 && first[1].restarts === 0 && this.hfSteps === undefined) this.outerBar = first[0];
      for (const other of this.bars.values()) if (other.n >= other.total) other.done = true;
      bar = { n, total, restarts: 0, done: false };
      this.bars.set(key, bar);
    } else {
      if (n < bar.n) {
        bar.restarts++;
        bar.done = false;
      }
      bar.n = n;
    }
    this.mainBar = this.pickMainBar();
    if (key === this.outerBar) return this.innerProgress();
    if (key !== this.mainBar) return undefined;
    const hfMain = this.hfSteps !== undefined && total === this.hfSteps;
    if (!this.outerBar && bar.restarts === 0) {
      // One bar that has not restarted spans the whole run only when Hugging
      // Face says so; a hand-written loop's per-epoch bar looks the same until
      // it restarts, and reading it as the whole run would predict far too little.
      if (!hfMain && this.hfEpochsDone === undefined) return undefined;
      const fraction = n / total;
      const epochs = this.hfEpochs ?? this.hintEpochs;
      if (epochs) {
        const done = fraction * epochs;
        return { completedFraction: fraction, epoch: Math.min(epochs, Math.floor(done) + 1), totalEpochs: epochs, epochsCompleted: done, format: 'huggingface' };
      }
      return { completedFraction: fraction, format: 'huggingface' };
    }
    return this.innerProgress();
  }

  private pickMainBar(): string | undefined {
    if (this.hfSteps !== undefined) {
      for (const [key, bar] of this.bars) if (bar.total === this.hfSteps) return key;
    }
    let best: [string, Bar] | undefined;
    for (const entry of this.bars) {
      if (entry[0] === this.outerBar || entry[1].done) continue;
      if (!best || entry[1].total > best[1].total) best = entry;
    }
    return best?.[0];
  }

  /** Progress from a per-epoch main bar, with the epoch count from an outer bar or printed lines. */
  private innerProgress(): Progress | undefined {
    const main = this.mainBar ? this.bars.get(this.mainBar) : undefined;
    const outer = this.outerBar ? this.bars.get(this.outerBar) : undefined;
    if (!main) return undefined;
    const within = main.n / main.total;
    const epochsDone = outer ? outer.n + (outer.n < outer.total && main.n < main.total ? within : 0) : main.restarts + within;
    const totalEpochs = outer?.total ?? this.plainTotal ?? this.hintEpochs;
    return {
      completedFraction: totalEpochs ? epochsDone / totalEpochs : undefined,
      epoch: Math.min(totalEpochs ?? Infinity, Math.floor(epochsDone) + 1),
      totalEpochs,
      epochsCompleted: epochsDone,
      format: 'tqdm',
    };
  }

  /** The main bar's fraction while it may span the whole run (no outer bar, no restart). */
  private wholeRunBarFraction(): number | undefined {
    const main = this.mainBar ? this.bars.get(this.mainBar) : undefined;
    return main && !this.outerBar && main.restarts === 0 ? main.n / main.total : undefined;
  }

  /**
   * Printed lines: `Epoch 3/50` alone opens epoch 3 (Keras's habit), while
   * the same with a metric (`Epoch [3/50], Loss: 0.21`) reports it finished;
   * a step count (`Step [100/600]`) places the run inside the epoch.
   */
  private plain(text: string): Progress | undefined {
    const m = EPOCH_IN_TEXT.exec(text);
    if (!m || m[2] === undefined) return undefined;
    const e = Number(m[1]);
    const total = Number(m[2]);
    if (total <= 0) return undefined;
    if (this.zeroBased === undefined) this.zeroBased = e === 0;
    const epoch = this.zeroBased ? e + 1 : e;
    if (epoch > total) return undefined;
    this.plainTotal = total;
    const after = text.slice(m.index + m[0].length);
    const step = STEP_IN_TEXT.exec(after);
    let done: number;
    if (step) done = epoch - 1 + (ratio(Number(step[1]), Number(step[2])) ?? 0);
    else if (METRIC.test(after)) done = epoch;
    else done = epoch - 1;
    return { completedFraction: done / total, epoch: Math.min(total, Math.floor(done) + 1), totalEpochs: total, epochsCompleted: done, format: 'plain' };
  }
}

/** The progress at the end of a whole output (tests, logs read after the fact). */
export function parseProgress(output: string): Progress | undefined {
  const tracker = new ProgressTracker();
  tracker.push(output);
  tracker.flush();
  return tracker.progress;
}

function ratio(n: number, total: number): number | undefined {
  if (!Number.isFinite(n) || !Number.isFinite(total) || total <= 0 || n < 0 || n > total) return undefined;
  return n / total;
}

/** tqdm counts with `unit_scale`: `1.2k` → 1200. */
function scaled(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([kMGT]?)$/.exec(text);
  if (!m) return undefined;
  const factor = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2]] ?? 1;
  return Number(m[1]) * factor;
}
