import { UserError } from '../core/errors.js'
import type { Db } from './database.js'
import { type Incarnation, SUBJECT, type SubjectKind, findIncarnations } from './incarnations.js'
import { eventPages } from './store.js'
import type { StoredEvent } from './types.js'

/** One object's whole life in the log: its creation, every connect and disconnect, its removal. */
export interface IncarnationHistory extends Incarnation {
  kind: SubjectKind
  events: StoredEvent[]
}

/** What the other commands say when `ref` names nothing, in docker's words (`docker network inspect`, `docker inspect`). */
const NOT_FOUND: Record<SubjectKind, (ref: string) => string> = {
  network: (ref) => `network ${ref} not found`,
  container: (ref) => `No such container: ${ref}`,
}

/**
 * The history of every object `ref` names (full ID, a name: every object that had it, or a
 * unique ID prefix), removed ones included: newest object first, its events in order.
 */
export function subjectHistory(db: Db, kind: SubjectKind, ref: string): IncarnationHistory[] {
  const found = findIncarnations(db, kind, ref)
  if (found.length === 0) throw new UserError(NOT_FOUND[kind](ref))
  const about = (id: string) => ({ where: `${SUBJECT[kind].column} = ?`, params: [id] })
  // Nothing about an object comes before its creation.
  return found.map((inc) => ({ ...inc, kind, events: [...eventPages(db, about(inc.id), { after: inc.seq - 1 })].flat() }))
}
