import { Args } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class NetworkRm extends PatchbayCommand {
  static description = 'Remove one or more networks'
  static aliases = ['network:remove']
  static needsRoot = true
  static strict = false
  static examples = ['<%= config.bin %> network rm isolated_nw']
  static args = { network: Args.string({ required: true, description: 'network name or ID' }) }

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(NetworkRm)
    const { decideNetworkRemove } = await import('../../core/network-remove.js')
    const { mutate } = await import('../../app/mutate.js')
    // Like docker: remove what can be removed, report each failure, fail if any failed.
    const failures = await this.withApp(flags.root, async (app) => {
      const errors: string[] = []
      for (const ref of argv as string[]) {
        try {
          await mutate(app, 'network rm', (ctx) => decideNetworkRemove(ref, ctx))
          this.out(`${ref}\n`)
        } catch (err) {
          errors.push((err as Error).message)
        }
      }
      return errors
    })
    if (failures.length > 0) throw new Error(failures.join('; '))
  }
}
