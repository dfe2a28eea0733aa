import type { Db } from './database.js'
import { type EventRow, GENESIS_HASH, eventHash } from './hash.js'
import { type LogHead, readEventRows } from './store.js'

/** How the log was tampered with where its chain first breaks. */
export type BreakKind = 'changed' | 'missing' | 'inserted' | 'reordered'

export interface ChainBreak {
  seq: number
  kind: BreakKind
  reason: string
}

const GENESIS: LogHead = { seq: 0, hash: GENESIS_HASH }

/**
 * Checks rows one at a time in log order, each against the last good one: its seq follows,
 * it links to that row's hash, and its hash covers its content. The first row that fails is
 * classified by looking around it in the log (only then: a few scans, on the failure path).
 */
export class ChainChecker {
  private prev: LogHead

  /** `after`: the last event trusted (the genesis when checking from the start). */
  constructor(
    private readonly db: Db,
    after: LogHead = GENESIS,
  ) {
    this.prev = after
  }

  check(r: EventRow): ChainBreak | undefined {
    if (r.seq !== this.prev.seq + 1 || r.prev_hash !== this.prev.hash || eventHash(r) !== r.hash) return classify(this.db, this.prev, r)
    this.prev = { seq: r.seq, hash: r.hash }
    return undefined
  }
}

/** Walks the whole log and returns its first break, classified. */
export function findChainBreak(db: Db): ChainBreak | undefined {
  const checker = new ChainChecker(db)
  for (const row of readEventRows(db)) {
    const broken = checker.check(row)
    if (broken) return broken
  }
  return undefined
}

/** Where rows with this hash sit in the log; the genesis hash is "seq 0". */
function seqsWithHash(db: Db, hash: string): number[] {
  if (hash === GENESIS_HASH) return [0]
  return db.prepare('SELECT seq FROM events WHERE hash = ? ORDER BY seq').pluck().all(hash) as number[]
}

/**
 * Deleting events and renumbering the rest leaves a row whose hash covers a higher seq than it
 * has now: the one it was written with, found by trying each. Trying as many as the log holds
 * costs at most what checking the log did, and only on the failure path.
 */
function writtenAsSeq(db: Db, r: EventRow): number | undefined {
  const rows = db.prepare('SELECT count(*) FROM events').pluck().get() as number
  for (let seq = r.seq + 1; seq <= r.seq + rows; seq++) if (eventHash({ ...r, seq }) === r.hash) return seq
  return undefined
}

/**
 * `prev` is the last row that held, `r` the first that does not. Each kind of tampering
 * leaves its own trace: a gap the next row links across to a hash no row has (missing), a
 * link to a row further down (reordered), a row after a gap that links to one still in the
 * log, a link that skips rows, or rows the chain skips (inserted), a hash that no longer
 * covers the content, or a link to a hash no row has any more (changed).
 */
function classify(db: Db, prev: LogHead, r: EventRow): ChainBreak {
  const expected = prev.seq + 1
  const target = seqsWithHash(db, r.prev_hash)
  const later = target.find((s) => s > r.seq)
  if (r.seq !== expected) {
    if (later !== undefined) return { seq: expected, kind: 'reordered', reason: `seq ${r.seq} links to seq ${later}, which comes after it` }
    // Rows deleted before r would be what it links to; it links to a row still here, so none were.
    const linked = target.at(-1)
    if (linked === undefined) return { seq: expected, kind: 'missing', reason: `the log jumps from seq ${prev.seq} to seq ${r.seq} (deleted)` }
    if (linked === prev.seq && eventHash({ ...r, seq: expected }) === r.hash) {
      return { seq: expected, kind: 'changed', reason: `it was renumbered to seq ${r.seq}` }
    }
    return { seq: r.seq, kind: 'inserted', reason: `not part of the chain: the log jumps from seq ${prev.seq} to it, and it links to seq ${linked}` }
  }
  if (r.prev_hash !== prev.hash) {
    if (later !== undefined) return { seq: r.seq, kind: 'reordered', reason: `it links to seq ${later}, which comes after it` }
    const earlier = target.filter((s) => s < prev.seq).pop()
    if (earlier !== undefined) {
      return { seq: earlier + 1, kind: 'inserted', reason: `not part of the chain: seq ${r.seq} links back to seq ${earlier}` }
    }
    const resumes = db.prepare('SELECT seq FROM events WHERE prev_hash = ? AND seq > ? ORDER BY seq LIMIT 1').pluck().get(prev.hash, r.seq)
    if (resumes !== undefined) {
      return { seq: r.seq, kind: 'inserted', reason: `not part of the chain: seq ${String(resumes)} links back to seq ${prev.seq}` }
    }
    const written = eventHash(r) === r.hash ? undefined : writtenAsSeq(db, r)
    if (written !== undefined) {
      const deleted = written - r.seq === 1 ? 'an event was' : `${written - r.seq} events were`
      return { seq: r.seq, kind: 'missing', reason: `${deleted} deleted and the later ones renumbered (this one was written as seq ${written})` }
    }
    if (eventHash(r) !== r.hash || prev.seq === 0) {
      return { seq: r.seq, kind: 'changed', reason: 'its link to the previous event was edited' }
    }
    return { seq: prev.seq, kind: 'changed', reason: `it was rewritten with a new hash: seq ${r.seq} still links to the original` }
  }
  return { seq: r.seq, kind: 'changed', reason: 'its content no longer matches its hash (edited after it was written)' }
}
