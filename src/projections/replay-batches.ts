import type { Db } from '../events/database.js'
import { ReplayError } from '../events/replay-error.js'
import { type LogHead, type RowWithCopies, indexedCopies, readProjectable, readRowsWithCopies, rowToProjectable } from '../events/store.js'
import type { ProjectableEvent } from '../events/types.js'
import { type ChainBreak, ChainChecker } from '../events/verify.js'
import { type Step, projectionSteps } from './projectors.js'

/** Consecutive events of the log as the steps they make, in order. Plain data: it crosses threads. */
export interface StepBatch {
  /** [seq, statement, args]: the seq names the event when its step fails. */
  steps: [number, ...Step][]
  /** How many events it covers (those without steps included). */
  events: number
  /** Its last event: where a snapshot may be taken. */
  last: LogHead
}

/** A batch of `audit verify`: the steps of the events read, and what the chain check found. */
export interface VerifyBatch extends StepBatch {
  /** Events at or after --from whose link and hash held. */
  checked: number
  /** The chain's first break: the batch ends just before it. */
  broken?: ChainBreak
  /**
   * The first row whose indexed columns disagree with its hashed content: reported only when
   * the chain itself holds (an inserted or edited row is the more telling finding).
   */
  copies?: ChainBreak
  /** An event whose payload could not be read: no steps from it on. */
  unreplayable?: { seq: number; reason: string }
}

/** What a reader of the whole log is asked for (it may run on another thread, see read-ahead.ts). */
export type ReaderJob =
  | { kind: 'rebuild'; every: number }
  | { kind: 'verify'; from: number; after: number; upTo: number; trusted?: LogHead; snapshots: number[] }

export function readerBatches(log: Db, job: ReaderJob): Iterable<StepBatch | VerifyBatch> {
  return job.kind === 'rebuild' ? stepBatches(log, job.every) : verifyBatches(log, job)
}

const BATCH_EVENTS = 2048
const emptyBatch = (last: LogHead): StepBatch => ({ steps: [], events: 0, last })
const emptyVerifyBatch = (last: LogHead): VerifyBatch => ({ ...emptyBatch(last), checked: 0 })

/** The whole log as batches of steps; a batch also ends at every multiple of `every` (a snapshot point). */
export function* stepBatches(log: Db, every: number): Generator<StepBatch> {
  let batch = emptyBatch({ seq: 0, hash: '' })
  for (const e of readProjectable(log)) {
    for (const step of projectionSteps(e)) batch.steps.push([e.seq, ...step])
    batch.events++
    batch.last = { seq: e.seq, hash: e.hash }
    if (batch.events === BATCH_EVENTS || e.seq % every === 0) {
      yield batch
      batch = emptyBatch(batch.last)
    }
  }
  if (batch.events > 0) yield batch
}

/**
 * The rows after `after` up to `upTo`, each from `from` on checked against the hash chain, and
 * turned into steps until one cannot be; a batch also ends at each snapshot to compare. Stops
 * at the chain's first break.
 */
export function* verifyBatches(log: Db, job: Extract<ReaderJob, { kind: 'verify' }>): Generator<VerifyBatch> {
  const chain = new ChainChecker(log, job.trusted)
  const cuts = new Set(job.snapshots)
  let batch = emptyVerifyBatch({ seq: job.after, hash: '' })
  let replaying = true
  let copiesFound = false
  for (const row of readRowsWithCopies(log, job.after + 1, job.upTo)) {
    let event: ProjectableEvent | undefined
    if (row.seq >= job.from) {
      const broken = chain.check(row)
      if (broken) {
        yield { ...batch, broken }
        return
      }
      const copies = copiesFound ? undefined : copiesBroken(row, (event = parseRow(row)))
      if (copies) {
        batch.copies = copies
        copiesFound = true
      }
      batch.checked++
    }
    if (replaying) {
      try {
        for (const step of projectionSteps(event ?? rowToProjectable(row))) batch.steps.push([row.seq, ...step])
      } catch (err) {
        batch.unreplayable = { seq: row.seq, reason: ReplayError.at(row.seq, `its payload is not JSON: ${(err as Error).message}`).message }
        replaying = false
      }
    }
    batch.events++
    batch.last = { seq: row.seq, hash: row.hash }
    if (batch.events === BATCH_EVENTS || cuts.has(row.seq)) {
      yield batch
      batch = emptyVerifyBatch(batch.last)
    }
  }
  if (batch.events > 0) yield batch
}

/** The row as an event, or undefined when its payload is not JSON (replay reports that). */
function parseRow(row: RowWithCopies): ProjectableEvent | undefined {
  try {
    return rowToProjectable(row)
  } catch {
    return undefined
  }
}

const COPY_COLUMNS = [
  ['actorUser', 'actor_user'],
  ['networkId', 'network_id'],
  ['containerId', 'container_id'],
] as const

/**
 * A row whose hash holds but whose indexed copies (what `events -f actor=/network=/container=`
 * reads) no longer say what its hashed actor and payload say: edited after it was written.
 */
function copiesBroken(row: RowWithCopies, event: ProjectableEvent | undefined): ChainBreak | undefined {
  if (!event) return undefined
  let actor: { user: string; sudoUser: string | null }
  try {
    actor = JSON.parse(row.actor)
  } catch {
    return { seq: row.seq, kind: 'changed', reason: 'its actor is not JSON: it is not what patchbay wrote' }
  }
  const want = indexedCopies(event, actor)
  for (const [field, column] of COPY_COLUMNS) {
    if (row.copies[field] !== want[field]) {
      return { seq: row.seq, kind: 'changed', reason: `its ${column} column says ${JSON.stringify(row.copies[field])} where its hashed content says ${JSON.stringify(want[field])} (edited after it was written)` }
    }
  }
  return undefined
}
