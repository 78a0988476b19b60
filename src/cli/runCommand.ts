/**
 * `greenlens run [options] -- <command…>`: runs a command metered, passes its
 * output through, prints a summary (duration, energy per component with
 * provenance, CO2e with the region and intensity used) on stderr, appends the
 * run to DIR/emissions.csv and exits with the command's own exit status.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { DEFAULT_INTERVAL_MS, MIN_INTERVAL_MS } from '../core/energy/meter';
import { formatRunSummary } from '../core/report/runSummary';
import { formatEnergy } from '../core/report/units';
import { RunStartError, startProfiledRun, type ProfiledRun } from '../core/run/profiledRun';
import { EXIT_ERROR, UsageError, type CliIO, type Command } from './command';

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

Exit status: the command's own (128 + signal number when a signal ended it); 2 when it cannot start.
`;

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 };

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} needs a positive number, got '${value}'`, 'run');
  return n;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a command with an energy profile and record its energy and CO2e',
  async run(args: string[], io: CliIO): Promise<number> {
    const dashDash = args.indexOf('--');
    const own = dashDash < 0 ? args : args.slice(0, dashDash);
    const commandLine = dashDash < 0 ? [] : args.slice(dashDash + 1);
    const { values } = parseArgs({
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
      allowPositionals: false,
    });
    if (values.help) {
      io.stdout(HELP);
      return 0;
    }
    if (commandLine.length === 0) throw new UsageError("no command given: put it after '--', e.g. greenlens run -- python3 train.py", 'run');
    const interval = positiveNumber('interval', values.interval);
    if (interval !== undefined && interval < MIN_INTERVAL_MS) throw new UsageError(`--interval must be at least ${MIN_INTERVAL_MS} ms`, 'run');
    const pue = positiveNumber('pue', values.pue);
    const budgetKWh = positiveNumber('budget-kwh', values['budget-kwh']);
    const historyDir = path.resolve(io.cwd, values['output-dir'] ?? '.greenlens');
    const [command, ...commandArgs] = commandLine;
    const script = commandArgs.find((a) => /\.(py|m?js|cjs)$/.test(a));

    let run: ProfiledRun;
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
        onOutput: (text, stream) => (stream === 'stdout' ? io.stdout(text) : io.stderr(text)),
        onBudgetExceeded: (check) => io.stderr(`greenlens: ${check.message}\n`),
        log: (level, message) => {
          if (level === 'warn') io.stderr(`greenlens: ${message}\n`);
        },
      });
    } catch (error) {
      if (error instanceof RunStartError) {
        io.stderr(`greenlens: ${error.message}\n`);
        return EXIT_ERROR;
      }
      throw error;
    }

    // Ctrl+C reaches only us (the command runs in its own process group): pass it on,
    // escalating if the command ignores it, and still record what was measured.
    const onSignal = () => {
      io.stderr('\ngreenlens: stopping the run (SIGINT, then SIGTERM, then SIGKILL)…\n');
      void run.stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const result = await run.done;
      io.stderr('\n' + formatRunSummary(result.record, [result.saved.csvFile, result.saved.runFile], io.cwd));
      for (const w of result.saved.warnings) io.stderr(`greenlens: ${w}\n`);
      if (result.record.progress?.predictedTotalKWh !== undefined) {
        io.stderr(`  (predicted after the first epoch: ${formatEnergy(result.record.progress.predictedTotalKWh)})\n`);
      }
      const { exitCode, signal } = result.exit;
      if (exitCode !== null) return exitCode;
      return 128 + (signal ? (SIGNALS[signal] ?? 0) : 0);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
