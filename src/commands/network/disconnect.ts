import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import { networkDisconnect } from '../../cli/mutation-commands.js'
import { oclifFlags } from '../../cli/oclif-flags.js'

export default class NetworkDisconnect extends PatchbayCommand {
  static description = 'Disconnect a container from a network'
  static examples = ['<%= config.bin %> network disconnect isolated_nw container2']
  static args = {
    network: Args.string({ required: true, description: 'network name or ID' }),
    container: Args.string({ required: true, description: 'container name or ID' }),
  }
  static flags = oclifFlags(networkDisconnect.flags)

  static mutation = networkDisconnect

  async run(): Promise<void> {
    await this.runMutation(networkDisconnect, await this.parse(NetworkDisconnect))
  }
}
