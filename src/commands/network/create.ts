import { Args, Flags } from '@oclif/core'
import type { HostFacts } from '../../app/host-facts.js'
import { PatchbayCommand } from '../../cli/base.js'
import type { Operation, ParsedLine } from '../../cli/operations.js'

export default class NetworkCreate extends PatchbayCommand {
  static description = 'Create a network'
  static needsRoot = true
  static examples = [
    '<%= config.bin %> network create isolated_nw',
    '<%= config.bin %> network create -d bridge --subnet 10.10.0.0/16 --gateway 10.10.0.254 --label team=db backend',
  ]
  static args = { name: Args.string({ required: true, description: 'network name' }) }
  static flags = {
    driver: Flags.string({ char: 'd', description: 'driver to manage the network', default: 'bridge' }),
    subnet: Flags.string({ description: 'subnet in CIDR format' }),
    gateway: Flags.string({ description: 'IPv4 gateway for the subnet (default: its first address)' }),
    'ip-range': Flags.string({ description: 'allocate container addresses from a sub-range' }),
    internal: Flags.boolean({ description: 'restrict external access to the network' }),
    attachable: Flags.boolean({ description: 'enable manual container attachment' }),
    label: Flags.string({ description: 'set metadata on the network (k=v)', multiple: true, multipleNonGreedy: true, default: [] }),
    opt: Flags.string({ char: 'o', description: 'driver options (k=v)', multiple: true, multipleNonGreedy: true, default: [] }),
  }

  static async operations({ args, flags }: ParsedLine<typeof NetworkCreate>, host: HostFacts): Promise<Operation[]> {
    const { parseKeyValues } = await import('../../core/names.js')
    const { decideNetworkCreate } = await import('../../core/network-create.js')
    const req = {
      name: args.name,
      driver: flags.driver,
      subnet: flags.subnet,
      gateway: flags.gateway,
      ipRange: flags['ip-range'],
      internal: flags.internal ?? false,
      attachable: flags.attachable ?? false,
      labels: parseKeyValues('--label', flags.label),
      options: parseKeyValues('--opt', flags.opt),
      hostRoutes: flags.subnet ? [] : await host.routes(),
    }
    return [
      {
        command: 'network create',
        decide: (ctx) => decideNetworkCreate(req, ctx),
        output: ([created]) => `${created.type === 'NetworkCreated' ? created.payload.id : ''}\n`,
      },
    ]
  }

  async run(): Promise<void> {
    const parsed = await this.parse(NetworkCreate)
    const { hostFacts } = await import('../../app/host-facts.js')
    await this.applyOperations(parsed.flags.root, await NetworkCreate.operations(parsed, hostFacts()))
  }
}
