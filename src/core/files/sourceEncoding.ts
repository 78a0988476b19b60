/**
 * Decodes Python source bytes the way Python reads them (PEP 263): UTF-8 by
 * default, or the encoding named by a `# -*- coding: latin-1 -*-` comment on
 * the first line, or on the second when the first is blank or a comment.
 * Older European code is still saved in Latin-1 or cp1252 with such a line;
 * decoding it gives findings at the right columns instead of no findings.
 *
 * Latin-1 and cp1252 are decoded here with their own tables: Node 20's
 * TextDecoder reads windows-1252 as Latin-1 (nodejs/node#56542), so `€`
 * would come out as a control character. Other declared encodings go through
 * TextDecoder, which knows the common single- and multi-byte ones.
 */

export type Decoded =
  | { kind: 'text'; text: string }
  /** Not decoded; `reason` is a short phrase for the log. */
  | { kind: 'skipped'; reason: string };

/** Python's spelling of the declaration (reference manual, "Encoding declarations"), read on a line of bytes as Latin-1. */
const DECLARATION = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
/** A line that lets the second line carry the declaration: blank, or only a comment. */
const BLANK_OR_COMMENT = /^[ \t\f]*(?:#.*)?$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** cp1252's characters for bytes 0x80–0x9F (the rest is Latin-1); 0 where Python's codec has none. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

type Codec = (bytes: Uint8Array) => string | undefined;

const latin1: Codec = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

const ascii: Codec = (bytes) => (bytes.every((b) => b < 0x80) ? latin1(bytes) : undefined);

const cp1252: Codec = (bytes) => {
  let out = '';
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80 || b > 0x9f) continue;
    const c = CP1252_HIGH[b - 0x80];
    if (c === 0) return undefined;
    out += latin1(bytes.subarray(from, i)) + String.fromCharCode(c);
    from = i + 1;
  }
  return out + latin1(bytes.subarray(from));
};

function whatwg(label: string): Codec {
  return (bytes) => {
    try {
      return new TextDecoder(label, { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
  };
}

/**
 * Codecs by Python's normalised name (lower case, runs of other characters
 * than letters, digits and dots turned into `_`), with the aliases Python
 * accepts for them.
 */
const CODECS = new Map<string, Codec>();
function codec(names: string, decode: Codec): void {
  for (const name of names.split(' ')) CODECS.set(name, decode);
}
codec('utf_8 utf8 u8 utf cp65001 utf8_ucs2 utf8_ucs4', (bytes) => decodeUtf8(bytes));
codec('latin_1 latin1 latin l1 iso8859_1 iso_8859_1 iso_latin_1 iso_ir_100 cp819 ibm819 8859 csisolatin1', latin1);
codec('ascii us_ascii us 646 cp367 ibm367 csascii iso646_us iso_ir_6 ansi_x3.4_1968 ansi_x3.4_1986', ascii);
codec('cp1252 windows_1252 1252', cp1252);
for (const n of [1250, 1251, 1253, 1254, 1255, 1256, 1257, 1258]) codec(`cp${n} windows_${n} ${n}`, whatwg(`windows-${n}`));
for (const n of [2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16]) codec(`iso8859_${n} iso_8859_${n}`, whatwg(`iso-8859-${n}`));
codec('latin2 l2', whatwg('iso-8859-2'));
codec('latin9 l9 latin_9', whatwg('iso-8859-15'));
codec('koi8_r', whatwg('koi8-r'));
codec('koi8_u', whatwg('koi8-u'));
codec('shift_jis sjis s_jis shiftjis csshiftjis', whatwg('shift_jis'));
codec('euc_jp eucjp ujis u_jis', whatwg('euc-jp'));
codec('gbk cp936 936 ms936', whatwg('gbk'));
codec('gb18030 gb18030_2000', whatwg('gb18030'));
codec('big5 big5_tw csbig5', whatwg('big5'));
codec('euc_kr euckr ks_c_5601 ks_c_5601_1987 ksc5601', whatwg('euc-kr'));

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Python's tokenizer reads `utf-8-…`, `latin-1-…` (Emacs's `latin-1-unix`) as the plain names. */
function normalise(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9.]+/g, '_');
  if (key.startsWith('utf_8_')) return 'utf_8';
  if (/^(latin_1|iso_8859_1|iso_latin_1)_/.test(key)) return 'latin_1';
  return key;
}

/** The end of the line starting at `from` (before its `\n`, `\r\n` or `\r`), and where the next begins. */
function lineAt(bytes: Uint8Array, from: number): { end: number; next: number } {
  let end = from;
  while (end < bytes.length && bytes[end] !== 10 && bytes[end] !== 13) end++;
  const next = bytes[end] === 13 && bytes[end + 1] === 10 ? end + 2 : end + 1;
  return { end, next };
}

/** The encoding a coding declaration names, and the line it is on (1 or 2); undefined without one. */
export function codingDeclaration(bytes: Uint8Array): { name: string; line: number } | undefined {
  let from = 0;
  for (let line = 1; line <= 2 && from < bytes.length; line++) {
    const { end, next } = lineAt(bytes, from);
    const text = latin1(bytes.subarray(from, end))!;
    const m = DECLARATION.exec(text);
    if (m) return { name: m[1], line };
    if (!BLANK_OR_COMMENT.test(text)) return undefined;
    from = next;
  }
  return undefined;
}

/**
 * Decodes source bytes as Python would, or says why not. A leading UTF-8
 * byte-order mark is dropped (Python accepts it). The caller has checked size
 * and NUL bytes.
 */
export function decodePythonSource(bytes: Uint8Array): Decoded {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const declared = codingDeclaration(bom ? bytes.subarray(3) : bytes);
  if (!declared) {
    const text = decodeUtf8(bytes);
    return text === undefined ? { kind: 'skipped', reason: 'not valid UTF-8' } : { kind: 'text', text };
  }
  const key = normalise(declared.name);
  const decode = CODECS.get(key);
  if (!decode) return { kind: 'skipped', reason: `declares the encoding '${declared.name}' (line ${declared.line}), which GreenLens cannot decode` };
  // Python refuses a byte-order mark with any other declaration than UTF-8.
  if (bom && decode !== CODECS.get('utf_8')) return { kind: 'skipped', reason: `starts with a UTF-8 byte-order mark but declares '${declared.name}' (line ${declared.line})` };
  const text = decode(bytes);
  if (text === undefined) return { kind: 'skipped', reason: `not valid ${declared.name}, the encoding declared on line ${declared.line}` };
  return { kind: 'text', text };
}
