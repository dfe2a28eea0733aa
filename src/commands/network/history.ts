import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class NetworkHistory extends PatchbayCommand {
  static description = 'Show the timeline of a network, also long after it was removed: created, connects and disconnects, removed; who did each and with which address'
  static examples = ['<%= config.bin %> network history isolated_nw', '<%= config.bin %> network history --format json 8b05faa32aeb']
  static args = { network: Args.string({ required: true, description: 'network name (every network that had it, newest first), ID or ID prefix' }) }
  static flags = {
    format: Flags.string({
      description: 'json (one object a line) or a Go template over {Time, Event, Container, Interface, IPAddress, MacAddress, Host, Actor.{Name,User,SudoUser,Uid,Pid,Command}, ...}',
    }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(NetworkHistory)
    await this.printHistory(flags.root, 'network', args.network, flags.format)
  }
}
