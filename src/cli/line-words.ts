import { UserError } from '../core/errors.js'
import { isPrint, quoteGo } from '../format/gotemplate/escape.js'

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
 * Input as an error message may echo it: what a terminal would act on (control and format
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

/**
 * Splits one line of `apply` into words the way a POSIX shell quotes them, and nothing more:
 * blanks separate words, '…' is literal, "…" is literal but for \" \\ \$ \` , a backslash
 * outside quotes takes the next character as it is, and # at the start of a word begins a
 * comment. No variables, globs, pipes or ;: those characters are just characters.
 */
export function lineWords(line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (ch === '#' && word === undefined) {
      break
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) throw new UserError("unterminated ' quote")
      word = (word ?? '') + line.slice(i + 1, end)
      i = end
    } else if (ch === '"') {
      let text = ''
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) i++
        text += line[i]
      }
      if (i >= line.length) throw new UserError('unterminated " quote')
      word = (word ?? '') + text
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new UserError('a line cannot end with \\ (apply reads one command per line)')
      word = (word ?? '') + line[++i]
    } else {
      word = (word ?? '') + ch
    }
  }
  if (word !== undefined) words.push(word)
  return words
}
