/**
 * The SARIF 2.1.0 report, the format code-scanning services (GitHub, Azure
 * DevOps, GitLab) read. Every registered rule is described in the driver so
 * that a result can point at it by index, and paths are relative to
 * `%SRCROOT%`, the folder the check ran in, so results map onto the repository.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { GREENLENS_REPOSITORY_URL, ruleDocsUrl } from '../analysis/docs';
import type { Rule } from '../analysis/rule';
import { RULES } from '../analysis/registry';
import type { Fix, Range, Severity } from '../analysis/types';
import { isInside } from '../files/exclude';
import { greenlensVersion } from '../version';
import type { CheckResult, FileNote } from './checkResult';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The driver's home page: the repository, where each rule's `helpUri` page also lives. */
export const GREENLENS_INFORMATION_URI = GREENLENS_REPOSITORY_URL;
const SRCROOT = '%SRCROOT%';

export type SarifLevel = 'error' | 'warning' | 'note';

/** SARIF has no levels for information and hints: both become `note`. */
export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'error' || severity === 'warning' ? severity : 'note';
}

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  /** One past the last character, as SARIF defines it. */
  endColumn: number;
}

export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: SarifArtifactLocation; region: SarifRegion } }[];
  fixes?: SarifFix[];
}

export interface SarifFix {
  description: { text: string };
  artifactChanges: {
    artifactLocation: SarifArtifactLocation;
    replacements: { deletedRegion: SarifRegion; insertedContent: { text: string } }[];
  }[];
}

export interface SarifNotification {
  level: SarifLevel;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: SarifArtifactLocation } }[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: {
      driver: {
        name: string;
        informationUri: string;
        version: string;
        semanticVersion: string;
        rules: SarifReportingDescriptor[];
      };
    };
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: 'utf16CodeUnits';
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: SarifNotification[] }[];
    results: SarifResult[];
  }[];
}

/** 1-based region; Range columns are UTF-16 code units, as `columnKind` says. */
function region(range: Range): SarifRegion {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.column + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.column + 1,
  };
}

/**
 * A file relative to `%SRCROOT%` as a URI reference (forward slashes, each
 * segment percent-encoded); a file outside it gets an absolute `file:` URI.
 */
export function artifactLocation(file: string, cwd: string): SarifArtifactLocation {
  if (!isInside(cwd, file)) return { uri: pathToFileURL(file).href };
  const rel = path.relative(cwd, file);
  return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function descriptor(rule: Rule): SarifReportingDescriptor {
  return {
    id: rule.meta.code,
    name: rule.meta.name,
    shortDescription: { text: rule.meta.summary },
    helpUri: ruleDocsUrl(rule.meta.code),
    defaultConfiguration: { level: sarifLevel(rule.meta.defaultSeverity) },
    properties: { tags: ['green-ai', 'efficiency', rule.meta.family] },
  };
}

function fix(f: Fix, location: SarifArtifactLocation): SarifFix {
  return {
    description: { text: f.title },
    artifactChanges: [
      {
        artifactLocation: location,
        replacements: f.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
      },
    ],
  };
}

function notification(note: FileNote, level: SarifLevel, prefix: string, cwd: string): SarifNotification {
  return {
    level,
    message: { text: `${prefix}: ${note.reason}` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(note.file, cwd) } }],
  };
}

/** Builds the SARIF log object; `cwd` becomes `%SRCROOT%`. */
export function toSarif(result: CheckResult, cwd: string, rules: readonly Rule[] = RULES): SarifLog {
  const index = new Map(rules.map((r, i) => [r.meta.code, i]));
  const results: SarifResult[] = [];
  for (const { file, findings } of result.files) {
    const location = artifactLocation(file, cwd);
    for (const f of findings) {
      const item: SarifResult = {
        ruleId: f.code,
        ruleIndex: index.get(f.code),
        level: sarifLevel(f.severity),
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: location, region: region(f.range) } }],
      };
      if (item.ruleIndex === undefined) delete item.ruleIndex;
      if (f.fix && f.fix.edits.length > 0) item.fixes = [fix(f.fix, location)];
      results.push(item);
    }
  }
  const version = greenlensVersion();
  // originalUriBaseIds URIs must end with a slash to act as a base.
  const root = pathToFileURL(cwd).href.replace(/\/?$/, '/');
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'GreenLens',
            informationUri: GREENLENS_INFORMATION_URI,
            version,
            semanticVersion: version,
            rules: rules.map(descriptor),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: root } },
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: result.errors.length === 0,
            toolExecutionNotifications: [
              ...result.skipped.map((n) => notification(n, 'note', 'skipped', cwd)),
              ...result.errors.map((n) => notification(n, 'error', 'not checked', cwd)),
            ],
          },
        ],
        results,
      },
    ],
  };
}

/** The SARIF report text, ending with a newline. */
export function formatSarif(result: CheckResult, cwd: string): string {
  return JSON.stringify(toSarif(result, cwd), null, 2) + '\n';
}
