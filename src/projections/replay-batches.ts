import type { Db } from '../events/database.js'
import { readProjectable } from '../events/store.js'
import { type Step, projectionSteps } from './projectors.js'

/** Consecutive events of the log as the steps they make, in order. Plain data: it crosses threads. */
export interface StepBatch {
  /** [seq, statement, args]: the seq names the event when its step fails. */
  steps: [number, ...Step][]
  /** How many events it covers (those without steps included). */
  events: number
  /** Its last event: where a snapshot may be taken. */
  last: { seq: number; hash: string }
}

const BATCH_EVENTS = 2048

/** The whole log as batches of steps; a batch also ends at every multiple of `every` (a snapshot point). */
export function* stepBatches(log: Db, every: number): Generator<StepBatch> {
  let batch: StepBatch = { steps: [], events: 0, last: { seq: 0, hash: '' } }
  for (const e of readProjectable(log)) {
    for (const step of projectionSteps(e)) batch.steps.push([e.seq, ...step])
    batch.events++
    batch.last = { seq: e.seq, hash: e.hash }
    if (batch.events === BATCH_EVENTS || e.seq % every === 0) {
      yield batch
      batch = { steps: [], events: 0, last: batch.last }
    }
  }
  if (batch.events > 0) yield batch
}
