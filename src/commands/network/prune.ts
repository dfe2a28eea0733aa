import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class NetworkPrune extends PatchbayCommand {
  static description = 'Remove all unused networks'
  static needsRoot = true
  static examples = ['<%= config.bin %> network prune -f']
  static flags = { force: Flags.boolean({ char: 'f', description: 'do not prompt for confirmation' }) }

  async run(): Promise<void> {
    const { flags } = await this.parse(NetworkPrune)
    if (!flags.force && !(await confirm())) return
    const { decideNetworkRemove, prunableNetworks } = await import('../../core/network-remove.js')
    const { mutate } = await import('../../app/mutate.js')
    const removed = await this.withApp(flags.root, async (app) => {
      const names: string[] = []
      // Each removal re-decides under the lock, so a network that gained an endpoint meanwhile stays.
      const candidates = prunableNetworks({ state: app.state, newId: () => '', now: '', netnsDir: '' })
      for (const net of candidates) {
        try {
          await mutate(app, 'network prune', (ctx) => decideNetworkRemove(net.id, ctx))
          names.push(net.name)
        } catch {
          // In use by now: prune leaves it, as docker does.
        }
      }
      return names
    })
    if (removed.length) this.out(`Deleted Networks:\n${removed.map((n) => `${n}\n`).join('')}`)
  }
}

async function confirm(): Promise<boolean> {
  process.stdout.write('WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ')
  const { createInterface } = await import('node:readline/promises')
  const rl = createInterface({ input: process.stdin })
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', resolve)
    rl.once('close', () => resolve(''))
  })
  rl.close()
  return /^y(es)?$/i.test(answer.trim())
}
