/**
 * Reads a source file for analysis, or says why it is not worth analysing:
 * generated multi-megabyte files, binaries and files in other encodings would
 * only give slow or nonsensical findings.
 *
 * Only regular files are read. Opening a FIFO waits for a writer, and a
 * device such as /dev/zero never ends, so either would hang the check or
 * fill memory; and the size limit holds for the bytes actually read, since a
 * file can grow while it is read and some (under /proc) report no size.
 */
import * as fs from 'fs';
import { decodePythonSource } from './sourceEncoding';

/** Files larger than this are skipped (2 MB). */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

export type SourceRead =
  | { kind: 'text'; text: string }
  /** Readable but not analysed; `reason` is a short phrase for the log, e.g. "binary file (contains a NUL byte)". */
  | { kind: 'skipped'; reason: string }
  /** Could not be read at all. */
  | { kind: 'error'; error: NodeJS.ErrnoException };

function megabytes(bytes: number): string {
  // Limits under 0.1 MB (set by tests) would all read "0.0 MB".
  return bytes < 100 * 1024 ? `${bytes} bytes` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** What says which kind of entry a path is: fs.Stats or a directory entry (fs.Dirent). */
export type FileKind = Pick<fs.Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'>;

/**
 * Why a file system entry is not a regular file ("not a regular file (a
 * FIFO)"), or undefined for a regular file. Stats of a symbolic link's target
 * describe the target.
 */
export function notRegularFileReason(stats: FileKind): string | undefined {
  if (stats.isFile()) return undefined;
  const what = stats.isFIFO()
    ? 'a FIFO'
    : stats.isCharacterDevice()
      ? 'a character device'
      : stats.isBlockDevice()
        ? 'a block device'
        : stats.isSocket()
          ? 'a socket'
          : stats.isDirectory()
            ? 'a directory'
            : 'of an unknown type';
  return `not a regular file (${what})`;
}

/** Byte-order marks of the UTF-16 and UTF-32 encodings, which Python does not read source in. */
function wideEncoding(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  if ((a === 0xff && b === 0xfe && c === 0 && d === 0) || (a === 0 && b === 0 && c === 0xfe && d === 0xff)) return 'UTF-32';
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) return 'UTF-16';
  return undefined;
}

/**
 * Checks raw bytes and decodes them as Python would (UTF-8, or the encoding a
 * PEP 263 coding declaration names); exported so the editor can apply the
 * same policy to buffers it already holds.
 */
export function decodeSource(bytes: Uint8Array, maxBytes = MAX_SOURCE_BYTES): SourceRead {
  if (bytes.length > maxBytes) return { kind: 'skipped', reason: `too large (${megabytes(bytes.length)}, limit ${megabytes(maxBytes)})` };
  // Checked before the NUL bytes that every ASCII character has in these encodings.
  // Python cannot run a file saved so (it reads no source as UTF-16), so its findings would help no one.
  const wide = wideEncoding(bytes);
  if (wide) return { kind: 'skipped', reason: `${wide} text (Python cannot run it; save it as UTF-8)` };
  if (bytes.includes(0)) return { kind: 'skipped', reason: 'binary file (contains a NUL byte)' };
  return decodePythonSource(bytes);
}

/** Reads at most `limit` bytes from `fd`, into a buffer sized by `sizeHint` and grown as needed. */
function readAtMost(fd: number, limit: number, sizeHint: number): Buffer {
  let buffer = Buffer.allocUnsafe(Math.min(limit, Math.max(sizeHint + 1, 16 * 1024)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length === limit) break;
      const bigger = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (n === 0) break;
    length += n;
  }
  return buffer.subarray(0, length);
}

/**
 * Reads `file` if it is a regular file of at most `maxBytes` bytes (see the
 * file comment). Its size is checked before reading, so that a huge file is
 * never loaded, and again on what was read: at most `maxBytes + 1` bytes are.
 */
export function readSourceFile(file: string, maxBytes = MAX_SOURCE_BYTES): SourceRead {
  let fd: number | undefined;
  try {
    const named = fs.statSync(file);
    const notRegular = notRegularFileReason(named);
    if (notRegular) return { kind: 'skipped', reason: notRegular };
    if (named.size > maxBytes) return { kind: 'skipped', reason: `too large (${megabytes(named.size)}, limit ${megabytes(maxBytes)})` };
    // Non-blocking, so that a FIFO put in the file's place since the stat does not stop the open.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const opened = fs.fstatSync(fd);
    const notRegularNow = notRegularFileReason(opened);
    if (notRegularNow) return { kind: 'skipped', reason: notRegularNow };
    const bytes = readAtMost(fd, maxBytes + 1, opened.size);
    if (bytes.length > maxBytes) return { kind: 'skipped', reason: `too large (more than ${megabytes(maxBytes)} read, limit ${megabytes(maxBytes)})` };
    return decodeSource(bytes, maxBytes);
  } catch (error) {
    return { kind: 'error', error: error as NodeJS.ErrnoException };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
