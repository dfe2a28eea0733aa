import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class NetworkDisconnect extends PatchbayCommand {
  static description = 'Disconnect a container from a network'
  static needsRoot = true
  static examples = ['<%= config.bin %> network disconnect isolated_nw container2']
  static args = {
    network: Args.string({ required: true, description: 'network name or ID' }),
    container: Args.string({ required: true, description: 'container name or ID' }),
  }
  static flags = {
    force: Flags.boolean({ char: 'f', description: 'remove the endpoint even if the kernel refuses to tear it down (e.g. its namespace is gone)' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NetworkDisconnect)
    const { decideDisconnect } = await import('../../core/disconnect.js')
    const { mutate } = await import('../../app/mutate.js')
    await this.withApp(flags.root, (app) => mutate(app, 'network disconnect', (ctx) => decideDisconnect(args, ctx), { force: flags.force }))
  }
}
