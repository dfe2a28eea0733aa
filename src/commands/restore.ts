import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'

export default class Restore extends PatchbayCommand {
  static description = 'Make the kernel match the log again: after a reboot, a crash or changes made behind patchbay\'s back'
  static needsRoot = true
  static examples = ['<%= config.bin %> restore', '<%= config.bin %> restore --dry-run']
  static flags = {
    'dry-run': Flags.boolean({ description: 'list the changes without making them' }),
    verbose: Flags.boolean({ char: 'v', description: 'print each change as it is made' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Restore)
    const dryRun = flags['dry-run']
    const { restore } = await import('../app/restore.js')
    const { describeAction } = await import('../restore/plan.js')
    const { restoreSummary } = await import('../format/restore-report.js')
    const started = process.hrtime.bigint()
    const { progressBar } = await import('../cli/progress.js')
    const bar = dryRun ? undefined : await progressBar('restore', 'changes')
    const result = await this.withApp(flags.root, (app) =>
      restore(app, {
        dryRun,
        warn: (text) => void process.stderr.write(text),
        onProgress: (done, total, action, error) => {
          if (done === 1) bar?.start(total, 0)
          bar?.update(done)
          if (flags.verbose && !error) this.out(`${describeAction(action)}\n`)
        },
      }),
    )
    bar?.stop()
    const { plan, failures } = result
    if (dryRun) this.out(plan.actions.map((a) => `${describeAction(a)}\n`).join(''))
    for (const s of plan.skipped) process.stderr.write(`Warning: ${s}\n`)
    for (const f of failures) process.stderr.write(`Error: ${describeAction(f.action)}: ${f.error}\n`)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    this.out(restoreSummary(plan, { dryRun, failed: failures.length, seconds }))
    if (failures.length) process.exitCode = 1
  }
}
