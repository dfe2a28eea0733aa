// Go's fmt, for the value kinds a template can see: %v printing, Sprint,
// Sprintln and Sprintf with flags, width, precision and Go's %!verb errors.
import { canBackquote, quoteGo } from './escape.js';
import { formatFloat } from './ftoa.js';
import { goTypeName, isGoInt, isMap, sortedKeys, stringerOf, utf8 } from './values.js';

interface Flags {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

const PLAIN: Flags = { minus: false, plus: false, sharp: false, space: false, zero: false };

/** fmt.Sprint of one value: what `{{.X}}` writes. */
export function formatValue(v: unknown): string {
  return fmtArg(v, 'v', PLAIN, 0);
}

/** fmt.Sprint: a space goes between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

export function sprintln(args: readonly unknown[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

function pad(s: string, f: Flags, zero = f.zero): string {
  const n = f.width === undefined ? 0 : f.width - [...s].length;
  if (n <= 0) return s;
  if (f.minus) return s + ' '.repeat(n);
  return (zero ? '0' : ' ').repeat(n) + s;
}

function badVerb(v: unknown, verb: string, f: Flags, depth: number): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${fmtArg(v, 'v', f, depth)})`;
}

function fmtArg(v: unknown, verb: string, f: Flags, depth: number): string {
  if (verb === 'T') return pad(goTypeName(v), f);
  if (v === null || v === undefined) {
    // Go prints a nil element inside a slice/map as <nil> whatever the verb.
    return verb === 'v' || depth > 0 ? pad('<nil>', f) : badVerb(v, verb, f, depth);
  }
  const stringer = stringerOf(v);
  if (stringer && 'vsxXq'.includes(verb)) {
    let s: string;
    try {
      s = String(stringer.call(v));
    } catch (e) {
      return `%!${verb}(PANIC=String method: ${e instanceof Error ? e.message : String(e)})`;
    }
    return fmtString(s, verb, f, depth);
  }
  if (Array.isArray(v)) return '[' + v.map((e) => fmtArg(e, verb, f, depth + 1)).join(' ') + ']';
  if (isMap(v)) {
    const parts = sortedKeys(v).map((k) => fmtArg(k, verb, f, depth + 1) + ':' + fmtArg(v[k], verb, f, depth + 1));
    return 'map[' + parts.join(' ') + ']';
  }
  switch (typeof v) {
    case 'string':
      return fmtString(v, verb, f, depth);
    case 'boolean':
      return verb === 'v' || verb === 't' ? pad(String(v), f) : badVerb(v, verb, f, depth);
    case 'bigint':
      return fmtInt(v, verb, f, depth);
    case 'number':
      // Float verbs print any number: JS can't tell 3.0 from 3.
      return isGoInt(v) && !'eEfFgG'.includes(verb) ? fmtInt(BigInt(v), verb, f, depth) : fmtFloat(v, verb, f, depth);
    case 'function':
      return verb === 'v' ? pad('<func>', f) : badVerb(v, verb, f, depth);
    default:
      return pad(String(v), f);
  }
}

function fmtString(s: string, verb: string, f: Flags, depth: number): string {
  const cut = (x: string) => (f.prec === undefined ? x : [...x].slice(0, f.prec).join(''));
  switch (verb) {
    case 'v':
    case 's':
      return pad(cut(s), f);
    case 'q':
      return pad(f.sharp && canBackquote(s) ? '`' + s + '`' : quoteGo(cut(s), f.plus), f);
    case 'x':
    case 'X': {
      let h = Array.from(utf8(s), (b) => b.toString(16).padStart(2, '0')).join(f.space ? ' ' : '');
      if (f.sharp && h) h = '0x' + h;
      return pad(verb === 'X' ? h.toUpperCase() : h, f);
    }
    default:
      return badVerb(s, verb, f, depth);
  }
}

const BASES: Record<string, number> = { v: 10, d: 10, b: 2, o: 8, O: 8, x: 16, X: 16 };

function fmtInt(n: bigint, verb: string, f: Flags, depth: number): string {
  const cp = Number(n);
  switch (verb) {
    case 'c':
      return pad(String.fromCodePoint(cp >= 0 && cp <= 0x10ffff ? cp : 0xfffd), f);
    case 'q':
      return pad(quoteGo(String.fromCodePoint(cp >= 0 && cp <= 0x10ffff ? cp : 0xfffd), f.plus, "'"), f);
    case 'U': {
      const u = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
      return pad(f.sharp ? `${u} '${String.fromCodePoint(cp)}'` : u, f);
    }
  }
  const base = BASES[verb];
  if (base === undefined) return badVerb(cp, verb, f, depth);
  const neg = n < 0n;
  let digits = (neg ? -n : n).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  // Extra leading zeros come from a precision or, failing that, the 0 flag.
  let minDigits = 0;
  if (f.prec !== undefined) {
    if (f.prec === 0 && n === 0n) return pad('', f, false);
    minDigits = f.prec;
  } else if (f.zero && !f.minus && f.width !== undefined) {
    minDigits = f.width - (neg || f.plus || f.space ? 1 : 0);
  }
  digits = digits.padStart(minDigits, '0');
  let prefix = '';
  if (f.sharp && base === 2) prefix = '0b';
  if (f.sharp && base === 8 && digits[0] !== '0') prefix = '0';
  if (f.sharp && base === 16) prefix = verb === 'X' ? '0X' : '0x';
  if (verb === 'O') prefix = '0o';
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  return pad(sign + prefix + digits, f, false);
}

/** Go's exponent: a sign and at least two digits. */
const expo = (e: number) => (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(2, '0');

/** %x on a float: Go's hexadecimal mantissa and binary exponent. */
function formatHexFloat(x: number): string {
  if (x === 0) return '0x0p+00';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn) - 1023;
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === -1023) {
    // Subnormal: normalise so the leading digit is 1, as Go does.
    while (!(mant & (1n << 52n))) {
      mant <<= 1n;
      exp--;
    }
    exp++;
    mant &= (1n << 52n) - 1n;
  }
  const frac = mant.toString(16).padStart(13, '0').replace(/0+$/, '');
  return '0x1' + (frac ? '.' + frac : '') + 'p' + expo(exp);
}

function fmtFloat(x: number, verb: string, f: Flags, depth: number): string {
  const abs = Math.abs(x);
  let body: string;
  if (Number.isNaN(x)) body = 'NaN';
  else if (!Number.isFinite(x)) body = 'Inf';
  else if (verb === 'v' || verb === 'g' || verb === 'G') body = formatFloat(abs, 'g', f.prec ?? -1);
  else if (verb === 'e' || verb === 'E') body = formatFloat(abs, 'e', f.prec ?? 6);
  else if (verb === 'f' || verb === 'F') body = formatFloat(abs, 'f', f.prec ?? 6);
  else if (verb === 'x' || verb === 'X') body = formatHexFloat(abs);
  else return badVerb(x, verb, f, depth);
  if ('GEX'.includes(verb)) body = body.toUpperCase();
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? '-' : f.plus ? '+' : f.space ? ' ' : '';
  // Infinities and NaN are never zero padded.
  if (body === 'NaN' || body === 'Inf') return pad(sign + body, f, false);
  // Zero padding goes between the sign and the digits.
  const width = f.width ?? 0;
  if (f.zero && !f.minus && width > sign.length + body.length) {
    return sign + '0'.repeat(width - sign.length - body.length) + body;
  }
  return pad(sign + body, f, false);
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let i = 0;
  // %[n] picks the argument explicitly; a bad index is reported in place.
  const argIndex = (): boolean => {
    if (format[i] !== '[') return true;
    const close = format.indexOf(']', i);
    const n = Number(format.slice(i + 1, close));
    reordered = true;
    if (close < 0 || !Number.isInteger(n) || n < 1 || n > args.length) {
      out += '%!(BADINDEX)';
      i = close < 0 ? format.length : close + 1;
      return false;
    }
    argNum = n - 1;
    i = close + 1;
    return true;
  };
  // A '*' width or precision takes an int argument.
  const starArg = (): number | undefined => {
    const a = args[argNum++];
    return isGoInt(a) ? a : undefined;
  };
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Flags = { ...PLAIN };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = !f.minus;
      else if (c === '+') f.plus = true;
      else if (c === ' ') f.space = true;
      else if (c === '-') [f.minus, f.zero] = [true, false];
      else break;
    }
    if (!argIndex()) continue;
    if (format[i] === '*') {
      i++;
      const w = starArg();
      if (w === undefined) out += '%!(BADWIDTH)';
      else if (w < 0) [f.width, f.minus, f.zero] = [-w, true, false];
      else f.width = w;
      if (!argIndex()) continue;
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) [f.width, i] = [Number(m[0]), i + m[0].length];
    }
    if (format[i] === '.') {
      i++;
      if (!argIndex()) continue;
      if (format[i] === '*') {
        i++;
        const p = starArg();
        if (p === undefined) out += '%!(BADPREC)';
        else if (p >= 0) f.prec = p;
      } else {
        const m = /^\d*/.exec(format.slice(i))![0];
        [f.prec, i] = [Number(m), i + m.length];
      }
      if (!argIndex()) continue;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') out += '%';
    else if (argNum >= args.length) out += `%!${verb}(MISSING)`;
    else if (verb === 'w') out += badVerb(args[argNum++], verb, f, 0);
    else out += fmtArg(args[argNum++], verb, f, 0);
  }
  if (!reordered && argNum < args.length) {
    const extra = args.slice(argNum).map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
