import type { Db } from './database.js'
import { type EventRow, GENESIS_HASH, eventHash } from './hash.js'

const ROW = 'SELECT seq, time, type, schema, host, actor, origin_host, origin_seq, payload, prev_hash, hash FROM events'

/**
 * What every change checks before it appends, for the price of one query and one hash: that
 * the newest event still matches its hash and links to the one before it. Editing an older
 * event is left to `audit verify` (and `admin rebuild`, which refuses a broken chain); this
 * catches the edit that a new event would otherwise chain onto unnoticed. Undefined when intact.
 */
export function newestEventBroken(db: Db): string | undefined {
  const rows = db.prepare(`${ROW} ORDER BY seq DESC LIMIT 2`).all() as EventRow[]
  const [newest, before] = rows
  if (!newest) return undefined
  if (eventHash(newest) !== newest.hash) return `the newest event (seq ${newest.seq}) no longer matches its hash`
  const link = before ? (before.seq === newest.seq - 1 ? before.hash : undefined) : newest.seq === 1 ? GENESIS_HASH : undefined
  if (newest.prev_hash !== link) return `the newest event (seq ${newest.seq}) no longer links to the one before it`
  return undefined
}
