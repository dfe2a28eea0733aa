// The template's function table: Go's builtins plus docker/cli's
// templates.basicFunctions (json, split, join, title, lower, upper, pad, truncate).
import { htmlEscape, jsEscape, urlQueryEscape } from './escape.js';
import { formatValue, sprint, sprintf, sprintln } from './print.js';
import { fromUtf8, goTypeName, isGoInt, isMap, truth, utf8 } from './values.js';

/**
 * How an argument is checked before the call, after Go's parameter types:
 * 'value' is reflect.Value (a missing value stays missing), 'any' is
 * interface{} (missing becomes nil), the rest must match.
 */
export type Param = 'value' | 'any' | 'string' | 'int' | 'strings';

export interface GoFunc {
  readonly params: readonly Param[];
  readonly variadic?: Param;
  // Arguments have been checked against params, so each function may trust them.
  readonly fn: (...args: any[]) => unknown;
}

const isNil = (v: unknown) => v === null || v === undefined;

function length(v: unknown): number {
  if (isNil(v)) throw new Error('len of nil pointer');
  if (typeof v === 'string') return utf8(v).length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw new Error(`len of type ${goTypeName(v)}`);
}

function indexArg(v: unknown, cap: number): number {
  if (isNil(v)) throw new Error('cannot index slice/array with nil');
  if (!isGoInt(v)) throw new Error(`cannot index slice/array with type ${goTypeName(v)}`);
  if (v < 0 || v > cap) throw new Error(`index out of range: ${v}`);
  return v;
}

function index(item: unknown, ...keys: unknown[]): unknown {
  if (isNil(item)) throw new Error('index of untyped nil');
  for (const key of keys) {
    if (isNil(item)) throw new Error('index of nil pointer');
    if (typeof item === 'string' || Array.isArray(item)) {
      const bytes = typeof item === 'string' ? utf8(item) : undefined;
      const len = bytes ? bytes.length : (item as unknown[]).length;
      const x = indexArg(key, len);
      if (x === len) throw new Error('reflect: slice index out of range');
      item = bytes ? bytes[x] : (item as unknown[])[x];
    } else if (isMap(item)) {
      if (typeof key !== 'string') throw new Error(`value has type ${goTypeName(key)}; should be string`);
      // A missing key yields the map's zero value, nil for JSON-like data.
      item = Object.hasOwn(item, key) ? item[key] : undefined;
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  if (isNil(item)) throw new Error('slice of untyped nil');
  if (idx.length > 3) throw new Error(`too many slice indexes: ${idx.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (idx.length === 3) throw new Error('cannot 3-index slice a string');
    len = utf8(item).length;
  } else if (Array.isArray(item)) len = item.length;
  else throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const x = [0, len, len];
  idx.forEach((v, i) => (x[i] = indexArg(v, len)));
  const [lo, hi, max] = x as [number, number, number];
  if (lo > hi) throw new Error(`invalid slice index: ${lo} > ${hi}`);
  if (hi > max) throw new Error(`invalid slice index: ${hi} > ${max}`);
  return typeof item === 'string' ? fromUtf8(utf8(item).subarray(lo, hi)) : (item as unknown[]).slice(lo, hi);
}

type Basic = 'bool' | 'number' | 'string' | undefined;

function basicKind(v: unknown): Basic {
  const t = typeof v;
  if (t === 'bigint') return 'number';
  return t === 'boolean' || t === 'number' || t === 'string' ? (t === 'boolean' ? 'bool' : t) : undefined;
}

/** eq a b c...: true if a equals any of the rest. nil/missing only equals nil/missing. */
function eq(a: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  for (const b of rest) {
    if (isNil(a) || isNil(b)) {
      if (isNil(a) && isNil(b)) return true;
      continue;
    }
    const [k1, k2] = [basicKind(a), basicKind(b)];
    if (k1 !== k2) throw new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
    if (!k1) throw new Error(`non-comparable type ${formatValue(a)}: ${goTypeName(a)}`);
    if (a === b) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const [k1, k2] = [basicKind(a), basicKind(b)];
  if (!k1 || !k2 || k1 === 'bool') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error(`incompatible types for comparison: ${goTypeName(a)} and ${goTypeName(b)}`);
  return (a as number | string) < (b as number | string);
}

/** html/js/urlquery take any values and escape their Sprint. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (isNil(a) ? '<no value>' : a)));
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (isNil(fn)) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function of type ${goTypeName(fn)}`);
  return fn(...args);
}

// strings.Title's word boundaries.
function isSeparator(c: string): boolean {
  if (c.codePointAt(0)! <= 0x7f) return !/[0-9A-Za-z_]/.test(c);
  if (/[\p{L}\p{Nd}]/u.test(c)) return false;
  return /\s/u.test(c);
}

/** Go maps case rune by rune; a JS mapping that grows (ß → SS) is left alone. */
function mapRunes(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

function title(s: string): string {
  let prev = ' ';
  return mapRunes(s, (c) => {
    const r = isSeparator(prev) ? c.toUpperCase() : c;
    prev = c;
    return r;
  });
}

function repeatSpaces(n: number): string {
  if (n < 0) throw new Error('strings: negative Repeat count');
  return ' '.repeat(n);
}

const builtins: Record<string, GoFunc> = {
  // and/or short-circuit, so exec evaluates their arguments itself.
  and: { params: ['value'], variadic: 'value', fn: () => undefined },
  or: { params: ['value'], variadic: 'value', fn: () => undefined },
  not: { params: ['value'], fn: (v: unknown) => !truth(v) },
  len: { params: ['value'], fn: length },
  index: { params: ['value'], variadic: 'value', fn: index },
  slice: { params: ['value'], variadic: 'value', fn: slice },
  eq: { params: ['value'], variadic: 'value', fn: eq },
  ne: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !eq(a, b) },
  lt: { params: ['value', 'value'], fn: lt },
  le: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => lt(a, b) || eq(a, b) },
  gt: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !(lt(a, b) || eq(a, b)) },
  ge: { params: ['value', 'value'], fn: (a: unknown, b: unknown) => !lt(a, b) },
  print: { params: [], variadic: 'any', fn: (...a: unknown[]) => sprint(a) },
  printf: { params: ['string'], variadic: 'any', fn: (f: string, ...a: unknown[]) => sprintf(f, a) },
  println: { params: [], variadic: 'any', fn: (...a: unknown[]) => sprintln(a) },
  html: { params: [], variadic: 'any', fn: (...a: unknown[]) => htmlEscape(evalArgs(a)) },
  js: { params: [], variadic: 'any', fn: (...a: unknown[]) => jsEscape(evalArgs(a)) },
  urlquery: { params: [], variadic: 'any', fn: (...a: unknown[]) => urlQueryEscape(evalArgs(a)) },
  call: { params: ['value'], variadic: 'value', fn: call },
};

const docker: Record<string, GoFunc> = {
  // json.Encoder with SetEscapeHTML(false), trailing newline trimmed; Go also
  // escapes U+2028/U+2029, JSON.stringify does not.
  json: {
    params: ['any'],
    fn: (v: unknown) => (JSON.stringify(v) ?? 'null').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'),
  },
  split: { params: ['string', 'string'], fn: (s: string, sep: string) => (sep === '' ? [...s] : s.split(sep)) },
  join: {
    params: ['strings', 'string'],
    fn: (a: unknown[], sep: string) => a.map((e) => (typeof e === 'string' ? e : formatValue(e))).join(sep),
  },
  title: { params: ['string'], fn: title },
  lower: { params: ['string'], fn: (s: string) => mapRunes(s, (c) => c.toLowerCase()) },
  upper: { params: ['string'], fn: (s: string) => mapRunes(s, (c) => c.toUpperCase()) },
  pad: {
    params: ['string', 'int', 'int'],
    fn: (s: string, before: number, after: number) => (s === '' ? s : repeatSpaces(before) + s + repeatSpaces(after)),
  },
  truncate: {
    params: ['string', 'int'],
    fn: (s: string, n: number) => {
      const b = utf8(s);
      if (b.length < n) return s;
      if (n < 0) throw new Error(`slice bounds out of range [:${n}]`);
      return fromUtf8(b.subarray(0, n));
    },
  },
};

export const FUNCS: ReadonlyMap<string, GoFunc> = new Map(Object.entries({ ...builtins, ...docker }));
