import type { Db } from '../events/database.js'
import { logHead, readProjectable } from '../events/store.js'
import { Replay } from './replay.js'
import { SNAPSHOT_INTERVAL, clearSnapshots, saveSnapshot } from './snapshots.js'
import { clearProjections, dumpProjections, loadProjections } from './tables.js'

export interface RebuildOptions {
  /** Called with 0 first, then every few thousand events: how many are done, of how many. */
  onProgress?: (done: number, total: number) => void
  snapshotEvery?: number
}

const PROGRESS_EVERY = 4096

/**
 * Replays the whole log and replaces every projection and the snapshots with the result, in
 * one transaction that holds the write lock (BEGIN IMMEDIATE): nothing mutates meanwhile, and
 * a failure leaves the old tables. The replay runs in memory (as for --at and verify, and
 * faster than through the file's pages); the tables are copied in at the end, rowids and all,
 * and the snapshots are written on the way. Returns the number of events replayed.
 */
export function rebuildProjections(db: Db, opts: RebuildOptions = {}): number {
  const every = opts.snapshotEvery ?? SNAPSHOT_INTERVAL
  let count = 0
  db.transaction(() => {
    const total = logHead(db).seq
    opts.onProgress?.(0, total)
    const replay = Replay.from(db, 0)
    try {
      clearSnapshots(db)
      for (const e of readProjectable(db)) {
        replay.apply(e)
        if (e.seq % every === 0) saveSnapshot(db, { seq: e.seq, hash: e.hash, tables: dumpProjections(replay.db) })
        if (++count % PROGRESS_EVERY === 0) opts.onProgress?.(count, total)
      }
      clearProjections(db)
      loadProjections(db, dumpProjections(replay.db))
    } finally {
      replay.close()
    }
    opts.onProgress?.(count, total)
  }).immediate()
  return count
}
