import type { Db } from '../events/database.js'
import type { Projector } from '../events/store.js'
import { type ProjectionDump, dumpProjections } from './tables.js'

/**
 * Events between snapshots. `--at` replays at most this many events after loading the
 * nearest snapshot: about 0.2 s (measured on a 1M-event log), well inside its one-second
 * goal. A long-running host's tables are small (30 KB on average in that log, 73 KB at most),
 * so one snapshot per 10,000 events (~14 MB of log) adds 0.2% to the database and a
 * millisecond to one append in 10,000.
 */
export const SNAPSHOT_INTERVAL = 10_000

export interface Snapshot {
  seq: number
  /** Hash of event `seq`: ties the snapshot to this log. */
  hash: string
  tables: ProjectionDump
}

/**
 * The projector the append path uses: after every `every`-th event it also saves the tables,
 * in the same transaction, so a snapshot never disagrees with the log it was taken from.
 */
export function withSnapshots(db: Db, project: Projector, every = SNAPSHOT_INTERVAL): Projector {
  return (e) => {
    project(e)
    if (e.seq % every === 0) saveSnapshot(db, { seq: e.seq, hash: e.hash, tables: dumpProjections(db) })
  }
}

export function saveSnapshot(db: Db, snap: Snapshot): void {
  // REPLACE: a snapshot left at this seq by a log whose tail was since deleted is stale.
  db.prepare('INSERT OR REPLACE INTO snapshots (seq, hash, tables) VALUES (?, ?, ?)').run(snap.seq, snap.hash, JSON.stringify(snap.tables))
}

type SnapshotRow = { seq: number; hash: string; tables: string }
const parse = (r: SnapshotRow): Snapshot => ({ seq: r.seq, hash: r.hash, tables: JSON.parse(r.tables) })

/** The newest snapshot at or before `seq` whose hash is still that event's in the log. */
export function newestSnapshot(db: Db, seq: number): Snapshot | undefined {
  const row = db
    .prepare(
      `SELECT s.seq, s.hash, s.tables FROM snapshots s JOIN events e ON e.seq = s.seq AND e.hash = s.hash
        WHERE s.seq <= ? ORDER BY s.seq DESC LIMIT 1`,
    )
    .get(seq) as SnapshotRow | undefined
  return row && parse(row)
}

/** Sequence numbers of the snapshots from `fromSeq` on, in order (the tables are read one at a time). */
export function snapshotSeqs(db: Db, fromSeq: number): number[] {
  return db.prepare('SELECT seq FROM snapshots WHERE seq >= ? ORDER BY seq').pluck().all(fromSeq) as number[]
}

export function readSnapshot(db: Db, seq: number): Snapshot {
  return parse(db.prepare('SELECT seq, hash, tables FROM snapshots WHERE seq = ?').get(seq) as SnapshotRow)
}

export function clearSnapshots(db: Db): void {
  db.exec('DELETE FROM snapshots')
}
