import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'

export default class DaemonCommand extends PatchbayCommand {
  static description = [
    'Serve network and container commands for this root from one resident process, until stopped (SIGTERM or Ctrl-C).',
    'While it runs, `ls`, `inspect`, `create`, `connect`, `disconnect`, `run` and `rm` are answered by it and take milliseconds instead of a Node start-up each;',
    'without it, every command runs on its own with the same result. Run it in the namespace patchbay manages, as root (contrib/systemd/patchbay-daemon.service).',
    'It exits with code 75 once patchbay is rebuilt or upgraded, so that a service manager starts the new build.',
  ].join(' ')
  static needsRoot = true
  static examples = ['<%= config.bin %> daemon', '<%= config.bin %> daemon --root /var/lib/patchbay -v']
  static flags = {
    verbose: Flags.boolean({ char: 'v', description: 'print a line for each command: served (with its exit code) or handed back, and why' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(DaemonCommand)
    const { openApp } = await import('../cli/state-access.js')
    const { loadHotModules } = await import('../cli/hot-commands.js')
    const { Daemon } = await import('../daemon/daemon.js')
    const { commandServer } = await import('../daemon/command-server.js')
    const app = await openApp(flags.root, 'daemon')
    await app.loadSchema()
    await loadHotModules()
    let replaced: string | undefined
    let stop = () => {}
    const stopped = new Promise<void>((resolve) => (stop = resolve))
    process.once('SIGTERM', () => stop()).once('SIGINT', () => stop())
    const daemon = new Daemon(app, (line) => this.out(`${line}\n`))
    const onReplaced = (installed: string) => {
      replaced = installed
      stop()
    }
    try {
      await daemon.start([commandServer({ verbose: flags.verbose, onReplaced })])
      await stopped
    } finally {
      await daemon.stop()
      app.close()
    }
    if (replaced === undefined) return this.out('patchbay daemon: stopped\n')
    // Exit 75 (EX_TEMPFAIL): a service manager restarts it, with the new code.
    this.out(`patchbay daemon: stopped: patchbay was rebuilt or upgraded since it started (build ${replaced} is installed); start it again to serve with that build\n`)
    process.exitCode = 75
  }
}
