import { Args, Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class ContainerHistory extends PatchbayCommand {
  static summary = "Show a container's timeline, removed containers too"
  static description =
    'Every container that had the name (newest first), or the one with that ID or unique ID prefix, also long after it was removed: its creation, each network connected and disconnected with interface, IP, MAC and default route, its removal, and who did each (user, sudo user, uid, pid, host, command).'
  static examples = ['<%= config.bin %> container history container2', "<%= config.bin %> container history --format '{{.Time}} {{.Event}} {{.Network}} {{.IPAddress}}' web"]
  static args = { container: Args.string({ required: true, description: 'container name (every container that had it, newest first), ID or ID prefix' }) }
  static flags = {
    format: Flags.string({
      description: 'json (one object a line) or a Go template over {Time, Event, Network, Interface, IPAddress, MacAddress, DefaultRoute, Host, Actor.{Name,User,SudoUser,Uid,Pid,Command}, ...}',
    }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ContainerHistory)
    await this.printHistory(flags.root, 'container', args.container.replace(/^\//, ''), flags.format)
  }
}
