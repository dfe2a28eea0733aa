import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import { networkConnect } from '../../cli/mutation-commands.js'
import { oclifFlags } from '../../cli/oclif-flags.js'

export default class NetworkConnect extends PatchbayCommand {
  static description = 'Connect a container to a network'
  static examples = ['<%= config.bin %> network connect isolated_nw container2', '<%= config.bin %> network connect --ip 10.10.0.50 --alias db backend container4']
  static args = {
    network: Args.string({ required: true, description: 'network name or ID' }),
    container: Args.string({ required: true, description: 'container name or ID' }),
  }
  static flags = oclifFlags(networkConnect.flags)

  static mutation = networkConnect

  async run(): Promise<void> {
    await this.runMutation(networkConnect, await this.parse(NetworkConnect))
  }
}
