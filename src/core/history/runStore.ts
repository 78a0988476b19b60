/**
 * The run history of a workspace folder, kept in its `.greenlens/` folder:
 * `emissions.csv` (one row per run, CodeCarbon's columns) and
 * `runs/<run_id>.json` (the whole record: timeline, sources, provenance).
 *
 * Crash safety: a row goes to the file in one append `write`, so two runs
 * finishing at once never interleave their rows, and a crash leaves at most
 * one torn line, which the reader skips with a warning. A run's JSON is
 * written to a temporary file and renamed into place, so a reader sees the
 * whole record or none; it is written before the row, so every row has its
 * record.
 *
 * A CodeCarbon file with another header is never rewritten or appended to
 * with mismatched columns. CodeCarbon itself renames such a file; GreenLens
 * leaves it where it is (the user's tools may point at it), writes its rows
 * to `emissions.greenlens.csv` beside it and says so. Both files are read
 * back, so the history stays whole.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { EMISSIONS_HEADER, emissionsRow, headerLayout, parseEmissions, type HistoryRun } from './emissionsCsv';
import { RUN_RECORD_SCHEMA, type RunRecord } from './runRecord';
import { runRecordProblem } from './runRecordCheck';

/** The history folder's default name inside a workspace folder. */
export const DEFAULT_HISTORY_FOLDER = '.greenlens';
export const EMISSIONS_FILE = 'emissions.csv';
/** Where rows go when emissions.csv has another tool's or version's header. */
export const FALLBACK_EMISSIONS_FILE = 'emissions.greenlens.csv';
export const RUNS_FOLDER = 'runs';

export interface AppendResult {
  /** The emissions file the row went to. */
  csvFile: string;
  runFile: string;
  /** Sentences for the user, e.g. that the row went to the fallback file. */
  warnings: string[];
}

export interface History {
  /** Runs in the order they finished (by timestamp, then file order). */
  runs: HistoryRun[];
  /** One sentence per skipped line or unreadable file. */
  warnings: string[];
}

/** The history folder of a workspace folder: `setting` relative to it, or absolute. */
export function historyDir(workspaceFolder: string, setting: string = DEFAULT_HISTORY_FOLDER): string {
  return path.resolve(workspaceFolder, setting || DEFAULT_HISTORY_FOLDER);
}

/**
 * Records a finished run in the history folder `dir` (created if needed):
 * the run JSON first, atomically, then one row appended to the emissions file.
 */
export function appendRun(dir: string, record: RunRecord): AppendResult {
  checkRunId(record.runId);
  fs.mkdirSync(path.join(dir, RUNS_FOLDER), { recursive: true });
  const runFile = runPath(dir, record.runId);
  writeFileAtomic(runFile, JSON.stringify(record, null, 1) + '\n');
  const warnings: string[] = [];
  let csvFile = path.join(dir, EMISSIONS_FILE);
  if (!ensureHeader(csvFile)) {
    const fallback = path.join(dir, FALLBACK_EMISSIONS_FILE);
    warnings.push(
      `${EMISSIONS_FILE} in ${dir} has another header (another CodeCarbon version or tool); GreenLens left it untouched and wrote this run to ${FALLBACK_EMISSIONS_FILE}`,
    );
    if (!ensureHeader(fallback)) {
      throw new Error(`Cannot record the run: both ${csvFile} and ${fallback} have headers GreenLens did not write. Move one of them away.`);
    }
    csvFile = fallback;
  }
  appendLine(csvFile, emissionsRow(record));
  return { csvFile, runFile, warnings };
}

/**
 * Reads the history of `dir`: the rows of emissions.csv and of the fallback
 * file. Bad lines are skipped with a warning naming file and line; a missing
 * folder is an empty history.
 */
export function readHistory(dir: string): History {
  const runs: HistoryRun[] = [];
  const warnings: string[] = [];
  for (const name of [EMISSIONS_FILE, FALLBACK_EMISSIONS_FILE]) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') warnings.push(`${file} could not be read: ${(e as Error).message}`);
      continue;
    }
    const parsed = parseEmissions(text, file);
    for (const r of parsed.runs) runs.push(r);
    for (const w of parsed.warnings) warnings.push(w);
  }
  // Both formats sort as text; the sort is stable, so equal times keep file order.
  runs.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return { runs, warnings };
}

/**
 * The full record of a run, or undefined when there is none (a CodeCarbon
 * row, or a record deleted by hand). Throws with the file's name when the
 * record exists but cannot be read, is not JSON, or lacks a field its
 * readers rely on (the message names the field, see `runRecordProblem`).
 */
export function readRun(dir: string, runId: string): RunRecord | undefined {
  checkRunId(runId);
  const file = runPath(dir, runId);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const schema = (parsed as { schema?: unknown } | null)?.schema;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || schema !== RUN_RECORD_SCHEMA) {
    throw new Error(`${file} is not a GreenLens run record of schema ${RUN_RECORD_SCHEMA}`);
  }
  // Checked here, where the file is known, so a view never meets a record without the fields it reads.
  const problem = runRecordProblem(parsed);
  if (problem) throw new Error(`${file}: ${problem}; the record was not used`);
  const record = parsed as RunRecord;
  if (record.runId !== runId) throw new Error(`${file}: field runId is ${JSON.stringify(record.runId)}, not the file's name ${JSON.stringify(runId)}`);
  return record;
}

/** Appends one line in a single write; starts a new line first if the file ends in a torn one. */
export function appendLine(file: string, line: string): void {
  const lead = endsWithoutNewline(file) ? '\n' : '';
  fs.appendFileSync(file, `${lead}${line}\n`);
}

/**
 * Makes sure `file` starts with GreenLens's header: creates it with the header
 * when it is missing or empty. Returns false when it has another header.
 */
function ensureHeader(file: string): boolean {
  const first = firstLine(file);
  if (first === undefined) {
    createWithHeader(file);
    return headerLayout(firstLine(file) ?? '')?.exact ?? false;
  }
  return headerLayout(first)?.exact ?? false;
}

/**
 * Creates the file holding only the header, atomically: the header is written
 * to a temporary file that is then hard-linked into place, which fails if
 * another run created the file first. Where links are not supported, an
 * exclusive create stands in.
 */
function createWithHeader(file: string): void {
  if (fs.existsSync(file)) {
    // Another run may have created it since we looked: only a file that is still
    // empty (created by hand, or by a crash before the header) is ours to fill.
    if (fs.statSync(file).size === 0) fs.appendFileSync(file, EMISSIONS_HEADER + '\n');
    return;
  }
  const temp = tempName(file);
  fs.writeFileSync(temp, EMISSIONS_HEADER + '\n');
  try {
    fs.linkSync(temp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      try {
        fs.writeFileSync(file, EMISSIONS_HEADER + '\n', { flag: 'wx' });
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code !== 'EEXIST') throw e2;
      }
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** The first line of a file, or undefined when the file is missing or empty. */
function firstLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const buf = Buffer.alloc(8192);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    if (n === 0) return undefined;
    const text = buf.subarray(0, n).toString('utf8');
    const end = text.indexOf('\n');
    return (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '');
  } finally {
    fs.closeSync(fd);
  }
}

function endsWithoutNewline(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return false;
    const buf = Buffer.alloc(1);
    fs.readSync(fd, buf, 0, 1, size - 1);
    return buf[0] !== 0x0a;
  } finally {
    fs.closeSync(fd);
  }
}

function writeFileAtomic(file: string, text: string): void {
  const temp = tempName(file);
  try {
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
}

function runPath(dir: string, runId: string): string {
  return path.join(dir, RUNS_FOLDER, `${runId}.json`);
}

/** Run ids name files: letters, digits, `-`, `_` and `.` only, so no id can point outside runs/. */
function checkRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(runId) || runId.includes('..')) {
    throw new Error(`invalid run id ${JSON.stringify(runId)}`);
  }
}
