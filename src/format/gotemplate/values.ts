// How JS values stand in for Go values.
//
// The data is plain JSON-like JS: objects play both Go maps and structs,
// arrays are slices, `null` is a nil value and `undefined` is Go's invalid
// reflect.Value (a missing map key), which prints as `<no value>`.
// JS has one number type, so integral numbers act as Go `int` (what docker's
// structs hold) and the rest as `float64`.

/** A function stored under this symbol acts as the value's Go String() method. */
export const GO_STRING: unique symbol = Symbol.for('go.String');

export type Obj = Record<string, unknown>;

export function isGoInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63;
}

/** A Go map (or struct): any non-array object. */
export function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's type name for the value, as seen through JSON-decoded data. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return isGoInt(v) ? 'int' : 'float64';
    case 'function':
      return 'func()';
    case 'object':
      return 'map[string]interface {}';
    default:
      return typeof v;
  }
}

/** Go's template truth: empty values and zero are false. */
export function truth(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.length > 0;
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'object':
      return Object.keys(v).length > 0;
    default:
      return true;
  }
}

/** The value's String() method, if it has one. */
export function stringerOf(v: unknown): (() => unknown) | undefined {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return undefined;
  const fn = (v as { [GO_STRING]?: unknown })[GO_STRING];
  return typeof fn === 'function' ? (fn as () => unknown) : undefined;
}

/** Go iterates and prints maps in sorted key order. */
export function sortedKeys(o: Obj): string[] {
  return Object.keys(o).sort();
}

const BUILTIN_PROTOS = new Set<unknown>([Object.prototype, Array.prototype, Function.prototype, null]);

export type FieldLookup = { method: (...args: unknown[]) => unknown } | { value: unknown } | undefined;

/**
 * `.Name` on an object. Functions (or getters) on a class prototype are Go
 * methods, so `.Label "k"` can call them; own properties are plain fields, so
 * an own function-valued property is a func value for `call`, as in Go.
 */
export function lookupField(recv: object, name: string): FieldLookup {
  if (Object.hasOwn(recv, name)) return { value: (recv as Obj)[name] };
  for (let p: unknown = Object.getPrototypeOf(recv); !BUILTIN_PROTOS.has(p); p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p as object, name);
    if (!d || name === 'constructor') continue;
    if (d.get) return { value: d.get.call(recv) };
    if (typeof d.value === 'function') return { method: (...a) => (d.value as (...x: unknown[]) => unknown).apply(recv, a) };
    return { value: d.value };
  }
  return undefined;
}

// Go strings are bytes: len, slice, index and truncate count UTF-8 bytes.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}
