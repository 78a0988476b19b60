/** Option parsing shared by the commands that take a command line or script arguments after `--`. */
import { UsageError } from './command';

/** The arguments before `--` (the command's own) and after it (passed on untouched). */
export function splitAtDashDash(args: readonly string[]): { own: string[]; rest: string[] } {
  const at = args.indexOf('--');
  return at < 0 ? { own: [...args], rest: [] } : { own: args.slice(0, at), rest: args.slice(at + 1) };
}

/** `--name X` as a positive number; undefined when not given; a usage error naming `command` otherwise. */
export function positiveNumber(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} needs a positive number, got '${value}'`, command);
  return n;
}

/** `--pue X`: a data centre's total power over its IT power, so at least 1. */
export function pueOption(command: string, value: string | undefined): number | undefined {
  const pue = positiveNumber(command, 'pue', value);
  if (pue !== undefined && pue < 1) throw new UsageError(`--pue is at least 1.0 (the data centre's total power over its IT power), got '${value}'`, command);
  return pue;
}
