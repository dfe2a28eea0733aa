import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class AdminRebuild extends PatchbayCommand {
  static description = 'Drop every projection and snapshot and rebuild them from the event log, checking its hash chain on the way (holds the write lock meanwhile)'
  static examples = ['<%= config.bin %> admin rebuild', '<%= config.bin %> admin rebuild --allow-broken-chain   # deliberately, from a log audit verify rejects']
  static writesState = true
  static flags = {
    'allow-broken-chain': Flags.boolean({ description: 'rebuild even when the hash chain is broken (the log was edited outside patchbay): the tables then show the edited history' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(AdminRebuild)
    const { rebuildProjections } = await import('../../projections/rebuild.js')
    const { progressBar } = await import('../../cli/progress.js')
    const bar = await progressBar('rebuild', 'events')
    const started = process.hrtime.bigint()
    const count = await this.withApp(flags.root, async (app) => {
      try {
        return await rebuildProjections(app.db, { allowBrokenChain: flags['allow-broken-chain'], onProgress: (done, total) => (done === 0 ? bar?.start(total, 0) : bar?.update(done)) })
      } finally {
        bar?.stop()
      }
    })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    this.out(`rebuilt the projections from ${count} events in ${seconds.toFixed(1)} s\n`)
  }
}
