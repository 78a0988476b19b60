/** What every CLI command is given and must provide. */
import type { OutputSink } from '../core/run/processRunner';

/** Where a command writes, and the folder relative paths start from; tests pass their own. */
export interface CliIO {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * The process's real output streams (bin.ts): `run` forwards the command's
   * output to them with backpressure. In-process callers (tests) leave it out
   * and get the output as text through stdout()/stderr().
   */
  streams?: { stdout: OutputSink; stderr: OutputSink };
}

export interface Command {
  name: string;
  /** One line for `greenlens --help`. */
  summary: string;
  /** Runs the command with the arguments after its name and returns the exit status. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Exit statuses shared by all commands. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** A wrong command line: reported on one line, followed by a pointer to the help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
