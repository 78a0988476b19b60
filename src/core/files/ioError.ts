/** Short, lower-case descriptions of file-system errors for one-line messages. */

const DESCRIPTIONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
};

/** "no such file or directory" for ENOENT, and the error's own message for the rest. */
export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && DESCRIPTIONS[code]) return DESCRIPTIONS[code];
  return error instanceof Error ? error.message : String(error);
}
