import type { Db } from './database.js'
import { type EventRow, GENESIS_HASH, eventHash } from './hash.js'

export interface ChainBreak {
  seq: number
  reason: string
}

/** Walks the log in order and returns the first row whose hash or link does not hold. */
export function findChainBreak(db: Db): ChainBreak | undefined {
  let prev = GENESIS_HASH
  let expectedSeq = 1
  const rows = db.prepare('SELECT seq, time, type, host, actor, payload, prev_hash, hash FROM events ORDER BY seq').iterate()
  for (const raw of rows) {
    const r = raw as EventRow
    if (r.seq !== expectedSeq) return { seq: expectedSeq, reason: `event ${expectedSeq} is missing` }
    if (r.prev_hash !== prev) return { seq: r.seq, reason: 'does not follow the previous event (inserted, removed or reordered)' }
    if (eventHash(r) !== r.hash) return { seq: r.seq, reason: 'content changed after it was written' }
    prev = r.hash
    expectedSeq++
  }
  return undefined
}
