import { PatchbayCommand } from '../../cli/base.js'
import { oclifFlags } from '../../cli/oclif-flags.js'
import { containerLs } from '../../cli/read-commands.js'

export default class ContainerLs extends PatchbayCommand {
  static description = 'List containers'
  static examples = ['<%= config.bin %> container ls', "<%= config.bin %> ps --format '{{.Names}} {{.Networks}}'"]
  static flags = oclifFlags(containerLs.flags)

  async run(): Promise<void> {
    const { flags } = await this.parse(ContainerLs)
    await this.runRead(containerLs, { root: flags.root, argv: [], flags })
  }
}
