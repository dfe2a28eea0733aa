import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'
import { stringList } from '../cli/oclif-flags.js'

export default class DaemonCommand extends PatchbayCommand {
  static description = [
    'Serve network and container commands for this root from one resident process, until stopped (SIGTERM or Ctrl-C).',
    'While it runs, `ls`, `inspect`, `create`, `connect`, `disconnect`, `run` and `rm` are answered by it and take milliseconds instead of a Node start-up each;',
    'without it, every command runs on its own with the same result. Run it in the namespace patchbay manages, as root (contrib/systemd/patchbay-daemon.service).',
    'It exits with code 75 once patchbay is rebuilt or upgraded, so that a service manager starts the new build.',
  ].join(' ')
  static needsRoot = true
  static examples = [
    '<%= config.bin %> daemon',
    '<%= config.bin %> daemon --root /var/lib/patchbay -v',
    '<%= config.bin %> daemon --cluster-store consul://10.0.0.2:8500 --cluster-advertise eth0   # join a cluster (kept for later starts)',
  ]
  static flags = {
    verbose: Flags.boolean({ char: 'v', description: 'print a line for each command: served (with its exit code) or handed back, and why' }),
    'cluster-store': Flags.string({ description: 'join the cluster whose state is in this key-value store: consul://HOST:PORT[/PREFIX] or etcd://HOST:PORT[/PREFIX] (kept under the root)' }),
    'cluster-advertise': Flags.string({ description: 'the address (or interface) other hosts of the cluster reach this one at' }),
    'cluster-host': Flags.string({ description: 'this host\'s name in the cluster (default: the machine\'s host name)' }),
    'cluster-store-opt': stringList({ description: 'TLS for the store, as docker took it: kv.cacertfile=FILE, kv.certfile=FILE, kv.keyfile=FILE' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(DaemonCommand)
    const { openApp } = await import('../cli/state-access.js')
    const { loadHotModules } = await import('../cli/hot-commands.js')
    const { Daemon } = await import('../daemon/daemon.js')
    const { commandServer } = await import('../daemon/command-server.js')
    const app = await openApp(flags.root, 'daemon')
    const { clusterSettings } = await import('../cluster/join.js')
    const { parseKeyValues } = await import('../core/names.js')
    let settings
    try {
      settings = await clusterSettings(app.paths, {
        store: flags['cluster-store'],
        advertise: flags['cluster-advertise'],
        host: flags['cluster-host'],
        storeOpts: parseKeyValues('--cluster-store-opt', flags['cluster-store-opt']),
      })
    } catch (err) {
      app.close()
      throw err
    }
    const { ClusterLink } = await import('../cluster/link.js')
    const link = settings && new ClusterLink(settings)
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
      const { clusterService } = await import('../daemon/cluster-service.js')
      await daemon.start([commandServer({ verbose: flags.verbose, onReplaced, cluster: link }), ...(link ? [clusterService(link)] : [])])
      await stopped
    } finally {
      await daemon.stop()
      await link?.close()
      app.close()
    }
    if (replaced === undefined) return this.out('patchbay daemon: stopped\n')
    // Exit 75 (EX_TEMPFAIL): a service manager restarts it, with the new code.
    this.out(`patchbay daemon: stopped: patchbay was rebuilt or upgraded since it started (build ${replaced} is installed); start it again to serve with that build\n`)
    process.exitCode = 75
  }
}
