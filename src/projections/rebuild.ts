import type { Db } from '../events/database.js'
import { ReplayError } from '../events/replay-error.js'
import { logHead } from '../events/store.js'
import { createStepRunner } from './projectors.js'
import { readAhead } from './read-ahead.js'
import { stepBatches } from './replay-batches.js'
import { Replay } from './replay.js'
import { SNAPSHOT_INTERVAL, clearSnapshots, saveSnapshot } from './snapshots.js'
import { clearProjections, dumpProjections, loadProjections } from './tables.js'

export interface RebuildOptions {
  /** Called with 0 first, then after every batch of events: how many are done, of how many. */
  onProgress?: (done: number, total: number) => void
  snapshotEvery?: number
}

/**
 * Replays the whole log and replaces every projection and the snapshots with the result, in
 * one transaction that holds the write lock (BEGIN IMMEDIATE): nothing mutates meanwhile, and
 * a failure leaves the old tables. The replay runs in memory (as for --at and verify, and
 * faster than through the file's pages); the tables are copied in at the end, rowids and all,
 * and the snapshots are written on the way. Returns the number of events replayed.
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
    for await (const batch of readAhead(db, { kind: 'rebuild', every }, () => stepBatches(db, every))) {
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
