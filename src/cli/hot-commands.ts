import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_ROOT } from '../config/paths.js'
import { type FlagSpecs, GLOBAL_FLAGS } from './flag-spec.js'
import type { Io } from './io.js'
import { COMMAND_TABLE, spoken } from './command-table.js'
import type { ReadCommand } from './read-commands.js'
import type { MutationCommand } from './mutation-commands.js'
import { formatError } from './errors.js'

/**
 * The commands people run in loops and scripts (listing, inspecting, creating, connecting),
 * parsed and run without oclif, which costs more than Node itself to load: by the fast path
 * (src/fast.ts) and by the daemon (src/daemon/). Anything else, and anything unusual about
 * these (--help, a flag it does not know, a missing argument, a bad number), goes to oclif,
 * which prints the proper help or error.
 */
interface Hot {
  flags: FlagSpecs
  args: { min: number; max: number }
  run(root: string, argv: string[], flags: Record<string, unknown>, io: Io): Promise<void>
}

const read = (cmd: ReadCommand): Hot => ({
  ...cmd,
  run: async (root, argv, flags, io) => io.out(await cmd.run({ root, state: io.state, argv, flags: flags as never })),
})

/** A mutation, named as oclif names it (`run` is `container create`) in its messages. */
const mutation = (name: string, cmd: MutationCommand): Hot => ({
  ...cmd,
  run: async (root, argv, flags, io) => (await import('./operations.js')).runMutation(name, cmd, root, { argv, flags: flags as never }, io),
})

/**
 * The hot commands by every name a user types (`network ls`, `network list`, `ps`), from the
 * command table. A Map, not an object: `patchbay constructor` must not find Object.prototype's.
 */
const HOT = new Map<string, Hot>(
  Object.entries(COMMAND_TABLE).flatMap(([id, entry]: [string, { aliases?: readonly string[]; read?: ReadCommand; mutation?: MutationCommand }]) => {
    const hot = entry.read ? read(entry.read) : entry.mutation ? mutation(spoken(id), entry.mutation) : undefined
    return hot ? [id, ...(entry.aliases ?? [])].map((name) => [spoken(name), hot] as const) : []
  }),
)

function match(argv: string[]): [string, Hot, string[]] | undefined {
  const two = `${argv[0]} ${argv[1]}`
  const byTwo = argv.length >= 2 ? HOT.get(two) : undefined
  if (byTwo) return [two, byTwo, argv.slice(2)]
  const one = argv[0] ?? ''
  const byOne = HOT.get(one)
  return byOne ? [one, byOne, argv.slice(1)] : undefined
}

/**
 * Parses with node:util the way oclif would with the same specs; undefined when it cannot be
 * sure of giving oclif's answer (then oclif parses, and prints its own error if any).
 */
function parse(specs: FlagSpecs, args: string[]): { values: Record<string, unknown>; positionals: string[] } | undefined {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {}
  const canonical = new Map<string, string>()
  for (const [name, s] of Object.entries(specs)) {
    const type = s.type === 'boolean' ? 'boolean' : 'string'
    options[name] = { type, ...(s.short ? { short: s.short } : {}) }
    for (const alias of [name, ...(s.aliases ?? [])]) {
      options[alias] ??= { type }
      canonical.set(alias, name)
    }
  }
  let parsed
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true })
  } catch {
    return undefined
  }
  // From the tokens, in order: every spelling of a flag counts as that flag.
  const given = new Map<string, string[]>()
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue
    const name = canonical.get(t.name)!
    given.set(name, [...(given.get(name) ?? []), t.value ?? ''])
  }
  const values: Record<string, unknown> = {}
  for (const [name, s] of Object.entries(specs)) {
    const seen = given.get(name)
    if (s.multiple) {
      values[name] = seen ?? []
      continue
    }
    // oclif refuses a flag given twice ("can only be specified once").
    if (seen && seen.length > 1) return undefined
    if (s.type === 'boolean') {
      values[name] = seen ? true : undefined
      continue
    }
    const value = seen?.[0] ?? s.default
    if (s.type === 'integer' && value !== undefined) {
      if (!/^-?\d+$/.test(value)) return undefined
      values[name] = Number(value)
    } else {
      values[name] = value
    }
  }
  return { values, positionals: parsed.positionals }
}

/** A hot command line, parsed: the state root it acts on, and how to run it. */
export interface HotCall {
  /** The command as typed: `network ls`, `run`. */
  name: string
  /** Absolute, as the command will open it. */
  root: string
  /** Runs the command, printing to `io`; resolves with its exit code. */
  run(io: Io): Promise<number>
}

/**
 * Parses argv if it is a hot command (PATCHBAY_ROOT from `env`, a relative root from `cwd`);
 * undefined means "not mine, hand it to oclif".
 */
export function hotCall(argv: string[], env: Record<string, string | undefined>, cwd: string): HotCall | undefined {
  const found = match(argv)
  if (!found || argv.includes('--help') || argv.includes('-h')) return undefined
  const [name, command, rest] = found
  const parsed = parse({ ...GLOBAL_FLAGS, ...command.flags }, rest)
  if (!parsed) return undefined
  const { values, positionals } = parsed
  if (positionals.length < command.args.min || positionals.length > command.args.max) return undefined
  const root = (values.root as string | undefined) ?? env.PATCHBAY_ROOT ?? DEFAULT_ROOT
  return {
    name,
    root: resolve(cwd, root),
    run: async (io) => {
      try {
        await command.run(root, positionals, values, io)
        return 0
      } catch (err) {
        io.err(`${formatError(err as Error, values.debug === true)}\n`)
        return 1
      }
    },
  }
}

/**
 * Build time only (scripts/bundle.mjs) and the daemon's start: loads the modules the hot commands use, so that V8's
 * code cache made afterwards holds their compiled code too, not only the bundle's top level.
 */
export async function loadHotModules(): Promise<void> {
  await Promise.all([
    import('../app/state.js'),
    import('../app/mutate.js'),
    import('../app/host-facts.js'),
    import('./operations.js'),
    import('../core/connect.js'),
    import('../core/disconnect.js'),
    import('../core/container-create.js'),
    import('../core/container-remove.js'),
    import('../core/network-create.js'),
    import('../core/network-remove.js'),
    import('../core/names.js'),
    import('../format/table.js'),
    import('../format/filters.js'),
    import('../format/template-output.js'),
    import('../format/network-inspect.js'),
    import('../format/container-inspect.js'),
  ])
}
