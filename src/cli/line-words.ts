import { UserError } from '../core/errors.js'

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
