import { PatchbayCommand } from '../../cli/base.js'
import { oclifFlags } from '../../cli/oclif-flags.js'
import { networkLs } from '../../cli/read-commands.js'

export default class NetworkLs extends PatchbayCommand {
  static description = 'List networks'
  static examples = ['<%= config.bin %> network ls', '<%= config.bin %> network ls -f driver=bridge -q', '<%= config.bin %> network ls --at seq:42']
  static flags = oclifFlags(networkLs.flags)

  async run(): Promise<void> {
    const { flags } = await this.parse(NetworkLs)
    await this.runRead(networkLs, { root: flags.root, argv: [], flags })
  }
}
