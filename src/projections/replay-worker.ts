import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../events/database.js'
import { type ReaderJob, readerBatches } from './replay-batches.js'

/**
 * The reading half of a whole-log pass, on a thread of its own (see read-ahead.ts): reads the
 * log on its own connection and sends it as batches. Batches go as JSON text, which crosses
 * threads faster than structured objects.
 */
const { file, job, queued } = workerData as { file: string; job: ReaderJob; queued: SharedArrayBuffer }
const waiting = new Int32Array(queued)
/** The reader is faster than the writer: beyond this many batches queued, it waits. */
const MAX_QUEUED = 16

const db = openDatabase(file)
try {
  for (const batch of readerBatches(db, job)) {
    for (let n = Atomics.load(waiting, 0); n >= MAX_QUEUED; n = Atomics.load(waiting, 0)) Atomics.wait(waiting, 0, n, 1000)
    Atomics.add(waiting, 0, 1)
    parentPort!.postMessage(JSON.stringify(batch))
  }
  parentPort!.postMessage(null)
} finally {
  db.close()
}
