/**
 * Reads `[tool.greenlens]` from pyproject.toml, so that the editor and
 * `greenlens check` in CI apply the same settings:
 *
 *     [tool.greenlens]
 *     exclude = ["legacy/**"]
 *     [tool.greenlens.rules]
 *     GL201 = "off"
 *     GL3 = "warning"
 *
 * As with Ruff, the nearest pyproject.toml that has a `[tool.greenlens]` table
 * wins; one without the table is passed over, so a sub-package's own
 * pyproject.toml does not hide the repository's settings.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, TomlError } from 'smol-toml';
import { ConfigError, parseSettings, type GreenLensSettings } from './settings';

export const PYPROJECT = 'pyproject.toml';

export interface ProjectConfig extends GreenLensSettings {
  /** The file the settings come from. */
  file: string;
  /** Its folder: `exclude` globs are relative to it. */
  root: string;
  /** Non-fatal problems (unknown keys or codes) to show the user. */
  warnings: string[];
}

/**
 * Parses TOML text and returns its `[tool.greenlens]` settings, or undefined
 * when the file has no such table. Throws ConfigError (with the line and
 * column of a syntax error) when the text is not valid TOML or the table is
 * not valid GreenLens settings.
 */
export function parseProjectConfig(text: string, file: string): ProjectConfig | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      // smol-toml appends a code excerpt after a blank line; the first line is the reason.
      const reason = error.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
      throw new ConfigError(`invalid TOML: ${reason}`, file, error.line, error.column);
    }
    throw error;
  }
  const tool = doc.tool;
  if (typeof tool !== 'object' || tool === null || !('greenlens' in tool)) return undefined;
  const { settings, warnings } = parseSettings((tool as Record<string, unknown>).greenlens, file);
  return { ...settings, file, root: path.dirname(file), warnings };
}

/** Reads one file; undefined when it has no `[tool.greenlens]` table. I/O errors are thrown as they are. */
export function readProjectConfig(file: string): ProjectConfig | undefined {
  return parseProjectConfig(fs.readFileSync(file, 'utf8'), path.resolve(file));
}

/**
 * The settings of the nearest pyproject.toml with a `[tool.greenlens]` table
 * in `startDir` or above it, searching no higher than `stopAt` when given
 * (the editor stops at the workspace folder). Undefined when there is none.
 */
export function findProjectConfig(startDir: string, stopAt?: string): ProjectConfig | undefined {
  let dir = path.resolve(startDir);
  const stop = stopAt === undefined ? undefined : path.resolve(stopAt);
  for (;;) {
    const file = path.join(dir, PYPROJECT);
    if (isFile(file)) {
      const config = readProjectConfig(file);
      if (config) return config;
    }
    const up = path.dirname(dir);
    if (up === dir || dir === stop) return undefined;
    dir = up;
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
