import { describe, expect, it } from 'vitest'
import { lineWords } from '../../src/cli/line-words.js'

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
