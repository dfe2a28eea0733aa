import { UserError } from '../core/errors.js'
import type { StateQueries } from '../projections/queries.js'
import { AT_FLAG, type FlagSpecs } from './flag-spec.js'
import { type StateSource, withState } from './state-access.js'

/** Parsed input of a read command: its flags (by spec name) and positional arguments. */
export interface ReadInput {
  root: string
  /** Where the state comes from (see Io.state). */
  state: StateSource
  argv: string[]
  flags: Record<string, string | boolean | string[] | undefined>
}

/**
 * A command that only shows state. Written without oclif so that the fast path (src/fast.ts)
 * can run it with the same flags, the same code and the same output as the oclif command.
 */
export interface ReadCommand {
  flags: FlagSpecs
  /** How many positional arguments it takes. */
  args: { min: number; max: number }
  run(input: ReadInput): Promise<string>
}

const FORMAT = { type: 'string', description: 'format output using a Go template' } as const

/**
 * inspect: one view per reference, printed as a JSON array like docker's or one line per
 * object with --format. `viewer` prepares the lookups for a state and returns the per-ref step.
 */
async function inspectRefs(input: ReadInput, viewer: (state: StateQueries) => (ref: string) => unknown): Promise<string> {
  const views = await withState(input.state, input.root, input.flags.at as string | undefined, (state) => input.argv.map(viewer(state)))
  const format = input.flags.format as string | undefined
  if (format) return (await import('../format/template-output.js')).renderTemplateLines(format, views)
  return (await import('../format/table.js')).renderJsonArray(views)
}

export const networkLs: ReadCommand = {
  flags: {
    quiet: { type: 'boolean', short: 'q', description: 'only display network IDs' },
    'no-trunc': { type: 'boolean', description: 'do not truncate the output' },
    filter: { type: 'string', short: 'f', multiple: true, description: 'filter output (name=, id=, driver=, label=, scope=, type=)' },
    format: FORMAT,
    at: AT_FLAG,
  },
  args: { min: 0, max: 0 },
  async run({ root, state: source, flags }) {
    const { parseFilters, networkMatches, NETWORK_FILTERS } = await import('../format/filters.js')
    const filters = parseFilters((flags.filter as string[] | undefined) ?? [], NETWORK_FILTERS)
    const nets = await withState(source, root, flags.at as string | undefined, (state) => state.networks().filter((n) => networkMatches(n, filters)))
    const noTrunc = flags['no-trunc'] === true
    if (flags.quiet) return nets.map((n) => `${noTrunc ? n.id : n.id.slice(0, 12)}\n`).join('')
    const { networkListView } = await import('../format/network-inspect.js')
    const views = nets.map((n) => networkListView(n, noTrunc))
    if (flags.format) return (await import('../format/template-output.js')).renderTemplateLines(flags.format as string, views)
    return (await import('../format/table.js')).renderTable(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], views.map((v) => [v.ID, v.Name, v.Driver, v.Scope]))
  },
}

export const networkInspect: ReadCommand = {
  flags: { format: { ...FORMAT, short: 'f' }, at: AT_FLAG },
  args: { min: 1, max: Infinity },
  async run(input) {
    const { networkInspectView } = await import('../format/network-inspect.js')
    return inspectRefs(input, (state) => {
      const hosts = state.hosts()
      return (ref) => {
        const net = state.findNetwork(ref)
        if (!net) throw new UserError(`network ${ref} not found`)
        return networkInspectView(net, state.endpointsOfNetwork(net.id), hosts)
      }
    })
  },
}

export const containerLs: ReadCommand = {
  flags: {
    quiet: { type: 'boolean', short: 'q', description: 'only display container IDs' },
    'no-trunc': { type: 'boolean', description: 'do not truncate the output' },
    format: FORMAT,
    at: AT_FLAG,
  },
  args: { min: 0, max: 0 },
  async run({ root, state: source, flags }) {
    const noTrunc = flags['no-trunc'] === true
    const views = await withState(source, root, flags.at as string | undefined, (state) => {
      const names = new Map(state.networks().map((n) => [n.id, n.name]))
      return state.containers().map((c) => {
        const eps = state.endpointsOfContainer(c.id)
        return {
          ID: noTrunc ? c.id : c.id.slice(0, 12),
          Names: c.name,
          Networks: eps.map((e) => names.get(e.networkId)).join(','),
          CreatedAt: c.created,
          Ports: c.ports,
          V6: eps.some((e) => e.defaultRoute && e.ipv6 !== null),
        }
      })
    })
    if (flags.quiet) return views.map((v) => `${v.ID}\n`).join('')
    const { portsColumn } = await import('../format/ports.js')
    const shown = views.map(({ V6, ...v }) => ({ ...v, Ports: portsColumn(v.Ports, V6) }))
    if (flags.format) return (await import('../format/template-output.js')).renderTemplateLines(flags.format as string, shown)
    return (await import('../format/table.js')).renderTable(['CONTAINER ID', 'PORTS', 'NAMES', 'NETWORKS'], shown.map((v) => [v.ID, v.Ports, v.Names, v.Networks]))
  },
}

export const containerPort: ReadCommand = {
  flags: { at: AT_FLAG },
  args: { min: 1, max: 2 },
  async run({ root, state: source, argv, flags }) {
    const [ref, asked] = argv as [string, string | undefined]
    const only = asked === undefined ? undefined : parsePortProto(asked)
    const found = await withState(source, root, flags.at as string | undefined, (state) => {
      const c = state.findContainer(ref)
      return c && { c, v6: state.endpointsOfContainer(c.id).some((e) => e.defaultRoute && e.ipv6 !== null) }
    })
    if (!found) throw new UserError(`No such container: ${ref}`)
    const { c, v6 } = found
    const lines = (await import('../format/ports.js')).portLines(c.ports, v6, only)
    if (only && lines.length === 0) throw new UserError(`No public port '${only.port}/${only.proto}' published for ${c.name}`)
    return lines.map((l) => `${l}\n`).join('')
  },
}

/** "80" or "80/udp", as `docker port` takes it. */
function parsePortProto(text: string): { port: number; proto: string } {
  const m = /^(\d{1,5})(?:\/(tcp|udp))?$/.exec(text)
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) throw new UserError(`invalid port ${JSON.stringify(text)}: expected PORT or PORT/tcp or PORT/udp`)
  return { port: Number(m[1]), proto: m[2] ?? 'tcp' }
}

export const containerInspect: ReadCommand = {
  flags: { format: { ...FORMAT, short: 'f' }, at: AT_FLAG },
  args: { min: 1, max: Infinity },
  async run(input) {
    const { containerInspectView } = await import('../format/container-inspect.js')
    return inspectRefs(input, (state) => {
      const networks = new Map(state.networks().map((n) => [n.id, n]))
      return (ref) => {
        const c = state.findContainer(ref)
        if (!c) throw new UserError(`No such container: ${ref}`)
        return containerInspectView(c, state.endpointsOfContainer(c.id), networks)
      }
    })
  },
}
