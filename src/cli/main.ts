/**
 * The `greenlens` command line: a small table of commands (`check`, `run`) and the options every command shares. `main` never touches
 * `process`, so tests call it in-process with their own output buffers.
 */
import { greenlensVersion } from '../core/version';
import { checkCommand } from './checkCommand';
import { estimateCommand } from './estimateCommand';
import { runCommand } from './runCommand';
import { EXIT_ERROR, EXIT_OK, UsageError, type CliIO, type Command } from './command';

export type { CliIO };

/** Every command, by name. A new command is one more entry here. */
export const COMMANDS: readonly Command[] = [checkCommand, runCommand, estimateCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: greenlens <command> [options]',
    '',
    'Green-AI feedback for machine-learning code: energy-wasting patterns, with the saving in numbers.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    '  -h, --help     Show this help; `greenlens <command> --help` shows a command\'s options',
    '  -V, --version  Print the version',
    '',
  ].join('\n');
}

/**
 * Runs the command line `argv` (the arguments after the program name) and
 * returns the exit status: 0 clean, 1 findings at or above the threshold,
 * 2 usage, configuration or I/O errors.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) throw new UsageError('no command given');
    if (first === '-h' || first === '--help' || first === 'help') {
      io.stdout(help());
      return EXIT_OK;
    }
    if (first === '-V' || first === '-v' || first === '--version') {
      io.stdout(`${greenlensVersion()}\n`);
      return EXIT_OK;
    }
    const command = COMMANDS.find((c) => c.name === first);
    if (!command) throw new UsageError(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`);
    return await command.run(rest, io);
  } catch (error) {
    // node:util parseArgs says what was wrong with the options in a TypeError with an ERR_PARSE_ARGS_* code.
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      const command = COMMANDS.find((c) => c.name === first)?.name;
      error = new UsageError((error as Error).message.replace(/\.\s*$/, ''), command);
    }
    if (error instanceof UsageError) {
      const helpCommand = error.command ? `greenlens ${error.command} --help` : 'greenlens --help';
      io.stderr(`greenlens: ${error.message}. Run '${helpCommand}' for usage.\n`);
      return EXIT_ERROR;
    }
    // An unexpected failure (a bug, or the parser failing to load): one line, then the stack for a bug report.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`greenlens: internal error: ${message}\n`);
    if (error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT_ERROR;
  }
}
