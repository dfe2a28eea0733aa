import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../cli/base.js'

export default class Info extends PatchbayCommand {
  static description = 'Show this host: its state, and the cluster it belongs to (the store, its name and address there, the hosts seen, the store\'s health)'
  static examples = ['<%= config.bin %> info', '<%= config.bin %> info --format json']
  static flags = {
    format: Flags.string({ description: 'json: one object', options: ['json'] }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Info)
    const { hostInfo, renderInfo } = await import('../format/info.js')
    const info = await this.withApp(flags.root, (app) => hostInfo(app))
    this.out(flags.format === 'json' ? `${JSON.stringify(info)}\n` : renderInfo(info))
  }
}
