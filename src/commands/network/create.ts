import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

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

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NetworkCreate)
    const { parseKeyValues } = await import('../../core/names.js')
    const { decideNetworkCreate } = await import('../../core/network-create.js')
    const { mutate } = await import('../../app/mutate.js')
    const { hostRoutes } = await import('../../app/host-facts.js')
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
      hostRoutes: flags.subnet ? [] : await hostRoutes(),
    }
    const [created] = await this.withApp(flags.root, (app) => mutate(app, 'network create', (ctx) => decideNetworkCreate(req, ctx)))
    this.out(`${created.type === 'NetworkCreated' ? created.payload.id : ''}\n`)
  }
}
