import { PatchbayCommand } from '../../cli/base.js'
import { containerCreate } from '../../cli/mutation-commands.js'
import { oclifFlags } from '../../cli/oclif-flags.js'

export default class ContainerCreate extends PatchbayCommand {
  static description = 'Create a container (a network namespace) and connect it to a network'
  static examples = [
    '<%= config.bin %> run --name container1',
    '<%= config.bin %> run --net isolated_nw --name container3',
    '<%= config.bin %> run --name web --netns /run/netns/web   # adopt a namespace made by another runtime',
    '<%= config.bin %> run --name app --pid 4242               # adopt the namespace of a running process',
  ]
  static flags = oclifFlags(containerCreate.flags)

  static mutation = containerCreate

  async run(): Promise<void> {
    await this.runMutation(containerCreate, await this.parse(ContainerCreate))
  }
}
