import { parseArgs } from 'node:util'
import { DEFAULT_ROOT } from './config/paths.js'
import { GLOBAL_FLAGS } from './cli/flag-spec.js'
import { type ReadCommand, type ReadInput, containerInspect, containerLs, networkInspect, networkLs } from './cli/read-commands.js'
import { formatError } from './cli/errors.js'

/**
 * The fast path (dist/fast.cjs, CommonJS: Node's ESM loader alone costs ~15 ms). The commands
 * people run in loops and scripts (listing and inspecting) start without oclif, which costs
 * more than Node itself. Anything else, and anything unusual about these (--help, a flag it
 * does not know, a missing argument), goes to oclif, which prints the proper help or error.
 */
const HOT: Record<string, ReadCommand> = {
  'network ls': networkLs,
  'network list': networkLs,
  'network inspect': networkInspect,
  'container ls': containerLs,
  'container list': containerLs,
  'container ps': containerLs,
  ps: containerLs,
  'container inspect': containerInspect,
  inspect: containerInspect,
}

function match(argv: string[]): [ReadCommand, string[]] | undefined {
  const two = HOT[`${argv[0]} ${argv[1]}`]
  if (two && argv.length >= 2) return [two, argv.slice(2)]
  const one = HOT[argv[0] ?? '']
  return one ? [one, argv.slice(1)] : undefined
}

/** Runs argv if it is a hot command; false means "not mine, hand it to oclif". */
export async function main(argv: string[]): Promise<boolean> {
  const found = match(argv)
  if (!found || argv.includes('--help') || argv.includes('-h')) return false
  const [command, rest] = found
  const options = Object.fromEntries(
    Object.entries({ ...GLOBAL_FLAGS, ...command.flags }).map(([name, s]) => [
      name,
      { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) },
    ]),
  )
  let parsed
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true })
  } catch {
    return false
  }
  const { values, positionals } = parsed
  if (positionals.length < command.args.min || positionals.length > command.args.max) return false
  const root = (values.root as string | undefined) ?? process.env.PATCHBAY_ROOT ?? DEFAULT_ROOT
  try {
    process.stdout.write(await command.run({ root, argv: positionals, flags: values as ReadInput['flags'] }))
  } catch (err) {
    process.stderr.write(`${formatError(err as Error, values.debug === true)}\n`)
    process.exitCode = 1
  }
  return true
}
