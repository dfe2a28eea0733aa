import { type Db, openDatabase } from '../events/database.js'
import { ReplayError } from '../events/replay-error.js'
import { type Projector, readProjectable } from '../events/store.js'
import type { ProjectableEvent } from '../events/types.js'
import { createProjector } from './projectors.js'
import { StateQueries } from './queries.js'
import { newestSnapshot } from './snapshots.js'
import { loadProjections } from './tables.js'

/**
 * The projections rebuilt in a scratch in-memory database by the same projectors the append
 * path runs: "state as of seq N" has no code path of its own.
 */
export class Replay {
  readonly state: StateQueries
  private readonly project: Projector
  /** The last event applied (0: none). */
  seq = 0

  private constructor(readonly db: Db) {
    this.state = new StateQueries(db)
    this.project = createProjector(db)
  }

  /** An empty replay, or one starting at the newest snapshot of `log` at or before `seq`. */
  static from(log: Db, seq: number): Replay {
    const replay = new Replay(openDatabase(':memory:'))
    // Scratch data: one transaction for the whole replay, never committed.
    replay.db.exec('BEGIN')
    const base = seq > 0 ? newestSnapshot(log, seq) : undefined
    if (base) {
      loadProjections(replay.db, base.tables)
      replay.seq = base.seq
    }
    return replay
  }

  /** The projections after event `seq` of `log`: nearest snapshot, then the events after it. */
  static to(log: Db, seq: number): Replay {
    const replay = Replay.from(log, seq)
    for (const e of readProjectable(log, replay.seq + 1, seq)) replay.apply(e)
    return replay
  }

  apply(e: ProjectableEvent): void {
    try {
      this.project(e)
    } catch (err) {
      throw ReplayError.at(e.seq, (err as Error).message)
    }
    this.seq = e.seq
  }

  close(): void {
    this.db.close()
  }
}
