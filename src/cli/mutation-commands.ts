import { UserError } from '../core/errors.js'
import type { ServiceContext } from '../services/context.js'
import type { FlagSpecs } from './flag-spec.js'

/** One change a command line asks for: a service call, and what the command prints once it is made. */
export interface Operation {
  /** Makes the change; resolves with what the command prints: an ID, a name, or nothing. */
  run(cx: ServiceContext): Promise<string>
}

/** A parsed command line of a mutating command: positional arguments and flags by spec name. */
export interface MutationInput {
  argv: string[]
  flags: Record<string, string | boolean | number | string[] | undefined>
}

/**
 * A command that changes things, written without oclif so that the fast path (src/fast.ts),
 * the oclif command and each line of `apply` run the same code with the same flags. It turns
 * a command line into typed service calls (src/services/), each its own change, checking what
 * it can before any is made (apply checks every line first).
 */
export interface MutationCommand {
  flags: FlagSpecs
  /** How many positional arguments it takes. */
  args: { min: number; max: number }
  operations(input: MutationInput): Promise<Operation[]>
}

const str = (v: unknown) => v as string | undefined
const list = (v: unknown) => (v as string[] | undefined) ?? []

/** A repeatable address flag split by family, as docker pairs --subnet, --gateway and --ip-range: at most one IPv4 and one IPv6. */
function byFamily(flag: string, values: string[]): [string | undefined, string | undefined] {
  const v6 = values.filter((x) => x.includes(':'))
  const v4 = values.filter((x) => !x.includes(':'))
  if (v4.length > 1 || v6.length > 1) throw new UserError(`${flag} given ${values.length} times: at most one IPv4 and one IPv6 (${values.join(', ')})`)
  return [v4[0], v6[0]]
}

export const networkCreate: MutationCommand = {
  flags: {
    driver: { type: 'string', short: 'd', default: 'bridge', description: 'driver to manage the network' },
    subnet: { type: 'string', multiple: true, description: 'subnet in CIDR format (one IPv4, and one IPv6 with --ipv6)' },
    gateway: { type: 'string', multiple: true, description: 'gateway for the subnet of its family (default: its first address)' },
    'ip-range': { type: 'string', multiple: true, description: 'allocate container addresses from a sub-range (one per family)' },
    ipv6: { type: 'boolean', description: 'enable IPv6 beside IPv4 (give an IPv6 --subnet)' },
    internal: { type: 'boolean', description: 'restrict external access to the network' },
    attachable: { type: 'boolean', description: 'enable manual container attachment' },
    label: { type: 'string', multiple: true, description: 'set metadata on the network (k=v)' },
    opt: { type: 'string', short: 'o', multiple: true, description: 'driver options (k=v)' },
  },
  args: { min: 1, max: 1 },
  async operations({ argv, flags }) {
    const { parseKeyValues } = await import('../core/names.js')
    const { createNetwork } = await import('../services/networks.js')
    const [subnet, subnet6] = byFamily('--subnet', list(flags.subnet))
    const [gateway, gateway6] = byFamily('--gateway', list(flags.gateway))
    const [ipRange, ipRange6] = byFamily('--ip-range', list(flags['ip-range']))
    const req = {
      name: argv[0]!,
      driver: str(flags.driver) ?? 'bridge',
      subnet,
      gateway,
      ipRange,
      ipv6: flags.ipv6 === true,
      subnet6,
      gateway6,
      ipRange6,
      internal: flags.internal === true,
      attachable: flags.attachable === true,
      labels: parseKeyValues('--label', list(flags.label)),
      options: parseKeyValues('--opt', list(flags.opt)),
    }
    return [{ run: async (cx) => `${(await createNetwork(cx, req)).id}\n` }]
  },
}

/** One removal per name, each printing the name once it is gone. */
export const networkRm: MutationCommand = {
  flags: {},
  args: { min: 1, max: Infinity },
  async operations({ argv }) {
    const { removeNetwork } = await import('../services/networks.js')
    return argv.map((ref) => ({ run: async (cx) => (await removeNetwork(cx, ref), `${ref}\n`) }))
  },
}

export const networkConnect: MutationCommand = {
  flags: {
    ip: { type: 'string', description: 'IPv4 address' },
    ip6: { type: 'string', description: 'IPv6 address (on a network with IPv6)' },
    alias: { type: 'string', multiple: true, description: 'add a network-scoped alias for the container' },
  },
  args: { min: 2, max: 2 },
  async operations({ argv, flags }) {
    const { connect } = await import('../services/networks.js')
    const req = { network: argv[0]!, container: argv[1]!, ip: str(flags.ip), ip6: str(flags.ip6), aliases: list(flags.alias) }
    return [{ run: async (cx) => (await connect(cx, req), '') }]
  },
}

export const networkDisconnect: MutationCommand = {
  flags: {
    force: { type: 'boolean', short: 'f', description: 'remove the endpoint even if the kernel refuses to tear it down (e.g. its namespace is gone)' },
  },
  args: { min: 2, max: 2 },
  async operations({ argv, flags }) {
    const { disconnect } = await import('../services/networks.js')
    const req = { network: argv[0]!, container: argv[1]!, force: flags.force === true }
    return [{ run: async (cx) => (await disconnect(cx, req), '') }]
  },
}

export const containerCreate: MutationCommand = {
  flags: {
    name: { type: 'string', description: 'assign a name to the container' },
    network: { type: 'string', aliases: ['net'], default: 'bridge', description: 'connect the container to a network' },
    ip: { type: 'string', description: 'IPv4 address on that network' },
    ip6: { type: 'string', description: 'IPv6 address on that network (one with IPv6)' },
    alias: { type: 'string', aliases: ['network-alias'], multiple: true, description: 'network-scoped alias' },
    netns: { type: 'string', description: 'adopt an existing network namespace at this path instead of creating one' },
    pid: { type: 'integer', description: 'adopt the network namespace of this process instead of creating one' },
    publish: { type: 'string', short: 'p', multiple: true, description: "publish a container's port to the host: [HOSTIP:][HOSTPORT:]PORT[/tcp|udp]" },
  },
  args: { min: 0, max: 0 },
  async operations({ flags }) {
    const { adoptedNetns } = await import('../app/host-facts.js')
    const { runContainer } = await import('../services/containers.js')
    const { parsePublish } = await import('../core/ports.js')
    // The namespace to adopt is looked up now: apply refuses a line naming none before anything changes.
    const req = {
      name: str(flags.name),
      network: str(flags.network) ?? 'bridge',
      ip: str(flags.ip),
      ip6: str(flags.ip6),
      aliases: list(flags.alias),
      adopt: adoptedNetns({ netns: str(flags.netns), pid: flags.pid as number | undefined }),
      publish: list(flags.publish).flatMap(parsePublish),
    }
    return [{ run: async (cx) => `${(await runContainer(cx, req)).id}\n` }]
  },
}

/** One removal per name, each printing the name once it is gone. */
export const containerRm: MutationCommand = {
  flags: {
    force: { type: 'boolean', short: 'f', description: 'remove even if the kernel refuses part of the teardown' },
  },
  args: { min: 1, max: Infinity },
  async operations({ argv, flags }) {
    const { removeContainer } = await import('../services/containers.js')
    return argv.map((ref) => ({ run: async (cx) => (await removeContainer(cx, ref, flags.force === true), `${ref}\n`) }))
  },
}
