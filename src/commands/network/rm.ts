import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import type { Operation, ParsedLine } from '../../cli/operations.js'

export default class NetworkRm extends PatchbayCommand {
  static description = 'Remove one or more networks'
  static aliases = ['network:remove']
  static needsRoot = true
  static strict = false
  static examples = ['<%= config.bin %> network rm isolated_nw']
  static args = { network: Args.string({ required: true, description: 'network name or ID' }) }

  /** One removal per name, each printing the name once it is gone. */
  static async operations({ argv }: ParsedLine<typeof NetworkRm>): Promise<Operation[]> {
    const { decideNetworkRemove } = await import('../../core/network-remove.js')
    return (argv as string[]).map((ref) => ({ command: 'network rm', decide: (ctx) => decideNetworkRemove(ref, ctx), output: () => `${ref}\n` }))
  }

  async run(): Promise<void> {
    const parsed = await this.parse(NetworkRm)
    await this.applyOperations(parsed.flags.root, await NetworkRm.operations(parsed))
  }
}
