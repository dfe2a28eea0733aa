import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import type { Operation, ParsedLine } from '../../cli/operations.js'

export default class NetworkDisconnect extends PatchbayCommand {
  static description = 'Disconnect a container from a network'
  static needsRoot = true
  static examples = ['<%= config.bin %> network disconnect isolated_nw container2']
  static args = {
    network: Args.string({ required: true, description: 'network name or ID' }),
    container: Args.string({ required: true, description: 'container name or ID' }),
  }
  static flags = {
    force: Flags.boolean({ char: 'f', description: 'remove the endpoint even if the kernel refuses to tear it down (e.g. its namespace is gone)' }),
  }

  static async operations({ args, flags }: ParsedLine<typeof NetworkDisconnect>): Promise<Operation[]> {
    const { decideDisconnect } = await import('../../core/disconnect.js')
    const req = { network: args.network, container: args.container }
    return [{ command: 'network disconnect', decide: (ctx) => decideDisconnect(req, ctx), options: { force: flags.force }, output: () => '' }]
  }

  async run(): Promise<void> {
    const parsed = await this.parse(NetworkDisconnect)
    await this.applyOperations(parsed.flags.root, await NetworkDisconnect.operations(parsed))
  }
}
