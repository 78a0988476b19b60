/**
 * The executable entry (bundled to dist/cli.js, whose shebang the bundler
 * adds). Setting `process.exitCode` instead of calling `process.exit` lets
 * piped output drain before Node exits.
 */
import { main } from './main';

main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`greenlens: internal error: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
