import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import { networkCreate } from '../../cli/mutation-commands.js'
import { oclifFlags } from '../../cli/oclif-flags.js'

export default class NetworkCreate extends PatchbayCommand {
  static description = 'Create a network'
  static examples = [
    '<%= config.bin %> network create isolated_nw',
    '<%= config.bin %> network create -d bridge --subnet 10.10.0.0/16 --gateway 10.10.0.254 --label team=db backend',
  ]
  static args = { name: Args.string({ required: true, description: 'network name' }) }
  static flags = oclifFlags(networkCreate.flags)

  static mutation = networkCreate

  async run(): Promise<void> {
    await this.runMutation(networkCreate, await this.parse(NetworkCreate))
  }
}
