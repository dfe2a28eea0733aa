import { isPrint, quoteGo } from './gotemplate/escape.js'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The character whose UTF-8 encoding starts at bytes[i], or undefined if the bytes there are not UTF-8. */
function charAt(bytes: Uint8Array, i: number): string | undefined {
  const lead = bytes[i]!
  const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2
  try {
    return strictUtf8.decode(bytes.subarray(i, i + length))
  } catch {
    return undefined
  }
}

/**
 * Text from outside (input an error message echoes, a value recorded in the log): what a terminal would act on (control and format
 * characters) and bytes that are not UTF-8 as Go's %q writes them (\x1b, \u202e, \xff), at
 * most `max` characters then "…". Quotes and backslashes stay as they are, so escaping twice
 * changes nothing.
 */
export function shownInput(input: string | Uint8Array, max: number): string {
  // Only the first max characters are shown, and none takes more than two UTF-16 units.
  const bytes = typeof input === 'string' ? Buffer.from(input.slice(0, 2 * max + 2)) : input
  let out = ''
  for (let i = 0, count = 0; i < bytes.length; count++) {
    if (count === max) return `${out}…`
    const c = charAt(bytes, i)
    if (c === undefined) out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`
    else out += isPrint(c) ? c : quoteGo(c).slice(1, -1)
    i += c === undefined ? 1 : Buffer.byteLength(c)
  }
  return out
}

