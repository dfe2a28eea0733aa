import { PatchbayCommand } from '../../cli/base.js'

export default class AdminRebuild extends PatchbayCommand {
  static description = 'Drop every projection and snapshot and rebuild them from the event log (holds the write lock meanwhile)'
  static examples = ['<%= config.bin %> admin rebuild']

  async run(): Promise<void> {
    const { flags } = await this.parse(AdminRebuild)
    const { rebuildProjections } = await import('../../projections/rebuild.js')
    const { progressBar } = await import('../../cli/progress.js')
    const bar = await progressBar('rebuild', 'events')
    const started = process.hrtime.bigint()
    const count = await this.withApp(flags.root, async (app) => {
      try {
        return await rebuildProjections(app.db, { onProgress: (done, total) => (done === 0 ? bar?.start(total, 0) : bar?.update(done)) })
      } finally {
        bar?.stop()
      }
    })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    this.out(`rebuilt the projections from ${count} events in ${seconds.toFixed(1)} s\n`)
  }
}
