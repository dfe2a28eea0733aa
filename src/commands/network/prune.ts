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
    const { pruneNetworks } = await import('../../services/networks.js')
    const { hostFacts } = await import('../../app/host-facts.js')
    const { MutationSession } = await import('../../app/mutate.js')
    const removed = await this.withApp(flags.root, async (app) => {
      const { clusterLinkFor } = await import('../../cluster/link.js')
      const cluster = clusterLinkFor(app.paths)
      const session = new MutationSession(app, { cluster })
      try {
        return await pruneNetworks({ session, host: hostFacts() }, app.state)
      } finally {
        session.close()
        await cluster?.close()
      }
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
