import { Flags } from '@oclif/core'
import { PatchbayCommand } from '../../cli/base.js'

export default class AuditVerify extends PatchbayCommand {
  static description = 'Check the hash chain of the event log, and the projections and snapshots against a replay of it'
  static examples = [
    '<%= config.bin %> audit verify',
    '<%= config.bin %> audit verify --from 41000           # trust seq 1..40999, check the rest',
    '<%= config.bin %> audit verify --head 42:3f9a…         # and prove event 42 still has the hash recorded with audit head',
  ]
  static flags = {
    from: Flags.integer({ description: 'trust the chain before SEQ and check from SEQ on (incremental)' }),
    head: Flags.string({ description: 'SEQ:HASH recorded earlier with `audit head`: event SEQ must still have that hash' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(AuditVerify)
    const { verifyLog } = await import('../../app/audit-verify.js')
    const head = flags.head === undefined ? undefined : await parseHead(flags.head)
    const report = await this.withApp(flags.root, (app) => verifyLog(app.db, { from: flags.from, head }))
    const { failure } = report
    if (failure) throw new Error(`seq ${failure.seq} ${failure.kind}: ${failure.reason}`)
    const range = report.checked === 0 ? 'no events' : `seq ${report.from}..${report.head.seq}`
    const proof = head ? `, seq ${head.seq} still has the recorded hash` : ''
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
    this.out(
      `ok: ${count(report.checked, 'event')} checked (${range}), ${count(report.snapshots, 'snapshot')} and the projections match the log${proof}; head seq ${report.head.seq} hash ${report.head.hash}\n`,
    )
  }
}

async function parseHead(text: string): Promise<{ seq: number; hash: string }> {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(text.trim())
  if (!m) {
    const { UserError } = await import('../../core/errors.js')
    throw new UserError(`invalid --head ${text}: use SEQ:HASH as printed by \`patchbay audit head\` (the full 64-hex hash)`)
  }
  return { seq: Number(m[1]), hash: m[2] }
}
