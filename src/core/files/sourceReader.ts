/**
 * Reads a source file for analysis, or says why it is not worth analysing:
 * generated multi-megabyte files, binaries and files in other encodings would
 * only give slow or nonsensical findings.
 */
import * as fs from 'fs';

/** Files larger than this are skipped (2 MB). */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

export type SourceRead =
  | { kind: 'text'; text: string }
  /** Readable but not analysed; `reason` is a short phrase for the log, e.g. "binary file (contains a NUL byte)". */
  | { kind: 'skipped'; reason: string }
  /** Could not be read at all. */
  | { kind: 'error'; error: NodeJS.ErrnoException };

const decoder = new TextDecoder('utf-8', { fatal: true });

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Checks raw bytes; exported so the editor can apply the same policy to buffers it already holds. */
export function decodeSource(bytes: Uint8Array, maxBytes = MAX_SOURCE_BYTES): SourceRead {
  if (bytes.length > maxBytes) return { kind: 'skipped', reason: `too large (${megabytes(bytes.length)}, limit ${megabytes(maxBytes)})` };
  if (bytes.includes(0)) return { kind: 'skipped', reason: 'binary file (contains a NUL byte)' };
  try {
    // The decoder drops a leading byte-order mark, which Python also accepts.
    return { kind: 'text', text: decoder.decode(bytes) };
  } catch {
    return { kind: 'skipped', reason: 'not valid UTF-8' };
  }
}

/** Reads `file`, checking its size before reading so that huge files are never loaded. */
export function readSourceFile(file: string, maxBytes = MAX_SOURCE_BYTES): SourceRead {
  try {
    const size = fs.statSync(file).size;
    if (size > maxBytes) return { kind: 'skipped', reason: `too large (${megabytes(size)}, limit ${megabytes(maxBytes)})` };
    return decodeSource(fs.readFileSync(file), maxBytes);
  } catch (error) {
    return { kind: 'error', error: error as NodeJS.ErrnoException };
  }
}
