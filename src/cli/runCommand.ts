/**
 * `greenlens run [options] -- <command…>`: runs a command metered, passes its
 * output through, prints a summary (duration, energy per component with
 * provenance, CO2e with the region and intensity used) on stderr, appends the
 * run to DIR/emissions.csv and exits with the command's own exit status.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { DEFAULT_INTERVAL_MS, MIN_INTERVAL_MS } from '../core/energy/meter';
import type { RunRecord } from '../core/history/runRecord';
import { readHistory } from '../core/history/runStore';
import { comparisonForRecord } from '../core/insights/aggregate';
import { recordFactsLookup } from '../core/insights/comparison';
import { formatRunSummary } from '../core/report/runSummary';
import { formatEnergy } from '../core/report/units';
import { RunStartError, startProfiledRun, type ProfiledRun } from '../core/run/profiledRun';
import { EXIT_ERROR, UsageError, type CliIO, type Command } from './command';
import { positiveNumber, pueOption, splitAtDashDash } from './options';

const HELP = `Usage: greenlens run [options] -- <command> [args…]

Runs the command with an energy profile and records it in a CodeCarbon-compatible history.

Options:
  --output-dir DIR      History folder (default ./.greenlens): emissions.csv and runs/<id>.json
  --interval MS         Sampling interval in milliseconds (default ${DEFAULT_INTERVAL_MS}, minimum ${MIN_INTERVAL_MS})
  --region CODE         ISO country code (FR, US) or cloud region (aws:eu-west-1); default: from the time zone
  --pue X               Power usage effectiveness of the data centre (default 1.0)
  --budget-kwh X        Warn when the predicted total exceeds X kWh
  --powercap-root DIR   Where the RAPL powercap zones are (default /sys/class/powercap)
  --nvidia-smi PATH     The nvidia-smi executable to use (default: nvidia-smi on PATH)
  -h, --help            Show this help

Exit status: the command's own (128 + signal number when a signal ended it); 2 when it cannot
start or the history folder cannot be written (checked before the command starts).

Ctrl+C, SIGTERM and SIGHUP (a closed terminal) stop the command's whole process group and the
run is recorded as cancelled; a second one kills the group at once. Processes the command leaves
running in its process group are metered until GreenLens stops them (SIGTERM, then SIGKILL).
When GreenLens's output pipe closes (| head), the command's pipe closes too, and the run is
still recorded.
`;

/** Signal numbers on Linux, for the shell's 128 + n exit status. */
const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGXCPU: 24 };

/**
 * The run compared with the last completed run of its script in the same
 * history (what the sidebar and the report show for it); undefined when the
 * history cannot be read, which the summary then leaves out.
 */
function comparisonOf(record: RunRecord, historyDir: string, folder: string) {
  try {
    return comparisonForRecord(record, folder, readHistory(historyDir).runs, recordFactsLookup(historyDir));
  } catch {
    return undefined;
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a command with an energy profile and record its energy and CO2e',
  async run(args: string[], io: CliIO): Promise<number> {
    const { own, rest: commandLine } = splitAtDashDash(args);
    const { values, positionals } = parseArgs({
      args: own,
      options: {
        'output-dir': { type: 'string' },
        interval: { type: 'string' },
        region: { type: 'string' },
        pue: { type: 'string' },
        'budget-kwh': { type: 'string' },
        'powercap-root': { type: 'string' },
        'nvidia-smi': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (values.help) {
      io.stdout(HELP);
      return 0;
    }
    if (positionals.length) {
      throw new UsageError(`put the command after '--': greenlens run [options] -- ${positionals.join(' ')}`, 'run');
    }
    if (commandLine.length === 0) throw new UsageError("no command given: put it after '--', e.g. greenlens run -- python3 train.py", 'run');
    const interval = positiveNumber('run', 'interval', values.interval);
    if (interval !== undefined && interval < MIN_INTERVAL_MS) throw new UsageError(`--interval must be at least ${MIN_INTERVAL_MS} ms`, 'run');
    const pue = pueOption('run', values.pue);
    const budgetKWh = positiveNumber('run', 'budget-kwh', values['budget-kwh']);
    const historyDir = path.resolve(io.cwd, values['output-dir'] ?? '.greenlens');
    const [command, ...commandArgs] = commandLine;
    const script = commandArgs.find((a) => /\.(py|m?js|cjs)$/.test(a));
    // GreenLens's own output: a closed stderr (terminal gone) must never cost the record.
    const say = (text: string) => {
      try {
        io.stderr(text);
      } catch {
        // Nowhere to say it; the record still says it.
      }
    };

    // Signals are handled from the first instant, before anything is spawned or probed:
    // each stops the command's whole process group and the run is recorded as cancelled.
    let run: ProfiledRun | undefined;
    let pending: NodeJS.Signals | undefined;
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        say(`\ngreenlens: ${signal} again: killing the command's process group (SIGKILL)…\n`);
        run?.kill();
        return;
      }
      if (signal !== 'SIGHUP') say(`\ngreenlens: ${signal}: stopping the command (${signal === 'SIGINT' ? 'SIGINT, then SIGTERM, then SIGKILL' : `${signal}, then SIGKILL`}) and recording the run…\n`);
      if (run) void run.stop(undefined, signal);
      else pending = signal;
    };
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
      const handler = () => onSignal(signal);
      process.on(signal, handler);
      return [signal, handler] as const;
    });

    try {
      try {
        run = await startProfiledRun({
          command,
          args: commandArgs,
          cwd: io.cwd,
          historyDir,
          file: script && path.relative(io.cwd, path.resolve(io.cwd, script)).split(path.sep).join('/'),
          region: values.region,
          pue,
          budgetKWh,
          meter: {
            intervalMs: interval,
            powercapRoot: values['powercap-root'] && path.resolve(io.cwd, values['powercap-root']),
            nvidiaSmiPath: values['nvidia-smi'],
          },
          // The real streams (bin.ts) get the output with backpressure; in-process callers get text.
          sinks: io.streams,
          onOutput: io.streams ? undefined : (text, stream) => (stream === 'stdout' ? io.stdout(text) : io.stderr(text)),
          onBudgetExceeded: (check) => say(`greenlens: ${check.message}\n`),
          log: (level, message) => {
            if (level === 'warn') say(`greenlens: ${message}\n`);
          },
        });
      } catch (error) {
        if (error instanceof RunStartError) {
          say(`greenlens: ${error.message}\n`);
          return EXIT_ERROR;
        }
        throw error;
      }
      if (pending) void run.stop(undefined, pending);

      const result = await run.done;
      const { record, saved } = result;
      const comparison = comparisonOf(record, historyDir, io.cwd);
      say('\n' + formatRunSummary(record, [saved.csvFile, saved.runFile].filter((f): f is string => f !== undefined), io.cwd, comparison));
      for (const w of saved.warnings) say(`greenlens: ${w}\n`);
      if (saved.error) {
        say(`greenlens: ${saved.error}\n`);
        if (saved.fallbackFile) say(`greenlens: the record was saved to ${saved.fallbackFile} instead\n`);
        else say(`greenlens: the record could not be saved anywhere; here it is:\n${JSON.stringify(record)}\n`);
      }
      if (record.progress?.predictedTotalKWh !== undefined) {
        say(`  (last prediction during the run: ${formatEnergy(record.progress.predictedTotalKWh)})\n`);
      }
      const { exitCode, signal } = result.exit;
      if (exitCode !== null) return exitCode;
      return 128 + (signal ? (SIGNALS[signal] ?? 0) : 0);
    } finally {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    }
  },
};
