import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class NetworkHistory extends PatchbayCommand {
  static summary = "Show a network's timeline, removed networks too"
  static description =
    'Every network that had the name (newest first), or the one with that ID or unique ID prefix, also long after it was removed: its creation, each container connected and disconnected with interface, IP and MAC, its removal, and who did each (user, sudo user, uid, pid, host, command).'
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
