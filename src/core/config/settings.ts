/**
 * The settings shared by the editor and the CLI, and their validation.
 * The editor reads them from VS Code settings and pyproject.toml, the CLI from
 * pyproject.toml only; both check raw values here so a typo is reported the
 * same way everywhere.
 */
import type { RuleSetting } from '../analysis/engine';
import { RULES } from '../analysis/registry';

export type { RuleSetting };

export const RULE_SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'information', 'hint', 'off'];

export interface GreenLensSettings {
  /** False turns GreenLens off for the files these settings cover. */
  enable: boolean;
  /** Keys are codes (`GL201`) or family prefixes (`GL3`); the longest matching key wins. */
  rules: Record<string, RuleSetting>;
  /** Globs of files and folders to skip, relative to the folder the settings come from. */
  exclude: string[];
}

/** Fresh default settings: everything on, every rule at its default severity. */
export function defaultSettings(): GreenLensSettings {
  return { enable: true, rules: {}, exclude: [] };
}

/** A configuration problem that makes the settings unusable, located in its file. */
export class ConfigError extends Error {
  constructor(
    /** What is wrong, without the location. */
    readonly detail: string,
    readonly file: string,
    /** 1-based, when the problem has a known position (TOML syntax errors). */
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${locate(file, line, column)}: ${detail}`);
    this.name = 'ConfigError';
  }

  /** The message with the file shown as `displayPath` (e.g. relative to the working directory). */
  describe(displayPath: string): string {
    return `${locate(displayPath, this.line, this.column)}: ${this.detail}`;
  }
}

function locate(file: string, line?: number, column?: number): string {
  if (line === undefined) return file;
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}

export interface ParsedSettings {
  settings: GreenLensSettings;
  /** Problems worth telling the user about that do not stop the check (unknown keys or codes). */
  warnings: string[];
}

const KNOWN_KEYS = new Set(['enable', 'rules', 'exclude']);
const RULE_KEY = /^GL\d{0,3}$/i;

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Validates a `[tool.greenlens]` table (or any object of the same shape).
 * Wrong types and unknown severities throw a ConfigError naming `file`;
 * unknown keys and codes only produce warnings, so that a config written for
 * a newer GreenLens still works with this one.
 */
export function parseSettings(raw: unknown, file: string, table = '[tool.greenlens]'): ParsedSettings {
  const settings = defaultSettings();
  const warnings: string[] = [];
  if (!isTable(raw)) throw new ConfigError(`${table} must be a table`, file);

  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) warnings.push(`${file}: unknown key "${key}" in ${table} (known: enable, rules, exclude)`);
  }

  if (raw.enable !== undefined) {
    if (typeof raw.enable !== 'boolean') throw new ConfigError(`${table} enable must be true or false`, file);
    settings.enable = raw.enable;
  }

  if (raw.exclude !== undefined) {
    if (!Array.isArray(raw.exclude) || raw.exclude.some((g) => typeof g !== 'string')) {
      throw new ConfigError(`${table} exclude must be an array of glob strings, e.g. ["legacy/**"]`, file);
    }
    settings.exclude = raw.exclude as string[];
  }

  if (raw.rules !== undefined) {
    if (!isTable(raw.rules)) throw new ConfigError(`${table} rules must be a table of code = "severity"`, file);
    for (const [key, value] of Object.entries(raw.rules)) {
      if (typeof value !== 'string' || !RULE_SETTINGS.includes(value.toLowerCase() as RuleSetting)) {
        throw new ConfigError(`rules.${key} = ${JSON.stringify(value)} is not one of ${RULE_SETTINGS.join(', ')}`, file);
      }
      if (!RULE_KEY.test(key)) {
        warnings.push(`${file}: rules.${key} is ignored: keys are codes like GL201 or families like GL3`);
        continue;
      }
      const code = key.toUpperCase();
      if (!RULES.some((r) => r.meta.code.startsWith(code))) warnings.push(`${file}: rules.${key} matches no GreenLens rule`);
      settings.rules[code] = value.toLowerCase() as RuleSetting;
    }
  }
  return { settings, warnings };
}
