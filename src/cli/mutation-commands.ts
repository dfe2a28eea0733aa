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

export const networkCreate: MutationCommand = {
  flags: {
    driver: { type: 'string', short: 'd', default: 'bridge', description: 'driver to manage the network' },
    subnet: { type: 'string', description: 'subnet in CIDR format' },
    gateway: { type: 'string', description: 'IPv4 gateway for the subnet (default: its first address)' },
    'ip-range': { type: 'string', description: 'allocate container addresses from a sub-range' },
    internal: { type: 'boolean', description: 'restrict external access to the network' },
    attachable: { type: 'boolean', description: 'enable manual container attachment' },
    label: { type: 'string', multiple: true, description: 'set metadata on the network (k=v)' },
    opt: { type: 'string', short: 'o', multiple: true, description: 'driver options (k=v)' },
  },
  args: { min: 1, max: 1 },
  async operations({ argv, flags }) {
    const { parseKeyValues } = await import('../core/names.js')
    const { createNetwork } = await import('../services/networks.js')
    const req = {
      name: argv[0]!,
      driver: str(flags.driver) ?? 'bridge',
      subnet: str(flags.subnet),
      gateway: str(flags.gateway),
      ipRange: str(flags['ip-range']),
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
    alias: { type: 'string', multiple: true, description: 'add a network-scoped alias for the container' },
  },
  args: { min: 2, max: 2 },
  async operations({ argv, flags }) {
    const { connect } = await import('../services/networks.js')
    const req = { network: argv[0]!, container: argv[1]!, ip: str(flags.ip), aliases: list(flags.alias) }
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
    alias: { type: 'string', aliases: ['network-alias'], multiple: true, description: 'network-scoped alias' },
    netns: { type: 'string', description: 'adopt an existing network namespace at this path instead of creating one' },
    pid: { type: 'integer', description: 'adopt the network namespace of this process instead of creating one' },
  },
  args: { min: 0, max: 0 },
  async operations({ flags }) {
    const { adoptedNetns } = await import('../app/host-facts.js')
    const { runContainer } = await import('../services/containers.js')
    // The namespace to adopt is looked up now: apply refuses a line naming none before anything changes.
    const req = {
      name: str(flags.name),
      network: str(flags.network) ?? 'bridge',
      ip: str(flags.ip),
      aliases: list(flags.alias),
      adopt: adoptedNetns({ netns: str(flags.netns), pid: flags.pid as number | undefined }),
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
