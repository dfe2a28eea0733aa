import { isUtf8 } from 'node:buffer'
import { type Config, Parser } from '@oclif/core'
import { UserError } from '../core/errors.js'
import { shownInput } from '../format/shown.js'
import { lineWords } from './line-words.js'
import { oneLine } from './errors.js'
import type { Operation } from './mutation-commands.js'
import { isMutationCommand } from './operations.js'

/** One line of apply's input, checked and turned into its operations. */
export interface BatchLine {
  /** Counted from 1, as editors count. */
  number: number
  /** The line's words: the command line recorded with its events, as if it had been run alone. */
  argv: string[]
  ops: Operation[]
}

/** How much of a word or line of input an error shows, and of a message echoing it (oclif's, say). */
const SHOWN_WORD = 40
const SHOWN_MESSAGE = 300

/** `line N: message`, with what the message echoes from the input escaped and cut short. */
export function lineError(number: number, message: string): string {
  return `line ${number}: ${shownInput(message, SHOWN_MESSAGE)}`
}

/** The input's lines, split at LF without decoding them. */
function splitLines(input: Buffer): Buffer[] {
  const lines: Buffer[] = []
  let start = 0
  for (let end = input.indexOf(10); end >= 0; start = end + 1, end = input.indexOf(10, start)) lines.push(input.subarray(start, end))
  lines.push(input.subarray(start))
  return lines
}

/**
 * Reads apply's input. Every line that is not blank or a comment is a patchbay command line
 * without the program name, parsed by oclif with that command's own flags and args and turned
 * into operations by the command's own code, so a line means exactly what the command means.
 * All lines are checked before anything is applied: the first bad one throws `line N: …`.
 */
export async function planBatch(input: Buffer, config: Config): Promise<BatchLine[]> {
  const lines: BatchLine[] = []
  const rows = splitLines(input)
  for (let i = 0; i < rows.length; i++) {
    try {
      if (!isUtf8(rows[i]!)) throw new UserError(`not UTF-8 text: "${shownInput(rows[i]!, SHOWN_WORD)}"`)
      const argv = lineWords(rows[i]!.toString('utf8'))
      if (argv.length > 0) lines.push({ number: i + 1, argv, ops: await lineOperations(argv, config) })
    } catch (err) {
      throw new UserError(lineError(i + 1, (err as Error).message))
    }
  }
  return lines
}

async function lineOperations(argv: string[], config: Config): Promise<Operation[]> {
  // Topics are separated by spaces on the command line and by colons in oclif's ids.
  const words = [2, 1].find((n) => argv.length >= n && config.findCommand(argv.slice(0, n).join(':')))
  if (words === undefined) {
    const hint = argv[0] === 'patchbay' || argv[0] === 'sudo' ? ' (write each line without the program name, e.g. network create NAME)' : ''
    const unknown = argv.slice(0, config.findTopic(argv[0]!) ? 2 : 1).join(' ')
    throw new UserError(`unknown command "${shownInput(unknown, SHOWN_WORD)}"${hint}`)
  }
  const name = argv.slice(0, words).join(' ')
  const cls = await config.findCommand(argv.slice(0, words).join(':'))!.load()
  if (!isMutationCommand(cls)) throw new UserError(`${name} cannot be used in apply; it takes ${await mutationCommands(config)}`)
  let parsed
  try {
    parsed = await Parser.parse(argv.slice(words), { flags: cls.flags ?? {}, args: cls.args ?? {}, strict: cls.strict })
  } catch (err) {
    throw new UserError(oneLine(err as Error, `patchbay ${name} --help`))
  }
  return cls.mutation.operations({ argv: parsed.argv as string[], flags: parsed.flags })
}

/** The commands apply takes, with their aliases, as the user types them. */
async function mutationCommands(config: Config): Promise<string> {
  const names = new Set<string>()
  for (const c of config.commands) {
    if (isMutationCommand(await c.load())) for (const id of [c.id, ...c.aliases]) names.add(id.replaceAll(':', ' '))
  }
  return [...names].join(', ')
}
