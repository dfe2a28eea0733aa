import { sha256 } from './crypto.js'

export const GENESIS_HASH = '0'.repeat(64)

/** One event's row, exactly as stored. */
export interface EventRow {
  seq: number
  time: string
  type: string
  /** The payload's version; 1 for rows written before versions were recorded. */
  schema?: number
  host: string
  actor: string
  /** Where an imported event was decided; null (or absent) for this host's own. */
  origin_host?: string | null
  origin_seq?: number | null
  payload: string
  prev_hash: string
  hash: string
}

/**
 * sha256 over the row's stored text (not a re-serialisation), so verification never depends
 * on JSON key order or number formatting. A row of version 1 from this host is hashed as rows
 * were before versions existed (their hashes stay valid); any other also covers its version
 * and origin, so neither can be changed without breaking the chain.
 */
export function eventHash(f: Omit<EventRow, 'hash'>): string {
  const schema = f.schema ?? 1
  if (schema === 1 && (f.origin_host ?? null) === null) {
    return sha256(`${f.seq}\n${f.time}\n${f.type}\n${f.host}\n${f.actor}\n${f.payload}\n${f.prev_hash}`)
  }
  return sha256(`v2\n${f.seq}\n${f.time}\n${f.type}\n${schema}\n${f.host}\n${f.actor}\n${f.origin_host ?? ''}\n${f.origin_seq ?? ''}\n${f.payload}\n${f.prev_hash}`)
}
