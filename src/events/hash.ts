import { sha256 } from './crypto.js'

export const GENESIS_HASH = '0'.repeat(64)

/** One event's row, exactly as stored. */
export interface EventRow {
  seq: number
  time: string
  type: string
  host: string
  actor: string
  payload: string
  prev_hash: string
  hash: string
}

/**
 * sha256 over the row's stored text (not a re-serialisation), so verification never
 * depends on JSON key order or number formatting.
 */
export function eventHash(f: Omit<EventRow, 'hash'>): string {
  return sha256(`${f.seq}\n${f.time}\n${f.type}\n${f.host}\n${f.actor}\n${f.payload}\n${f.prev_hash}`)
}

