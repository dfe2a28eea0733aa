import { Args, Flags } from '@oclif/core'
import { PatchbayCommand, atFlag } from '../../cli/base.js'

export default class NetworkInspect extends PatchbayCommand {
  static description = 'Display detailed information on one or more networks'
  static strict = false
  static examples = ['<%= config.bin %> network inspect bridge', "<%= config.bin %> network inspect -f '{{.IPAM.Config}}' isolated_nw"]
  static args = { network: Args.string({ required: true, description: 'network name or ID' }) }
  static flags = { format: Flags.string({ char: 'f', description: 'format output using a Go template' }), at: atFlag }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(NetworkInspect)
    const { networkInspectView } = await import('../../format/network-inspect.js')
    const { UserError } = await import('../../core/errors.js')
    const views = await this.withState(flags.root, flags.at, (state) => {
      const containers = new Map(state.containers().map((c) => [c.id, c]))
      return (argv as string[]).map((ref) => {
        const net = state.findNetwork(ref)
        if (!net) throw new UserError(`network ${ref} not found`)
        return networkInspectView(net, state.endpointsOfNetwork(net.id), containers)
      })
    })
    await this.printInspect(views, flags.format)
  }
}
