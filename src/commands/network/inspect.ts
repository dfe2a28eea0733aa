import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import { oclifFlags } from '../../cli/oclif-flags.js'
import { networkInspect } from '../../cli/read-commands.js'

export default class NetworkInspect extends PatchbayCommand {
  static description = 'Display detailed information on one or more networks'
  static strict = false
  static examples = ['<%= config.bin %> network inspect bridge', "<%= config.bin %> network inspect -f '{{.IPAM.Config}}' isolated_nw"]
  static args = { network: Args.string({ required: true, description: 'network name or ID' }) }
  static flags = oclifFlags(networkInspect.flags)

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(NetworkInspect)
    await this.runRead(networkInspect, { root: flags.root, argv: argv as string[], flags })
  }
}
