import { Args } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'

export default class Exec extends PatchbayCommand {
  static description = "Run a command inside a container's network namespace, with its hosts file as /etc/hosts"
  static needsRoot = true
  static strict = false
  static examples = ['<%= config.bin %> exec container1 -- ping -c 3 container2', '<%= config.bin %> exec container2 -- ip addr']
  static args = {
    container: Args.string({ required: true, description: 'container name or ID' }),
    command: Args.string({ required: true, description: 'command to run (put -- before it)' }),
  }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Exec)
    const [ref, ...command] = argv as string[]
    const { UserError } = await import('../core/errors.js')
    const { hostsFilePath } = await import('../drivers/derived-state.js')
    const target = await this.withApp(flags.root, (app) => {
      const c = app.state.findContainer(ref)
      if (!c) throw new UserError(`No such container: ${ref}`)
      if (c.netnsKind === 'host') return { netnsPath: undefined, hostsFile: undefined }
      return { netnsPath: c.netnsPath!, hostsFile: hostsFilePath(app.paths, c.id) }
    })
    const { execInNetns } = await import('../kernel/exec.js')
    process.exitCode = execInNetns({ ...target, argv: command })
  }
}
