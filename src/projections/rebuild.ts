import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { Db } from '../events/database.js'
import { logHead } from '../events/store.js'
import { createStepRunner } from './projectors.js'
import { type StepBatch, stepBatches } from './replay-batches.js'
import { ReplayError } from '../events/replay-error.js'
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
    for await (const batch of batchesOf(db, every)) {
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

/**
 * The log's batches of steps. For a database file, read and parsed by a worker thread while
 * this one applies them: reading and JSON.parse are half of a replay, and the two halves then
 * run on two CPUs. In memory (tests), or without the bundled worker (running from the
 * TypeScript sources), on this thread.
 */
async function* batchesOf(db: Db, every: number): AsyncGenerator<StepBatch> {
  const script = new URL('./replay-worker.js', import.meta.url)
  if (db.memory || !existsSync(script)) {
    yield* stepBatches(db, every)
    return
  }
  const queued = new SharedArrayBuffer(4)
  const waiting = new Int32Array(queued)
  const worker = new Worker(script, { workerData: { file: db.name, every, queued } })
  const inbox: (string | null)[] = []
  let failure: Error | undefined
  let wake: (() => void) | undefined
  const notify = () => {
    wake?.()
    wake = undefined
  }
  worker.on('message', (m: string | null) => {
    inbox.push(m)
    notify()
  })
  worker.on('error', (err) => {
    failure = err
    notify()
  })
  worker.on('exit', (code) => {
    failure ??= code === 0 ? undefined : new Error(`the replay reader stopped (exit ${code})`)
    notify()
  })
  try {
    for (;;) {
      if (inbox.length === 0) {
        if (failure) throw failure
        await new Promise<void>((resolve) => (wake = resolve))
        continue
      }
      const message = inbox.shift()!
      if (message === null) return
      Atomics.sub(waiting, 0, 1)
      Atomics.notify(waiting, 0)
      yield JSON.parse(message) as StepBatch
    }
  } finally {
    await worker.terminate()
  }
}
