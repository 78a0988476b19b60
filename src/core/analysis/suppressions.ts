/**
 * Suppression comments:
 *   `# greenlens: ignore[GL201]`        on the flagged line or the line above;
 *   `# greenlens: ignore`               every code on that line;
 *   `# greenlens: ignore-file[GL3]`     anywhere in the file; a prefix names a family.
 * Codes are comma-separated. Only real comments count (text in strings does not).
 */
import type { CommentFact } from './facts';

const PATTERN = /greenlens:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?/i;

export interface Suppressions {
  isSuppressed(code: string, line: number): boolean;
}

function matches(code: string, codes: string[] | 'all'): boolean {
  return codes === 'all' || codes.some((c) => code.startsWith(c));
}

/** Reads the suppression comments of a file. */
export function readSuppressions(comments: CommentFact[]): Suppressions {
  const fileCodes: string[][] = [];
  let fileAll = false;
  const lineCodes = new Map<number, (string[] | 'all')[]>();
  const add = (line: number, codes: string[] | 'all') => {
    const list = lineCodes.get(line) ?? [];
    list.push(codes);
    lineCodes.set(line, list);
  };
  for (const c of comments) {
    const m = PATTERN.exec(c.text);
    if (!m) continue;
    const codes: string[] | 'all' =
      m[2] === undefined
        ? 'all'
        : m[2]
            .split(',')
            .map((s) => s.trim().toUpperCase())
            .filter(Boolean);
    if (m[1].toLowerCase() === 'ignore-file') {
      if (codes === 'all') fileAll = true;
      else fileCodes.push(codes);
      continue;
    }
    const line = c.range.start.line;
    add(line, codes);
    // A comment on a line of its own also covers the next line.
    if (c.ownLine) add(line + 1, codes);
  }
  return {
    isSuppressed(code, line) {
      if (fileAll || fileCodes.some((codes) => matches(code, codes))) return true;
      return (lineCodes.get(line) ?? []).some((codes) => matches(code, codes));
    },
  };
}

/** The comment text that suppresses `code` on a line. */
export function suppressionComment(code: string, commentToken = '#'): string {
  return `${commentToken} greenlens: ignore[${code}]`;
}
