import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import { containerRm } from '../../cli/mutation-commands.js'
import { oclifFlags } from '../../cli/oclif-flags.js'

export default class ContainerRm extends PatchbayCommand {
  static description = 'Remove one or more containers: disconnect them and delete the namespaces patchbay created'
  static strict = false
  static examples = ['<%= config.bin %> rm container3']
  static args = { container: Args.string({ required: true, description: 'container name or ID' }) }
  static flags = oclifFlags(containerRm.flags)

  static mutation = containerRm

  async run(): Promise<void> {
    await this.runMutation(containerRm, await this.parse(ContainerRm))
  }
}
