import type { Db } from '../events/database.js'
import { UserError } from '../core/errors.js'
import { ReplayError } from '../events/replay-error.js'
import { logHead } from '../events/store.js'
import { createStepRunner } from './projectors.js'
import { readAhead } from './read-ahead.js'
import { type ReaderJob, type StepBatch, type VerifyBatch, stepBatches, verifyBatches } from './replay-batches.js'
import { Replay } from './replay.js'
import { SNAPSHOT_INTERVAL, clearSnapshots, saveSnapshot } from './snapshots.js'
import { clearProjections, dumpProjections, loadProjections } from './tables.js'

export interface RebuildOptions {
  /** Replay a log whose hash chain is broken, as it is (the override of a deliberate rebuild). */
  allowBrokenChain?: boolean
  /** Called with 0 first, then after every batch of events: how many are done, of how many. */
  onProgress?: (done: number, total: number) => void
  snapshotEvery?: number
}

/**
 * Replays the whole log and replaces every projection and the snapshots with the result, in
 * one transaction that holds the write lock (BEGIN IMMEDIATE): nothing mutates meanwhile, and
 * a failure leaves the old tables. The replay runs in memory (as for --at and verify, and
 * faster than through the file's pages); the tables are copied in at the end, rowids and all,
 * and the snapshots are written on the way. The hash chain is checked as the log is read (on
 * the reading thread): tables rebuilt from a tampered log would make a forgery look real, so a
 * broken chain stops the rebuild unless `allowBrokenChain` says it is deliberate. Returns the
 * number of events replayed.
 */
export async function rebuildProjections(db: Db, opts: RebuildOptions = {}): Promise<number> {
  const every = opts.snapshotEvery ?? SNAPSHOT_INTERVAL
  let count = 0
  db.exec('BEGIN IMMEDIATE')
  const replay = Replay.from(db, 0)
  try {
    const total = logHead(db).seq
    opts.onProgress?.(0, total)
    const run = createStepRunner(replay.db)
    clearSnapshots(db)
    const batches = opts.allowBrokenChain ? readAhead(db, { kind: 'rebuild', every }, () => stepBatches(db, every)) : checkedBatches(db, total, every)
    for await (const batch of batches) {
      const { broken, unreplayable } = batch as Partial<VerifyBatch>
      if (broken) {
        const { seq, kind, reason } = broken
        throw new UserError(`the event log's hash chain is broken at seq ${seq} (${kind}: ${reason}); rebuilding from it would present a tampered history as the truth. See patchbay audit verify; to rebuild from it anyway, add --allow-broken-chain`)
      }
      if (unreplayable) throw new UserError(unreplayable.reason)
      for (const [seq, statement, args] of batch.steps) {
        try {
          run(statement, args)
        } catch (err) {
          throw ReplayError.at(seq, (err as Error).message)
        }
      }
      if (batch.last.seq % every === 0) saveSnapshot(db, { seq: batch.last.seq, hash: batch.last.hash, tables: dumpProjections(replay.db) })
      count += batch.events
      opts.onProgress?.(count, total)
    }
    clearProjections(db)
    loadProjections(db, dumpProjections(replay.db))
    db.exec('COMMIT')
  } finally {
    replay.close()
    if (db.inTransaction) db.exec('ROLLBACK')
  }
  return count
}

/** The log as batches whose every event was checked against the hash chain on the way. */
function checkedBatches(db: Db, total: number, every: number): AsyncGenerator<StepBatch | VerifyBatch> {
  const snapshots = Array.from({ length: Math.floor(total / every) }, (_, i) => (i + 1) * every)
  const job: ReaderJob = { kind: 'verify', from: 1, after: 0, upTo: total, snapshots }
  return readAhead(db, job, () => verifyBatches(db, job))
}
