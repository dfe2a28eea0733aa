import { type FSWatcher, watch } from 'node:fs'
import type { Db } from './database.js'
import { type EventSelection, eventPages, lastSeq } from './store.js'
import type { StoredEvent } from './types.js'

export interface FollowOptions {
  /** Start after this seq (where --since begins). */
  after: number
  /** The database's -wal file: a write to it wakes the follower before the next poll. */
  walFile: string
  /** Stop once this time has passed. */
  until?: Date
  /** Stop when this aborts (SIGINT, SIGTERM, the reader went away). */
  signal: AbortSignal
  pollMs?: number
}

/**
 * The events `sel` picks: the history first, then new ones as other processes append them,
 * page by page. Each poll reads seq > last seen (a primary-key range); between polls no
 * statement or transaction is open, so writers never wait for a follower.
 */
export async function* followEvents(db: Db, sel: EventSelection, opts: FollowOptions): AsyncGenerator<StoredEvent[]> {
  const pollMs = opts.pollMs ?? 200
  const wake = new Wake(opts.walFile, opts.signal)
  try {
    let seen = opts.after
    for (;;) {
      const last = opts.until !== undefined && Date.now() > opts.until.getTime()
      // Events are stamped under the write lock: taking it for an instant waits out a
      // writer that stamped a time before `until` but has not committed yet.
      if (last) db.exec('BEGIN IMMEDIATE; ROLLBACK')
      // Every seq up to the head is committed (seqs are assigned under the write lock), so
      // the next poll can start after it, however few of those events matched.
      const head = lastSeq(db)
      yield* eventPages(db, sel, { after: seen, upTo: head })
      seen = head
      if (last || opts.signal.aborted) return
      const untilMs = opts.until ? opts.until.getTime() - Date.now() + 1 : pollMs
      await wake.after(Math.max(0, Math.min(pollMs, untilMs)))
    }
  } finally {
    wake.close()
  }
}

/** Waits for a change to a file (when it can be watched), a timeout or an abort, whichever comes first. */
class Wake {
  private watcher: FSWatcher | undefined
  private pending: (() => void) | undefined
  private readonly fire = (): void => this.pending?.()

  constructor(
    file: string,
    private readonly signal: AbortSignal,
  ) {
    try {
      this.watcher = watch(file, { persistent: false }, this.fire)
      this.watcher.on('error', () => this.watcher?.close())
    } catch {
      // Not watchable (no inotify, file not there yet): the poll alone still finds new events.
    }
    signal.addEventListener('abort', this.fire)
  }

  after(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.pending = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.pending = done
      if (this.signal.aborted) done()
    })
  }

  close(): void {
    this.watcher?.close()
    this.signal.removeEventListener('abort', this.fire)
  }
}
