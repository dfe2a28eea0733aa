import type { Filters } from '../format/filters.js'
import { CREATION_ROWS, SUBJECT, type SubjectKind } from './incarnations.js'
import type { EventSelection, TimeWindow } from './store.js'
import { EVENT_TYPES, type EventType } from './types.js'

/**
 * Each event as docker names events: the kind of object (`type=`) and what happened to it
 * (`event=`). Connecting and disconnecting are network events, as in docker. A failed
 * command is about patchbay itself (docker's nearest is a `daemon` event), so it has a type
 * of its own and matches no network= or container= filter.
 */
export const DOCKER_NAMES: Record<EventType, { type: string; action: string }> = {
  NetworkCreated: { type: 'network', action: 'create' },
  NetworkRemoved: { type: 'network', action: 'destroy' },
  ContainerCreated: { type: 'container', action: 'create' },
  ContainerRemoved: { type: 'container', action: 'destroy' },
  EndpointConnected: { type: 'network', action: 'connect' },
  EndpointDisconnected: { type: 'network', action: 'disconnect' },
  OperationFailed: { type: 'patchbay', action: 'fail' },
  HostJoined: { type: 'node', action: 'join' },
  HostLeft: { type: 'node', action: 'leave' },
}

export const EVENT_FILTERS = ['type', 'event', 'network', 'container', 'actor'] as const

const namesOf = (field: 'type' | 'action'): string[] => [...new Set(EVENT_TYPES.map((t) => DOCKER_NAMES[t][field]))]

/** The only values `type=` and `event=` take. */
export const EVENT_FILTER_VALUES = { type: namesOf('type'), event: namesOf('action') }

const marks = (n: number): string => Array(n).fill('?').join(', ')

function byDockerName(field: 'type' | 'action', values: string[]): EventSelection {
  const types = EVENT_TYPES.filter((t) => values.includes(DOCKER_NAMES[t][field]))
  return { where: `type IN (${marks(types.length)})`, params: types }
}

/**
 * By id, or by the name an object was created with: a removed object and a later one that
 * reused its name both match. The name is looked up in the same statement, so a follower
 * also catches objects created after it started.
 */
function bySubject(kind: SubjectKind, refs: string[]): EventSelection {
  const { created, column } = SUBJECT[kind]
  const list = marks(refs.length)
  return {
    where: `(${column} IN (${list}) OR ${column} IN (SELECT json_extract(payload, '$.id') FROM events
              WHERE ${CREATION_ROWS} AND type = ? AND json_extract(payload, '$.name') IN (${list})))`,
    params: [...refs, created, ...refs],
  }
}

/**
 * actor_user holds SUDO_USER when there was one, else the user name; the user name and a
 * numeric uid match too. Names are indexed (migration 003); a uid filter reads the log once.
 */
function byActor(users: string[]): EventSelection {
  const uids = users.filter((u) => /^\d+$/.test(u)).map(Number)
  const list = marks(users.length)
  const uid = uids.length > 0 ? ` OR json_extract(actor, '$.uid') IN (${marks(uids.length)})` : ''
  return { where: `(actor_user IN (${list}) OR json_extract(actor, '$.user') IN (${list})${uid})`, params: [...users, ...users, ...uids] }
}

/**
 * `events` filters as SQL over the log's indexed columns: values of one key ORed, keys ANDed,
 * the time window inclusive. Filters are parsed already (keys and values checked), and
 * network=/container= ID prefixes resolved (see filterRef).
 */
export function eventSelection(filters: Filters, window: TimeWindow = {}): EventSelection {
  const parts: EventSelection[] = []
  for (const [key, values] of filters) {
    if (key === 'type') parts.push(byDockerName('type', values))
    else if (key === 'event') parts.push(byDockerName('action', values))
    else if (key === 'network' || key === 'container') parts.push(bySubject(key, values))
    else if (key === 'actor') parts.push(byActor(values))
  }
  // Times are stored as ISO 8601 in UTC, which sorts as text.
  if (window.since) parts.push({ where: 'time >= ?', params: [window.since.toISOString()] })
  if (window.until) parts.push({ where: 'time <= ?', params: [window.until.toISOString()] })
  if (parts.length === 0) return { where: '1', params: [] }
  return { where: parts.map((p) => p.where).join(' AND '), params: parts.flatMap((p) => p.params) }
}
