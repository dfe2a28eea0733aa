import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import { oclifFlags } from '../../cli/oclif-flags.js'
import { containerPort } from '../../cli/read-commands.js'

export default class ContainerPort extends PatchbayCommand {
  static description = 'List port mappings or a specific mapping for the container'
  static examples = ['<%= config.bin %> port web', '<%= config.bin %> port web 80/tcp']
  static args = {
    container: Args.string({ required: true, description: 'container name or ID' }),
    port: Args.string({ required: false, description: 'PORT or PORT/PROTO' }),
  }
  static flags = oclifFlags(containerPort.flags)

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContainerPort)
    await this.runRead(containerPort, { root: flags.root, argv: argv as string[], flags })
  }
}
