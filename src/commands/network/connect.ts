import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class NetworkConnect extends PatchbayCommand {
  static description = 'Connect a container to a network'
  static needsRoot = true
  static examples = ['<%= config.bin %> network connect isolated_nw container2', '<%= config.bin %> network connect --ip 10.10.0.50 --alias db backend container4']
  static args = {
    network: Args.string({ required: true, description: 'network name or ID' }),
    container: Args.string({ required: true, description: 'container name or ID' }),
  }
  static flags = {
    ip: Flags.string({ description: 'IPv4 address' }),
    alias: Flags.string({ description: 'add a network-scoped alias for the container', multiple: true, multipleNonGreedy: true, default: [] }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NetworkConnect)
    const { decideConnect } = await import('../../core/connect.js')
    const { mutate } = await import('../../app/mutate.js')
    const req = { network: args.network, container: args.container, ip: flags.ip, aliases: flags.alias }
    await this.withApp(flags.root, (app) => mutate(app, 'network connect', (ctx) => decideConnect(req, ctx)))
  }
}
