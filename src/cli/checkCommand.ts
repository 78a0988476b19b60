/**
 * `greenlens check [paths…]`: analyses Python files and prints the findings as
 * text, JSON or SARIF. Reports go to stdout and nothing else does, so that
 * `--format json > out.json` always gives a valid document; notes about
 * skipped files and errors go to stderr.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { analyzePython } from '../core/analysis/analyzer';
import type { Severity } from '../core/analysis/types';
import { findProjectConfig, readProjectConfig, type ProjectConfig } from '../core/config/projectConfig';
import { ConfigError, defaultSettings, type GreenLensSettings } from '../core/config/settings';
import { createExcludeMatcher, type ExcludeMatcher } from '../core/files/exclude';
import { describeIoError } from '../core/files/ioError';
import { notRegularFileReason, readSourceFile } from '../core/files/sourceReader';
import { isPythonFile, walkPythonFiles } from '../core/files/walker';
import { displayPath, type CheckResult } from '../core/report/checkResult';
import { formatJson } from '../core/report/jsonReport';
import { formatSarif } from '../core/report/sarifReport';
import { formatText } from '../core/report/textReport';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError, type CliIO, type Command } from './command';

const FORMATS = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
} as const;
type Format = keyof typeof FORMATS;

/** `--fail-on` values → the lowest severity that fails the check. */
const FAIL_ON: Record<string, Severity | undefined> = {
  info: 'information',
  information: 'information',
  warning: 'warning',
  error: 'error',
  never: undefined,
};

const RANK: Record<Severity, number> = { hint: 0, information: 1, warning: 2, error: 3 };

export const CHECK_HELP = `Usage: greenlens check [paths...] [options]

Reports energy-wasting patterns in the Python files under each path
(default: the current folder). Folders named .git, node_modules, venv,
.venv, .tox, .nox and __pycache__ are not searched.

Options:
  -f, --format <text|json|sarif>   Output format (default: text)
      --fail-on <info|warning|error|never>
                                   Lowest severity that makes the exit status 1
                                   (default: warning)
  -c, --config <file>              Read [tool.greenlens] from this TOML file instead
                                   of the nearest pyproject.toml above each path
  -h, --help                       Show this help

Settings ([tool.greenlens] in pyproject.toml):
  enable = false                   Check nothing under this project
  exclude = ["legacy/**"]          Globs relative to the pyproject.toml's folder;
                                   a glob without "/" matches a name at any depth
  [tool.greenlens.rules]
  GL201 = "off"                    Per code or family (GL3): error, warning,
  GL3 = "warning"                  information, hint or off

Files are read as UTF-8, or in the encoding a PEP 263 line names
(# -*- coding: latin-1 -*- on the first or second line). Files that are
binary, UTF-16, over 2 MB or not regular files (FIFOs, devices) are skipped
with a note on stderr.

Exit status: 0 no findings at or above --fail-on, 1 some, 2 usage, configuration
or file errors (skipped files are not errors). A file that cannot be read or
analysed is named on stderr and counted as an error (exit status 2); the
findings of the other files are still reported.
`;

interface CheckOptions {
  format: Format;
  failOn: Severity | undefined;
  config?: string;
  paths: string[];
}

function parseCheckArgs(args: string[]): CheckOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        'fail-on': { type: 'string' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Node's messages go on with advice about "--"; the first sentence is the useful part.
    const sentence = error instanceof Error ? error.message.split(/\.\s/)[0].replace(/\.$/, '') : String(error);
    throw new UsageError(sentence.charAt(0).toLowerCase() + sentence.slice(1), 'check');
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const format = values.format ?? 'text';
  if (!(format in FORMATS)) throw new UsageError(`unknown format '${format}' (expected text, json or sarif)`, 'check');
  const failOnText = values['fail-on'] ?? 'warning';
  if (!(failOnText in FAIL_ON)) throw new UsageError(`unknown --fail-on level '${failOnText}' (expected info, warning, error or never)`, 'check');
  return {
    format: format as Format,
    failOn: FAIL_ON[failOnText],
    config: values.config,
    paths: positionals.length > 0 ? positionals : ['.'],
  };
}

/** A failure that stops the check before any report: printed on one line, exit status 2. */
class FatalError extends Error {}

/** Settings for a path, with the exclude matcher built once per configuration file. */
interface Scope {
  settings: GreenLensSettings;
  isExcluded: ExcludeMatcher;
  /** Shown when the configuration turns GreenLens off. */
  source?: string;
}

class ScopeResolver {
  private readonly byDir = new Map<string, Scope>();
  private readonly byFile = new Map<string, Scope>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly io: CliIO,
    private readonly explicit: ProjectConfig | undefined,
  ) {}

  /** The scope of a path given on the command line; `dir` is the path itself or its folder. */
  forDir(dir: string): Scope {
    if (this.explicit) return this.scopeOf(this.explicit);
    let scope = this.byDir.get(dir);
    if (!scope) {
      let config: ProjectConfig | undefined;
      try {
        config = findProjectConfig(dir);
      } catch (error) {
        throw fatalConfigError(error, this.io.cwd);
      }
      scope = config ? this.scopeOf(config) : { settings: defaultSettings(), isExcluded: () => false };
      this.byDir.set(dir, scope);
    }
    return scope;
  }

  private scopeOf(config: ProjectConfig): Scope {
    let scope = this.byFile.get(config.file);
    if (!scope) {
      for (const w of config.warnings) {
        if (!this.warned.has(w)) this.io.stderr(`greenlens: warning: ${w}\n`);
        this.warned.add(w);
      }
      scope = { settings: config, isExcluded: createExcludeMatcher(config.exclude, config.root), source: config.file };
      this.byFile.set(config.file, scope);
    }
    return scope;
  }
}

function fatalConfigError(error: unknown, cwd: string): FatalError {
  if (error instanceof ConfigError) return new FatalError(error.describe(displayPath(error.file, cwd)));
  const file = (error as NodeJS.ErrnoException).path;
  return new FatalError(file ? `cannot read ${displayPath(file, cwd)}: ${describeIoError(error)}` : describeIoError(error));
}

function loadExplicitConfig(arg: string, cwd: string): ProjectConfig {
  const file = path.resolve(cwd, arg);
  let config: ProjectConfig | undefined;
  try {
    config = readProjectConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) throw new FatalError(error.describe(arg));
    throw new FatalError(`cannot read ${arg}: ${describeIoError(error)}`);
  }
  if (!config) throw new FatalError(`${arg} has no [tool.greenlens] table`);
  return config;
}

/** Files to analyse, each with the settings that apply to it, in command-line then walk order. */
function collectFiles(options: CheckOptions, io: CliIO, resolver: ScopeResolver, result: CheckResult): Map<string, Scope> {
  const targets: { arg: string; abs: string; stat: fs.Stats }[] = [];
  const bad: string[] = [];
  for (const arg of options.paths) {
    const abs = path.resolve(io.cwd, arg);
    try {
      targets.push({ arg, abs, stat: fs.statSync(abs) });
    } catch (error) {
      bad.push(`cannot read ${arg}: ${describeIoError(error)}`);
    }
  }
  if (bad.length > 0) throw new FatalError(bad.join('\ngreenlens: '));

  const files = new Map<string, Scope>();
  for (const { arg, abs, stat } of targets) {
    const scope = resolver.forDir(stat.isDirectory() ? abs : path.dirname(abs));
    if (!scope.settings.enable) {
      io.stderr(`greenlens: not checking ${arg}: enable = false in ${displayPath(scope.source ?? '', io.cwd)}\n`);
      continue;
    }
    if (!stat.isDirectory()) {
      const notRegular = notRegularFileReason(stat);
      if (scope.isExcluded(abs)) io.stderr(`greenlens: skipped ${arg}: excluded by ${displayPath(scope.source ?? '', io.cwd)}\n`);
      else if (notRegular) skip(abs, arg, notRegular, io, result);
      else if (!isPythonFile(abs)) io.stderr(`greenlens: skipped ${arg}: not a Python (.py) file\n`);
      else if (!files.has(abs)) files.set(abs, scope);
      continue;
    }
    for (const event of walkPythonFiles(abs, { isExcluded: scope.isExcluded })) {
      if (event.kind === 'file') {
        if (!files.has(event.path)) files.set(event.path, scope);
      } else if (event.kind === 'skipped') {
        skip(event.path, displayPath(event.path, io.cwd), event.reason, io, result);
      } else {
        const reason = describeIoError(event.error);
        io.stderr(`greenlens: cannot read ${displayPath(event.path, io.cwd)}: ${reason}\n`);
        result.errors.push({ file: event.path, reason });
      }
    }
  }
  return files;
}

/** A file left out on purpose (binary, too large, a FIFO): a note on stderr, not an error. */
function skip(file: string, shown: string, reason: string, io: CliIO, result: CheckResult): void {
  io.stderr(`greenlens: skipped ${shown}: ${reason}\n`);
  result.skipped.push({ file, reason });
}

/** The analysis of every file; each file's failure costs that file alone (see analyseFile). */
async function analyseFiles(files: Map<string, Scope>, io: CliIO, result: CheckResult): Promise<void> {
  for (const [file, scope] of files) await analyseFile(file, scope, io, result);
}

/**
 * Reads and analyses one file into `result`. A failure of the analysis itself
 * (a bug, or an input no one foresaw) is reported as an error against this
 * file, named on stderr, and the check goes on with the others: their
 * findings are still printed, and the exit status is 2 because the check is
 * incomplete, as for a file that cannot be read.
 */
async function analyseFile(file: string, scope: Scope, io: CliIO, result: CheckResult): Promise<void> {
  const shown = displayPath(file, io.cwd);
  const read = readSourceFile(file);
  if (read.kind === 'skipped') return skip(file, shown, read.reason, io, result);
  if (read.kind === 'error') {
    const reason = describeIoError(read.error);
    io.stderr(`greenlens: cannot read ${shown}: ${reason}\n`);
    result.errors.push({ file, reason });
    return;
  }
  let analysis;
  try {
    analysis = await analyzePython(read.text, {
      rules: scope.settings.rules,
      onRuleError: (code, error) => {
        // One faulty rule must not hide the others' findings, but the check is incomplete: exit 2.
        const reason = `rule ${code} failed (${errorMessage(error)}); set ${code} = "off" in [tool.greenlens.rules] to skip it`;
        io.stderr(`greenlens: ${shown}: ${reason}\n`);
        result.errors.push({ file, reason });
      },
    });
  } catch (error) {
    const reason = `could not be analysed (${errorMessage(error)})`;
    io.stderr(`greenlens: ${shown}: ${reason}\n`);
    result.errors.push({ file, reason });
    return;
  }
  analysis.tree.delete();
  result.checkedCount++;
  if (analysis.findings.length > 0) result.files.push({ file, findings: analysis.findings });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function exitStatus(result: CheckResult, failOn: Severity | undefined): number {
  if (result.errors.length > 0) return EXIT_ERROR;
  if (failOn === undefined) return EXIT_OK;
  const failing = result.files.some((f) => f.findings.some((finding) => RANK[finding.severity] >= RANK[failOn]));
  return failing ? EXIT_FINDINGS : EXIT_OK;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'Report energy-wasting patterns in Python files',
  async run(args, io) {
    const options = parseCheckArgs(args);
    if (options === 'help') {
      io.stdout(CHECK_HELP);
      return EXIT_OK;
    }
    const result: CheckResult = { files: [], checkedCount: 0, skipped: [], errors: [] };
    try {
      const explicit = options.config === undefined ? undefined : loadExplicitConfig(options.config, io.cwd);
      const files = collectFiles(options, io, new ScopeResolver(io, explicit), result);
      await analyseFiles(files, io, result);
    } catch (error) {
      if (!(error instanceof FatalError)) throw error;
      io.stderr(`greenlens: ${error.message}\n`);
      return EXIT_ERROR;
    }
    io.stdout(FORMATS[options.format](result, io.cwd));
    return exitStatus(result, options.failOn);
  },
};
