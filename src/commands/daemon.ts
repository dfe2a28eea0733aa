import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'

export default class Daemon extends PatchbayCommand {
  static description = [
    'Serve network and container commands for this root from one resident process, until stopped (SIGTERM or Ctrl-C).',
    'While it runs, `ls`, `inspect`, `create`, `connect`, `disconnect`, `run` and `rm` are answered by it and take milliseconds instead of a Node start-up each;',
    'without it, every command runs on its own with the same result. Run it in the namespace patchbay manages, as root (contrib/systemd/patchbay-daemon.service).',
  ].join(' ')
  static needsRoot = true
  static examples = ['<%= config.bin %> daemon', '<%= config.bin %> daemon --root /var/lib/patchbay -v']
  static flags = {
    verbose: Flags.boolean({ char: 'v', description: 'print a line for each command: served (with its exit code) or handed back, and why' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Daemon)
    const { openApp, keepOpen } = await import('../cli/state-access.js')
    const { loadHotModules } = await import('../cli/hot-commands.js')
    const { serveRoot } = await import('../daemon/server.js')
    const app = await openApp(flags.root, 'daemon')
    await loadHotModules()
    keepOpen(app)
    const daemon = await serveRoot(app, { log: (line) => this.out(`${line}\n`), verbose: flags.verbose })
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve).once('SIGINT', resolve)
    })
    await daemon.stop()
    keepOpen(undefined)
    app.close()
    this.out('patchbay daemon: stopped\n')
  }
}
