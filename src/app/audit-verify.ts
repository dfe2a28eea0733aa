import { UserError } from '../core/errors.js'
import type { Db } from '../events/database.js'
import { type LogHead, logHead } from '../events/store.js'
import type { BreakKind } from '../events/verify.js'
import { ReplayError } from '../events/replay-error.js'
import { createStepRunner } from '../projections/projectors.js'
import { readAhead } from '../projections/read-ahead.js'
import { verifyBatches } from '../projections/replay-batches.js'
import { Replay } from '../projections/replay.js'
import { readSnapshot, snapshotSeqs } from '../projections/snapshots.js'
import { dumpProjections, findDrift, projectionKeys } from '../projections/tables.js'

export interface VerifyOptions {
  /** Trust the chain up to from-1 and check from here on (default 1: everything). */
  from?: number
  /** A head recorded earlier with `audit head`: event `seq` must still have `hash`. */
  head?: LogHead
}

export interface VerifyFailure {
  seq: number
  kind: BreakKind | 'projection drift'
  reason: string
}

export interface VerifyReport {
  from: number
  checked: number
  snapshots: number
  head: LogHead
  failure?: VerifyFailure
}

/**
 * Checks the log and everything derived from it, in one pass over the log read a page at a
 * time: the hash chain from `from` on, and a replay of the same events into a scratch
 * database (starting at the newest snapshot before `from`) that every later snapshot and,
 * at the end, the live projections must equal. Runs in one read transaction, so a
 * concurrent append cannot make the tables and the log seem to disagree. Reports the most
 * telling failure: a chain break first (the log itself was tampered with), then the
 * recorded head, then the first stale snapshot, then the tables.
 */
export async function verifyLog(db: Db, opts: VerifyOptions = {}): Promise<VerifyReport> {
  db.exec('BEGIN')
  try {
    return await verifyInTransaction(db, opts)
  } finally {
    db.exec('COMMIT')
  }
}

async function verifyInTransaction(db: Db, opts: VerifyOptions): Promise<VerifyReport> {
  const head = logHead(db)
  const from = opts.from ?? 1
  if (!Number.isInteger(from) || from < 1 || from > head.seq + 1) {
    throw new UserError(`invalid --from ${from}: the log holds seq 1 to ${head.seq}`)
  }
  const report: VerifyReport = { from, checked: 0, snapshots: 0, head }
  const trusted = from === 1 ? undefined : (db.prepare('SELECT seq, hash FROM events WHERE seq = ?').get(from - 1) as LogHead | undefined)
  if (from > 1 && !trusted) return { ...report, failure: { seq: from - 1, kind: 'missing', reason: 'the event before --from is gone (deleted)' } }

  const replay = Replay.from(db, from - 1)
  try {
    const run = createStepRunner(replay.db)
    const pending = snapshotSeqs(db, from)
    // Read (and hashed) up to the head this transaction sees, by the reader's own connection.
    const job = { kind: 'verify' as const, from, after: replay.seq, upTo: head.seq, trusted, snapshots: pending }
    let snapshotDrift: VerifyFailure | undefined
    let copies: VerifyFailure | undefined
    // A chained event that cannot be replayed: the chain check goes on, the replay stops.
    let unreplayable: VerifyFailure | undefined
    const cannotReplay = (seq: number, message: string): VerifyFailure => ({
      seq,
      kind: 'changed',
      reason: `its hash holds but ${message.replace(/;.*$/, '')}: it is not what patchbay wrote`,
    })
    for await (const batch of readAhead(db, job, () => verifyBatches(db, job))) {
      for (const [seq, statement, args] of unreplayable ? [] : batch.steps) {
        try {
          run(statement, args)
        } catch (err) {
          unreplayable = cannotReplay(seq, ReplayError.at(seq, (err as Error).message).message)
          break
        }
      }
      if (batch.unreplayable) unreplayable ??= cannotReplay(batch.unreplayable.seq, batch.unreplayable.reason)
      report.checked += batch.checked
      if (batch.broken) return { ...report, failure: batch.broken }
      copies ??= batch.copies
      if (!unreplayable && pending[0] === batch.last.seq) {
        pending.shift()
        report.snapshots++
        snapshotDrift ??= snapshotMismatch(db, replay.db, batch.last)
      }
    }
    const headFailure = opts.head && headMismatch(db, opts.head, head)
    if (headFailure) return { ...report, failure: headFailure }
    if (copies) return { ...report, failure: copies }
    if (unreplayable) return { ...report, failure: unreplayable }
    if (snapshotDrift) return { ...report, failure: snapshotDrift }
    if (pending.length > 0) {
      return { ...report, failure: { seq: pending[0], kind: 'projection drift', reason: `snapshot ${pending[0]} has no event ${pending[0]} in the log` } }
    }
    const drift = findDrift(dumpProjections(replay.db), dumpProjections(db), projectionKeys(db))
    if (drift) return { ...report, failure: { seq: head.seq, kind: 'projection drift', reason: drift } }
    return report
  } finally {
    replay.close()
  }
}

/** The replayed tables after `event` against the snapshot taken there. */
function snapshotMismatch(db: Db, replayed: Db, event: LogHead): VerifyFailure | undefined {
  const snap = readSnapshot(db, event.seq)
  const at = { seq: snap.seq, kind: 'projection drift' as const }
  if (snap.hash !== event.hash) return { ...at, reason: `snapshot ${snap.seq} was taken of another event ${snap.seq} (hash ${snap.hash})` }
  const drift = findDrift(dumpProjections(replayed), snap.tables, projectionKeys(replayed))
  return drift === undefined ? undefined : { ...at, reason: `snapshot ${snap.seq}: ${drift}` }
}

function headMismatch(db: Db, recorded: LogHead, head: LogHead): VerifyFailure | undefined {
  const hash = db.prepare('SELECT hash FROM events WHERE seq = ?').pluck().get(recorded.seq) as string | undefined
  if (hash === undefined) {
    return { seq: recorded.seq, kind: 'missing', reason: `the recorded head is gone: the log ends at seq ${head.seq}` }
  }
  if (hash !== recorded.hash) {
    return { seq: recorded.seq, kind: 'changed', reason: `its hash is ${hash}, not the recorded ${recorded.hash}: history up to it was rewritten` }
  }
  return undefined
}
