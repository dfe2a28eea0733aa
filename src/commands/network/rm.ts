import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import { networkRm } from '../../cli/mutation-commands.js'

export default class NetworkRm extends PatchbayCommand {
  static description = 'Remove one or more networks'
  static strict = false
  static examples = ['<%= config.bin %> network rm isolated_nw']
  static args = { network: Args.string({ required: true, description: 'network name or ID' }) }

  static mutation = networkRm

  async run(): Promise<void> {
    await this.runMutation(networkRm, await this.parse(NetworkRm))
  }
}
