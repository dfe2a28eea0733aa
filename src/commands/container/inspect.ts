import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'
import { oclifFlags } from '../../cli/oclif-flags.js'
import { containerInspect } from '../../cli/read-commands.js'

export default class ContainerInspect extends PatchbayCommand {
  static description = 'Display detailed information on one or more containers'
  static strict = false
  static examples = [
    '<%= config.bin %> inspect container2',
    "<%= config.bin %> inspect --format='{{.NetworkSettings.Networks}}' container2",
    "<%= config.bin %> inspect -f '{{range $net, $ep := .NetworkSettings.Networks}}{{$net}} {{$ep.IPAddress}}{{println}}{{end}}' container2",
  ]
  static args = { container: Args.string({ required: true, description: 'container name or ID' }) }
  static flags = oclifFlags(containerInspect.flags)

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContainerInspect)
    await this.runRead(containerInspect, { root: flags.root, argv: argv as string[], flags })
  }
}
