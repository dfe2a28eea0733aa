import { createHash } from 'node:crypto'

export const GENESIS_HASH = '0'.repeat(64)

/** The stored text of one event, exactly as its row holds it. */
export interface HashedFields {
  seq: number
  time: string
  type: string
  host: string
  actor: string
  payload: string
  prevHash: string
}

/**
 * sha256 over the row's stored text (not a re-serialisation), so verification never
 * depends on JSON key order or number formatting.
 */
export function eventHash(f: HashedFields): string {
  return createHash('sha256')
    .update([f.seq, f.time, f.type, f.host, f.actor, f.payload, f.prevHash].join('\n'))
    .digest('hex')
}
