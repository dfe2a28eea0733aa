import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import type { Operation, ParsedLine } from '../../cli/operations.js'

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

  static async operations({ args, flags }: ParsedLine<typeof NetworkConnect>): Promise<Operation[]> {
    const { decideConnect } = await import('../../core/connect.js')
    const req = { network: args.network, container: args.container, ip: flags.ip, aliases: flags.alias }
    return [{ command: 'network connect', decide: (ctx) => decideConnect(req, ctx), output: () => '' }]
  }

  async run(): Promise<void> {
    const parsed = await this.parse(NetworkConnect)
    await this.applyOperations(parsed.flags.root, await NetworkConnect.operations(parsed))
  }
}
