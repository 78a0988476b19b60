/**
 * The executable entry (bundled to dist/cli.js, whose shebang the bundler
 * adds). Setting `process.exitCode` instead of calling `process.exit` lets
 * piped output drain before Node exits.
 *
 * A closed stdout or stderr (`greenlens check | head -1`, a terminal that
 * went away) is not an error of ours: writes to it are dropped instead of
 * crashing with an uncaught EPIPE, and `run` closes the command's pipe too.
 */
import { main } from './main';

let stdoutOpen = true;
let stderrOpen = true;
process.stdout.on('error', () => (stdoutOpen = false));
process.stderr.on('error', () => (stderrOpen = false));

main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => {
    if (stdoutOpen) process.stdout.write(text);
  },
  stderr: (text) => {
    if (stderrOpen) process.stderr.write(text);
  },
  streams: { stdout: process.stdout, stderr: process.stderr },
}).then(
  (code) => finish(code),
  (error: unknown) => {
    if (stderrOpen) process.stderr.write(`greenlens: internal error: ${String(error)}\n`);
    finish(2);
  },
);

/**
 * Exits with `code` once the output has drained. A handle something left
 * open (a process that escaped the command's group holding a pipe) must not
 * keep the CLI waiting, so after a short grace it exits regardless.
 */
function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 3000).unref();
}
