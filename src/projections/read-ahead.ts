import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { Db } from '../events/database.js'
import type { ReaderJob } from './replay-batches.js'

/**
 * The batches of a whole-log pass (rebuild, verify), read ahead. For a database file a worker
 * thread (replay-worker.ts) reads, hashes and parses the log on its own connection while this
 * thread applies the batches it already sent: reading and JSON.parse are half of a replay, and
 * the two halves then run on two CPUs. In memory (tests), or without the bundled worker
 * (running from the TypeScript sources), `here` makes the same batches on this thread.
 */
export async function* readAhead<T>(db: Db, job: ReaderJob, here: () => Iterable<T>): AsyncGenerator<T> {
  const script = new URL('./replay-worker.js', import.meta.url)
  if (db.memory || !existsSync(script)) {
    yield* here()
    return
  }
  const queued = new SharedArrayBuffer(4)
  const waiting = new Int32Array(queued)
  const worker = new Worker(script, { workerData: { file: db.name, job, queued } })
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
    failure ??= code === 0 ? undefined : new Error(`the log reader stopped (exit ${code})`)
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
      yield JSON.parse(message) as T
    }
  } finally {
    await worker.terminate()
  }
}
