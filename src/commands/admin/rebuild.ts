import { PatchbayCommand } from '../../cli/base.js'

export default class AdminRebuild extends PatchbayCommand {
  static description = 'Drop every projection and snapshot and rebuild them from the event log (holds the write lock meanwhile)'
  static examples = ['<%= config.bin %> admin rebuild']

  async run(): Promise<void> {
    const { flags } = await this.parse(AdminRebuild)
    const { rebuildProjections } = await import('../../projections/rebuild.js')
    const { progressBar } = await import('../../format/progress.js')
    const bar = process.stderr.isTTY ? progressBar('rebuild', process.stderr) : undefined
    const started = process.hrtime.bigint()
    const count = await this.withApp(flags.root, (app) => {
      try {
        return rebuildProjections(app.db, { onProgress: bar?.update })
      } finally {
        bar?.clear()
      }
    })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    this.out(`rebuilt the projections from ${count} events in ${seconds.toFixed(1)} s\n`)
  }
}
