import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class NetworkRm extends PatchbayCommand {
  static description = 'Remove one or more networks'
  static aliases = ['network:remove']
  static needsRoot = true
  static strict = false
  static examples = ['<%= config.bin %> network rm isolated_nw']
  static args = { network: Args.string({ required: true, description: 'network name or ID' }) }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(NetworkRm)
    const { decideNetworkRemove } = await import('../../core/network-remove.js')
    await this.mutateEach(flags.root, argv as string[], 'network rm', (ref) => (ctx) => decideNetworkRemove(ref, ctx))
  }
}
