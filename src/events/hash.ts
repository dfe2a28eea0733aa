import * as crypto from 'node:crypto'

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

// crypto.hash (Node >= 20.12) hashes a string in one call, about twice as fast as a Hash
// object; read as a property so that older Node 20 releases still load this module.
const sha256: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text) : (text) => crypto.createHash('sha256').update(text).digest('hex')

/**
 * sha256 over the row's stored text (not a re-serialisation), so verification never
 * depends on JSON key order or number formatting.
 */
export function eventHash(f: Omit<EventRow, 'hash'>): string {
  return sha256(`${f.seq}\n${f.time}\n${f.type}\n${f.host}\n${f.actor}\n${f.payload}\n${f.prev_hash}`)
}

