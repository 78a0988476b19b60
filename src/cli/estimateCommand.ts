/**
 * `greenlens estimate FILE`: what each training entry point of a script will
 * cost before it runs, with every assumption and its source; calibrated by
 * the script's completed runs in the history folder when there are any.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { analyzePython } from '../core/analysis/analyzer';
import { estimateTraining, findingSavings, type TrainingEstimate } from '../core/estimate';
import { describeIoError } from '../core/files/ioError';
import { readSourceFile } from '../core/files/sourceReader';
import type { RunRecord } from '../core/history/runRecord';
import { readHistory, readRun } from '../core/history/runStore';
import { formatCo2, formatDuration, formatEnergy } from '../core/report/units';
import { EXIT_ERROR, UsageError, type CliIO, type Command } from './command';
import { positiveNumber, pueOption, splitAtDashDash } from './options';

const HELP = `Usage: greenlens estimate FILE [options] [-- SCRIPT_ARGS...]

Estimates the energy, CO2e and time of each training entry point of a Python
script before it runs: work from the model and data, time from the hardware's
peak at the script's precision, energy from its power. Every figure is
estimated and lists its assumptions with their sources. A completed run of the
script in the history folder calibrates the estimate.

Options:
  --hardware NAME   GPU to estimate on (a partial name such as A100 picks the closest entry); default this machine's CPU
  --gpus N          Number of GPUs (default 1)
  --region CODE     Grid region (FR, aws:eu-west-1, ...); default from the time zone
  --pue X           Power usage effectiveness of the facility (default 1.0)
  --history DIR     History folder with the script's runs (default ./.greenlens)
  --format FORMAT   text (default) or json
  -h, --help        Show this help

SCRIPT_ARGS after '--' are read against the script's argparse definitions (e.g. -- --epochs 6).
Exit status: 0 estimated (or nothing to estimate), 2 usage or I/O error.
`;

/** Completed runs of `file` in the history, newest first. */
function runsOf(historyDir: string, file: string): RunRecord[] {
  let history;
  try {
    history = readHistory(historyDir);
  } catch {
    return [];
  }
  const records: RunRecord[] = [];
  for (const row of [...history.runs].reverse()) {
    const record = readRun(historyDir, row.runId);
    if (!record || record.status !== 'completed') continue;
    const ran = record.command.file ? path.resolve(record.command.cwd, record.command.file) : undefined;
    const inArgv = record.command.argv.some((a) => path.resolve(record.command.cwd, a) === file);
    if (ran === file || inArgv) records.push(record);
  }
  return records;
}

function textOf(shown: string, estimates: readonly TrainingEstimate[], savings: ReturnType<typeof findingSavings>): string {
  if (estimates.length === 0) return `${shown}: no training entry point whose model and data GreenLens can read; nothing to estimate\n`;
  const lines: string[] = [];
  for (const e of estimates) {
    lines.push(`${shown}:${e.line + 1} ${e.entry} (estimated${e.basis === 'calibrated' ? `, calibrated from run ${e.calibratedFrom!.slice(0, 8)}` : ''})`);
    lines.push(`  ≈ ${formatEnergy(e.energyKWh)} · ${formatCo2(e.co2eKg)} · ${formatDuration(e.durationS)} on ${e.gpus ? `${e.gpus}× ${e.hardware}` : e.hardware}`);
    lines.push(`  range ${formatEnergy(e.energyLowKWh)} – ${formatEnergy(e.energyHighKWh)}, ${formatDuration(e.durationLowS)} – ${formatDuration(e.durationHighS)}; ${e.flops.toExponential(2)} FLOPs`);
    if (e.staticEnergyKWh !== undefined) lines.push(`  static estimate ${formatEnergy(e.staticEnergyKWh)}`);
    for (const note of e.notes ?? []) lines.push(`  note: ${note}`);
    lines.push('  Assumptions:');
    for (const a of e.assumptions) lines.push(`    ${a.name}: ${a.value} [${a.source}]`);
  }
  for (const s of savings) lines.push(`${shown}:${s.line + 1} ${s.code} ${s.text}`);
  return lines.join('\n') + '\n';
}

export const estimateCommand: Command = {
  name: 'estimate',
  summary: 'Estimate the energy, CO2e and time of a training script before it runs',
  async run(args: string[], io: CliIO): Promise<number> {
    const { own, rest: scriptArgs } = splitAtDashDash(args);
    const { values, positionals } = parseArgs({
      args: own,
      options: {
        hardware: { type: 'string' },
        gpus: { type: 'string' },
        region: { type: 'string' },
        pue: { type: 'string' },
        history: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (values.help) {
      io.stdout(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give one FILE to estimate' : 'no FILE given: greenlens estimate train.py', 'estimate');
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format is text or json, got '${format}'`, 'estimate');
    const gpus = positiveNumber('estimate', 'gpus', values.gpus);
    if (gpus !== undefined && !Number.isInteger(gpus)) throw new UsageError(`--gpus must be a whole number, got '${values.gpus}'`, 'estimate');
    const pue = pueOption('estimate', values.pue);
    const file = path.resolve(io.cwd, positionals[0]);
    const shown = positionals[0];
    const read = readSourceFile(file);
    if (read.kind !== 'text') {
      io.stderr(`greenlens: cannot read ${shown}: ${read.kind === 'error' ? describeIoError(read.error) : read.reason}\n`);
      return EXIT_ERROR;
    }
    const analysis = await analyzePython(read.text);
    analysis.tree.delete();
    const historyDir = path.resolve(io.cwd, values.history ?? '.greenlens');
    const options = { hardware: values.hardware, gpus, region: values.region, pue, scriptArgs, runs: runsOf(historyDir, file) };
    const estimates = estimateTraining(analysis.facts, options);
    const savings = findingSavings(analysis.findings, analysis.facts, estimates, options);
    if (format === 'json') {
      const payload = {
        file: shown,
        estimates: estimates.map((e) => ({
          line: e.line + 1,
          entry: e.entry,
          basis: e.basis,
          durationS: e.durationS,
          durationLowS: e.durationLowS,
          durationHighS: e.durationHighS,
          energyKWh: e.energyKWh,
          energyLowKWh: e.energyLowKWh,
          energyHighKWh: e.energyHighKWh,
          co2eKg: e.co2eKg,
          flops: e.flops,
          hardware: e.hardware,
          gpus: e.gpus,
          ...(e.calibratedFrom ? { calibratedFrom: e.calibratedFrom, staticEnergyKWh: e.staticEnergyKWh } : {}),
          assumptions: e.assumptions,
        })),
        savings: savings.map((s) => ({ ...s, line: s.line + 1 })),
        ...(estimates.length ? {} : { message: 'no training entry point whose model and data GreenLens can read' }),
      };
      io.stdout(JSON.stringify(payload, null, 2) + '\n');
    } else {
      io.stdout(textOf(shown, estimates, savings));
    }
    return 0;
  },
};
