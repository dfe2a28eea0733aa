import { UserError } from '../core/errors.js'
import type { Db } from './database.js'

export type SubjectKind = 'network' | 'container'

/** Each kind's creation event, and the indexed column naming the subject in every event about it. */
export const SUBJECT = {
  network: { created: 'NetworkCreated', column: 'network_id' },
  container: { created: 'ContainerCreated', column: 'container_id' },
} as const

/** Migration 003's partial-index condition, verbatim: SQLite uses those indexes only when a query repeats it. */
export const CREATION_ROWS = "type IN ('NetworkCreated', 'ContainerCreated')"

/** One object that existed at some time: its id, the name it was created with, its creation event. */
export interface Incarnation {
  id: string
  name: string
  seq: number
}

const COLS = "json_extract(payload, '$.id') AS id, json_extract(payload, '$.name') AS name, seq"

function named(db: Db, kind: SubjectKind, name: string): Incarnation[] {
  return db
    .prepare(`SELECT ${COLS} FROM events WHERE ${CREATION_ROWS} AND type = ? AND json_extract(payload, '$.name') = ? ORDER BY seq DESC`)
    .all(SUBJECT[kind].created, name) as Incarnation[]
}

function withIdPrefix(db: Db, kind: SubjectKind, prefix: string): Incarnation[] {
  // Ids are lower-case hex, so every id starting with `prefix` sorts in [prefix, prefix + 'g').
  return db
    .prepare(
      `SELECT ${COLS} FROM events WHERE ${CREATION_ROWS} AND type = ?
          AND json_extract(payload, '$.id') >= ? AND json_extract(payload, '$.id') < ? ORDER BY seq DESC`,
    )
    .all(SUBJECT[kind].created, prefix, `${prefix}g`) as Incarnation[]
}

/**
 * docker's lookup order over everything the log ever knew, removed objects included: full ID,
 * then name (every incarnation that had it), then a unique ID prefix. Newest first; empty
 * when nothing matches.
 */
export function findIncarnations(db: Db, kind: SubjectKind, ref: string): Incarnation[] {
  const byName = named(db, kind, ref)
  if (!/^[0-9a-f]+$/.test(ref)) return byName
  const byPrefix = withIdPrefix(db, kind, ref)
  const exact = byPrefix.filter((i) => i.id === ref)
  if (exact.length > 0) return exact
  if (byName.length > 0) return byName
  if (byPrefix.length > 1) throw new UserError(`${kind} ${ref} is ambiguous (${byPrefix.length} matches found based on ID prefix)`)
  return byPrefix
}

/**
 * A `network=`/`container=` filter value as the log's columns hold it: the full ID when the
 * value is only a unique ID prefix; otherwise the value itself, which the filter compares
 * with ids and with the names objects were created with (also those created later).
 */
export function filterRef(db: Db, kind: SubjectKind, ref: string): string {
  const found = findIncarnations(db, kind, ref)
  const only = found.length === 1 ? found[0] : undefined
  return only && only.id !== ref && only.name !== ref ? only.id : ref
}
