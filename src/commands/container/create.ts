import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import type { Operation, ParsedLine } from '../../cli/operations.js'

export default class ContainerCreate extends PatchbayCommand {
  static description = 'Create a container (a network namespace) and connect it to a network'
  static aliases = ['run', 'container:run']
  static needsRoot = true
  static examples = [
    '<%= config.bin %> run --name container1',
    '<%= config.bin %> run --net isolated_nw --name container3',
    '<%= config.bin %> run --name web --netns /run/netns/web   # adopt a namespace made by another runtime',
    '<%= config.bin %> run --name app --pid 4242               # adopt the namespace of a running process',
  ]
  static flags = {
    name: Flags.string({ description: 'assign a name to the container' }),
    network: Flags.string({ aliases: ['net'], description: 'connect the container to a network', default: 'bridge' }),
    ip: Flags.string({ description: 'IPv4 address on that network' }),
    alias: Flags.string({ aliases: ['network-alias'], description: 'network-scoped alias', multiple: true, multipleNonGreedy: true, default: [] }),
    netns: Flags.string({ description: 'adopt an existing network namespace at this path instead of creating one' }),
    pid: Flags.integer({ description: 'adopt the network namespace of this process instead of creating one' }),
  }

  static async operations({ flags }: ParsedLine<typeof ContainerCreate>): Promise<Operation[]> {
    const { adoptedNetns } = await import('../../app/host-facts.js')
    const { decideContainerCreate } = await import('../../core/container-create.js')
    const req = {
      name: flags.name,
      network: flags.network,
      ip: flags.ip,
      aliases: flags.alias,
      adopt: adoptedNetns({ netns: flags.netns, pid: flags.pid }),
    }
    return [
      {
        command: 'run',
        decide: (ctx) => decideContainerCreate(req, ctx),
        output: ([created]) => `${created.type === 'ContainerCreated' ? created.payload.id : ''}\n`,
      },
    ]
  }

  async run(): Promise<void> {
    const parsed = await this.parse(ContainerCreate)
    await this.applyOperations(parsed.flags.root, await ContainerCreate.operations(parsed))
  }
}
