/**
 * RFC 4180 fields for the emissions file, line by line. The history is read
 * one physical line at a time so that a torn or foreign line costs only
 * itself: a stray quote must never swallow the rows after it.
 */

/** Quotes a field when it holds a comma, a quote or a line break (RFC 4180, 2.6–2.7). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * One CSV record without its line break. Line breaks inside values become
 * spaces: a row that spans lines could not be told from a torn one when the
 * file is read back line by line.
 */
export function csvRow(values: readonly string[]): string {
  return values.map((v) => csvField(v.replace(/[\r\n]+/g, ' '))).join(',');
}

/**
 * Splits one record into fields, or returns `undefined` when the text is not
 * well-formed: a quote left open at the end (a torn line, or a record that
 * continues on the next line) or text after a closing quote.
 */
export function parseCsvRecord(text: string): string[] | undefined {
  // Most rows hold no quote at all; splitting them directly keeps 10,000 rows fast.
  if (!text.includes('"')) return text.split(',');
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return undefined;
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === n) return fields;
      if (text.charCodeAt(i) !== 44 /* , */) return undefined;
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      const value = text.slice(i, end);
      if (value.includes('"')) return undefined;
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

/** True when the text ends inside a quoted field (the record continues on the next line). */
export function endsInsideQuotes(text: string): boolean {
  let inside = false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 34) inside = !inside;
  return inside;
}
