import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class AuditHead extends PatchbayCommand {
  static description =
    'Print the newest event as SEQ:HASH, the form `audit verify --head` takes: record it to prove later that history was not rewritten'
  static examples = [
    '<%= config.bin %> audit head',
    '<%= config.bin %> audit verify --head "$(<%= config.bin %> audit head)"',
    '<%= config.bin %> audit head --format json',
  ]
  static flags = {
    format: Flags.string({ description: 'json: {"seq":N,"hash":"…"}', options: ['json'] }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(AuditHead)
    const { logHead } = await import('../../events/store.js')
    const head = await this.withApp(flags.root, (app) => logHead(app.db))
    this.out(flags.format === 'json' ? `${JSON.stringify({ seq: head.seq, hash: head.hash })}\n` : `${head.seq}:${head.hash}\n`)
  }
}
