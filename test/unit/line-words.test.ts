import { describe, expect, it } from 'vitest'
import { lineWords } from '../../src/cli/line-words.js'
import { shownInput } from '../../src/format/shown.js'

describe("apply's line words (shell-like quoting)", () => {
  it('splits on blanks and tabs, skipping blank lines and comments', () => {
    expect(lineWords('  run   --name\tc1 --net=n1  ')).toEqual(['run', '--name', 'c1', '--net=n1'])
    expect(lineWords('')).toEqual([])
    expect(lineWords('   # a comment')).toEqual([])
    expect(lineWords('rm c1 # trailing comment')).toEqual(['rm', 'c1'])
  })

  it('keeps # inside a word, and CRLF line ends are blanks', () => {
    expect(lineWords('network create a#b\r')).toEqual(['network', 'create', 'a#b'])
  })

  it("takes '…' literally and \"…\" with \\\" \\\\ \\$ \\` escapes; quotes join adjacent text", () => {
    expect(lineWords(`network create --label 'team=web ops' n1`)).toEqual(['network', 'create', '--label', 'team=web ops', 'n1'])
    expect(lineWords(`x "a \\"b\\" \\\\ \\$HOME \\n" ''`)).toEqual(['x', 'a "b" \\ $HOME \\n', ''])
    expect(lineWords(`--label=team='a b'"c"d`)).toEqual(['--label=team=a bcd'])
    expect(lineWords(`'it''s'`)).toEqual(['its'])
  })

  it('a backslash outside quotes takes the next character as it is', () => {
    expect(lineWords('a\\ b c\\#d \\#e')).toEqual(['a b', 'c#d', '#e'])
  })

  it('refuses unterminated quotes and a trailing backslash with one-line errors', () => {
    expect(() => lineWords(`run --name 'c1`)).toThrow("unterminated ' quote")
    expect(() => lineWords('run --name "c1')).toThrow('unterminated " quote')
    expect(() => lineWords('run --name c1 \\')).toThrow('a line cannot end with \\')
  })

  it('leaves shell operators and variables alone: they are plain characters', () => {
    expect(lineWords('rm c1 && rm $C2; echo `x` | y')).toEqual(['rm', 'c1', '&&', 'rm', '$C2;', 'echo', '`x`', '|', 'y'])
  })
})

describe('input shown in an error (shownInput)', () => {
  it('escapes control and format characters and bytes that are not UTF-8, as Go\'s %q does', () => {
    expect(shownInput('\x1b[2Jrun\t\x00\x7f\u202eevil\u2028', 80)).toBe('\\x1b[2Jrun\\t\\x00\\x7f\\u202eevil\\u2028')
    expect(shownInput(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff, 0xc3, 0x28, 0xe2, 0x82, 0xac, 0xf0, 0x9f]), 80)).toBe('\\x7fELF\\xff\\xc3(€\\xf0\\x9f')
  })

  it('keeps printable text, quotes and backslashes as they are, so escaping twice changes nothing', () => {
    const text = `network create --label 'a="b"' \\ héllo ✓ 日本 😀`
    expect(shownInput(text, 80)).toBe(text)
    const once = shownInput('\x1b\u202e\\x1b', 80)
    expect(shownInput(once, 80)).toBe(once)
  })

  it('shows at most max characters, then …, reading no further', () => {
    expect(shownInput('a'.repeat(100), 10)).toBe(`${'a'.repeat(10)}…`)
    expect(shownInput('😀'.repeat(100), 3)).toBe('😀😀😀…')
    expect(shownInput('\x00'.repeat(5), 3)).toBe('\\x00\\x00\\x00…')
    expect(shownInput('a'.repeat(10), 10)).toBe('a'.repeat(10))
    expect(shownInput('x'.repeat(50_000_000), 5)).toBe('xxxxx…')
  })
})

