// Go's string quoting/unquoting (strconv) and the html/js/urlquery escapers.
import { fromUtf8, utf8 } from './values.js';

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: graphic characters plus the ASCII space only. */
export function isPrint(c: string): boolean {
  return c === ' ' || PRINTABLE.test(c);
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

const SHORT_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** strconv.Quote (or QuoteToASCII / QuoteRune, via the arguments). */
export function quoteGo(s: string, asciiOnly = false, quote = '"'): string {
  let out = quote;
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === quote || c === '\\') out += '\\' + c;
    else if (isPrint(c) && (!asciiOnly || cp < 0x80)) out += c;
    else if (SHORT_ESCAPES[c]) out += SHORT_ESCAPES[c];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'; // lone surrogate: Go would see invalid UTF-8
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + quote;
}

/** strconv.CanBackquote, for %#q. */
export function canBackquote(s: string): boolean {
  return !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s);
}

const SIMPLE: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34 };

/** One escape after a backslash at body[i]: a raw byte or a code point. */
function readEscape(body: string, i: number, quote: string): { value: number; isByte: boolean; next: number } {
  const e = body[i + 1] ?? '';
  const digits = (n: number, re: RegExp, base: number) => {
    const d = body.slice(i + 2, i + 2 + n);
    if (d.length !== n || !re.test(d)) throw new Error('invalid syntax');
    return parseInt(d, base);
  };
  if (e in SIMPLE) {
    if ((e === "'" || e === '"') && e !== quote) throw new Error('invalid syntax');
    return { value: SIMPLE[e]!, isByte: false, next: i + 2 };
  }
  if (e === 'x') return { value: digits(2, /^[0-9a-fA-F]+$/, 16), isByte: true, next: i + 4 };
  if (e >= '0' && e <= '7') {
    const d = body.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(d) || parseInt(d, 8) > 255) throw new Error('invalid syntax');
    return { value: parseInt(d, 8), isByte: true, next: i + 4 };
  }
  if (e === 'u' || e === 'U') {
    const n = e === 'u' ? 4 : 8;
    const cp = digits(n, /^[0-9a-fA-F]+$/, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Error('invalid syntax');
    return { value: cp, isByte: false, next: i + 2 + n };
  }
  throw new Error('invalid syntax');
}

/** strconv.Unquote for "..." and `...` literals; throws Error('invalid syntax'). */
export function unquote(text: string): string {
  const q = text[0];
  if (text.length < 2 || text[text.length - 1] !== q) throw new Error('invalid syntax');
  const body = text.slice(1, -1);
  if (q === '`') return body.replace(/\r/g, ''); // Go drops carriage returns from raw strings
  if (q !== '"') throw new Error('invalid syntax');
  // \x and octal escapes are raw bytes, so build UTF-8 and decode once.
  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = String.fromCodePoint(body.codePointAt(i)!);
    if (c === '"' || c === '\n') throw new Error('invalid syntax');
    if (c !== '\\') {
      bytes.push(...utf8(c));
      i += c.length;
      continue;
    }
    const esc = readEscape(body, i, q);
    if (esc.isByte) bytes.push(esc.value);
    else bytes.push(...utf8(String.fromCodePoint(esc.value)));
    i = esc.next;
  }
  return fromUtf8(Uint8Array.from(bytes));
}

/** A character constant such as 'a' or '\n' to its rune value. */
export function unquoteChar(text: string): number {
  const body = text.slice(1, -1);
  if (text.length < 3 || text[0] !== "'" || text[text.length - 1] !== "'") throw new Error('invalid syntax');
  if (body[0] === '\\') {
    const esc = readEscape(body, 0, "'");
    if (esc.next !== body.length) throw new Error(`malformed character constant: ${text}`);
    return esc.value;
  }
  const cp = body.codePointAt(0)!;
  if (String.fromCodePoint(cp).length !== body.length || body === "'") throw new Error(`malformed character constant: ${text}`);
  return cp;
}

const HTML: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\ufffd' };

/** template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[<>&'"\0]/g, (c) => HTML[c]!);
}

const JS: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

/** template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = '';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (JS[c]) out += JS[c];
    else if (cp < 0x20) out += '\\u00' + hex(cp, 2).toUpperCase();
    else if (cp < 0x80 || isPrint(c)) out += c;
    else out += '\\u' + hex(cp, 4).toUpperCase();
  }
  return out;
}

/** url.QueryEscape. */
export function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + hex(b, 2).toUpperCase();
  }
  return out;
}
