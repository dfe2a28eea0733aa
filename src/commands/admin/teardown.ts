import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class AdminTeardown extends PatchbayCommand {
  static description = [
    'Take a root down completely: remove every container and user network (logged as usual), then every bridge, veth, namespace,',
    'firewall table and run file of this root still in the kernel (also when its state directory was already deleted).',
    'With --delete-state, delete the state (the log) too.',
  ].join(' ')
  static needsRoot = true
  static examples = ['<%= config.bin %> admin teardown --root /tmp/lab', '<%= config.bin %> admin teardown --root /tmp/lab --delete-state']
  static flags = {
    'delete-state': Flags.boolean({ description: 'also delete the state directory\'s database: its whole history' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(AdminTeardown)
    const { existsSync } = await import('node:fs')
    const { pathsFor } = await import('../../config/paths.js')
    const { UserError } = await import('../../core/errors.js')
    const { answering } = await import('../../daemon/command-server.js')
    const { openApp } = await import('../../cli/state-access.js')
    const { teardown } = await import('../../services/teardown.js')
    const paths = pathsFor(flags.root)
    if (await answering(paths.daemonSocket)) throw new UserError(`a patchbay daemon serves ${paths.root}: stop it first (it keeps the state open)`)
    // A root whose state is gone is not made again just to be taken down.
    const app = existsSync(paths.db) ? await openApp(flags.root, 'admin teardown') : undefined
    try {
      const r = await teardown(flags.root, app, { deleteState: flags['delete-state'] })
      const parts = [
        `${r.containers} container${r.containers === 1 ? '' : 's'}`,
        `${r.networks} network${r.networks === 1 ? '' : 's'}`,
        `${r.links} link${r.links === 1 ? '' : 's'}`,
        `${r.namespaces} namespace${r.namespaces === 1 ? '' : 's'}`,
        ...(r.firewall ? ['the firewall table'] : []),
        r.runDir,
        ...(r.stateDeleted ? [`the state in ${r.stateDeleted}`] : []),
      ]
      this.out(`teardown: removed ${parts.join(', ')}\n`)
    } finally {
      if (!flags['delete-state']) app?.close()
    }
  }
}
