/**
 * RFC 4180 fields for the emissions file, line by line. The history is read
 * one physical line at a time so that a torn or foreign line costs only
 * itself: a stray quote must never swallow the rows after it. Text cells
 * are written so that no spreadsheet runs them as formulas (CSV injection).
 */

/** Quotes a field when it holds a comma, a quote or a line break (RFC 4180, 2.6–2.7). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Text that a spreadsheet would run as a formula starts with one of these
 * (OWASP, "CSV Injection"). A run of leading single quotes is included so
 * that text which already starts with `'` before such a character still
 * reads back exactly: escaping always adds one quote, reading removes one.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/**
 * Text made safe to open in a spreadsheet: a cell that would start a formula
 * gets a leading `'`, which spreadsheets show as text and `restoreFormulaText`
 * removes again.
 */
export function neutraliseFormulaText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text `neutraliseFormulaText` was given: one added leading quote is removed. */
export function restoreFormulaText(text: string): string {
  return text.charCodeAt(0) === 39 /* ' */ && FORMULA_START.test(text) ? text.slice(1) : text;
}

/**
 * One cell: a number is written as is (a negative number is a number, not a
 * formula, and CodeCarbon's readers expect it plain); text is neutralised
 * and, when it was, quoted as OWASP recommends.
 */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // Line breaks become spaces: a row that spans lines could not be told from a torn one when read line by line.
  const text = value.replace(/[\r\n]+/g, ' ');
  const safe = neutraliseFormulaText(text);
  return safe === text ? csvField(text) : `"${safe.replace(/"/g, '""')}"`;
}

/** One CSV record without its line break (see `csvCell`). */
export function csvRow(values: readonly (string | number)[]): string {
  return values.map(csvCell).join(',');
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
