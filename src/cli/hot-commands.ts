import { parseArgs } from 'node:util'
import { DEFAULT_ROOT } from './config/paths.js'
import { type FlagSpecs, GLOBAL_FLAGS } from './cli/flag-spec.js'
import { type ReadCommand, containerInspect, containerLs, networkInspect, networkLs } from './cli/read-commands.js'
import { type MutationCommand, containerCreate, containerRm, networkConnect, networkCreate, networkDisconnect, networkRm } from './cli/mutation-commands.js'
import { formatError } from './cli/errors.js'

/**
 * The fast path (dist/fast.cjs, CommonJS: Node's ESM loader alone costs ~15 ms). The commands
 * people run in loops and scripts (listing, inspecting, creating, connecting) start without
 * oclif, which costs more than Node itself. Anything else, and anything unusual about these
 * (--help, a flag it does not know, a missing argument, a bad number), goes to oclif, which
 * prints the proper help or error.
 */
interface Hot {
  flags: FlagSpecs
  args: { min: number; max: number }
  run(root: string, argv: string[], flags: Record<string, unknown>): Promise<void>
}

const read = (cmd: ReadCommand): Hot => ({
  ...cmd,
  run: async (root, argv, flags) => void process.stdout.write(await cmd.run({ root, argv, flags: flags as never })),
})

/** A mutation, named as oclif names it (`run` is `container create`) in its messages. */
const mutation = (name: string, cmd: MutationCommand): Hot => ({
  ...cmd,
  run: async (root, argv, flags) => (await import('./cli/operations.js')).runMutation(name, cmd, root, { argv, flags: flags as never }),
})

const HOT: Record<string, Hot> = {
  'network ls': read(networkLs),
  'network list': read(networkLs),
  'network inspect': read(networkInspect),
  'container ls': read(containerLs),
  'container list': read(containerLs),
  'container ps': read(containerLs),
  ps: read(containerLs),
  'container inspect': read(containerInspect),
  inspect: read(containerInspect),
  'network create': mutation('network create', networkCreate),
  'network rm': mutation('network rm', networkRm),
  'network remove': mutation('network rm', networkRm),
  'network connect': mutation('network connect', networkConnect),
  'network disconnect': mutation('network disconnect', networkDisconnect),
  'container create': mutation('container create', containerCreate),
  'container run': mutation('container create', containerCreate),
  run: mutation('container create', containerCreate),
  'container rm': mutation('container rm', containerRm),
  'container remove': mutation('container rm', containerRm),
  rm: mutation('container rm', containerRm),
}

function match(argv: string[]): [Hot, string[]] | undefined {
  const two = HOT[`${argv[0]} ${argv[1]}`]
  if (two && argv.length >= 2) return [two, argv.slice(2)]
  const one = HOT[argv[0] ?? '']
  return one ? [one, argv.slice(1)] : undefined
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

/** Runs argv if it is a hot command; false means "not mine, hand it to oclif". */
export async function main(argv: string[]): Promise<boolean> {
  const found = match(argv)
  if (!found || argv.includes('--help') || argv.includes('-h')) return false
  const [command, rest] = found
  const parsed = parse({ ...GLOBAL_FLAGS, ...command.flags }, rest)
  if (!parsed) return false
  const { values, positionals } = parsed
  if (positionals.length < command.args.min || positionals.length > command.args.max) return false
  const root = (values.root as string | undefined) ?? process.env.PATCHBAY_ROOT ?? DEFAULT_ROOT
  try {
    await command.run(root, positionals, values)
  } catch (err) {
    process.stderr.write(`${formatError(err as Error, values.debug === true)}\n`)
    process.exitCode = 1
  }
  return true
}

/**
 * Build time only (scripts/bundle.mjs): loads the modules the hot commands use, so that V8's
 * code cache made afterwards holds their compiled code too, not only the bundle's top level.
 */
export async function loadHotModules(): Promise<void> {
  await Promise.all([
    import('./app/state.js'),
    import('./app/mutate.js'),
    import('./app/host-facts.js'),
    import('./cli/operations.js'),
    import('./core/connect.js'),
    import('./core/disconnect.js'),
    import('./core/container-create.js'),
    import('./core/container-remove.js'),
    import('./core/network-create.js'),
    import('./core/network-remove.js'),
    import('./core/names.js'),
    import('./format/table.js'),
    import('./format/filters.js'),
    import('./format/template-output.js'),
    import('./format/network-inspect.js'),
    import('./format/container-inspect.js'),
  ])
}
