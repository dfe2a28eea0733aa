import { Args } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'

export default class Exec extends PatchbayCommand {
  static description = "Run a command inside a container's network namespace, with its hosts file and resolv.conf"
  static needsRoot = true
  static strict = false
  static usage = 'exec [--root DIR] CONTAINER [--] COMMAND [ARG...]'
  static examples = ['<%= config.bin %> exec container1 ping -c 3 container2', '<%= config.bin %> exec container2 -- ip addr']
  static args = {
    container: Args.string({ required: true, description: 'container name or ID' }),
  }

  async run(): Promise<void> {
    const { own, command } = splitExecArgv(this.argv)
    const { args, flags } = await this.parse(Exec, own)
    const ref = args.container
    if (command.length === 0) throw new Error('no command given: patchbay exec CONTAINER -- COMMAND [ARG...]')
    const { UserError } = await import('../core/errors.js')
    const { hostsFilePath, resolvFilePath } = await import('../config/paths.js')
    const target = await this.withApp(flags.root, (app) => {
      const c = app.state.findContainer(ref)
      if (!c) throw new UserError(`No such container: ${ref}`)
      if (c.netnsKind === 'host') return { netnsPath: undefined, hostsFile: undefined }
      return { netnsPath: c.netnsPath!, hostsFile: hostsFilePath(app.paths, c.id), resolvFile: resolvFilePath(app.paths, c.id) }
    })
    const { execInNetns } = await import('../kernel/exec.js')
    process.exitCode = execInNetns({ ...target, argv: command })
  }
}

/**
 * Like docker exec, options after the container name belong to the command: only what comes
 * before it (patchbay's own flags) is parsed, and an optional `--` after it is dropped.
 */
export function splitExecArgv(argv: string[]): { own: string[]; command: string[] } {
  let i = 0
  while (i < argv.length && argv[i].startsWith('-') && argv[i] !== '--') i += argv[i] === '--root' ? 2 : 1
  if (argv[i] === '--') i++
  const command = argv.slice(i + 1)
  return { own: argv.slice(0, i + 1), command: command[0] === '--' ? command.slice(1) : command }
}
