import type Database from 'better-sqlite3'
import type { Db } from './database.js'
import { type EventRow, GENESIS_HASH, eventHash } from './hash.js'

export type { EventRow }
import type { Actor, EventType, NewEvent, Origin, ProjectableEvent, StoredEvent } from './types.js'
import { ReplayError } from './replay-error.js'
import { upcast } from './upcast.js'

export interface AppendContext {
  actor: Actor
  host: string
  /** One timestamp for a whole decision: its events happened together. */
  time: string
  /**
   * Where each event entered the cluster's stream (its deciding host and its place there), for
   * the events that belong to it; null (or absent) for an event of this host alone.
   */
  origins?: (Origin | null)[]
}

export type Projector = (event: ProjectableEvent) => void

/**
 * What the append path needs of the event schema (src/events/schema.ts, loaded on the write
 * path only): the check every payload passes and the version it is stored as.
 */
export interface EventSchema {
  validatePayload(type: EventType, payload: unknown): void
  SCHEMA_VERSIONS: Record<EventType, number>
}

/** The payload of a row, in today's shape. */
const payloadOf = (r: EventRow): NewEvent['payload'] => upcast(r.type as EventType, r.schema ?? 1, JSON.parse(r.payload))

export function rowToEvent(r: EventRow): StoredEvent {
  return {
    seq: r.seq,
    time: r.time,
    type: r.type,
    schema: r.schema ?? 1,
    host: r.host,
    actor: JSON.parse(r.actor),
    origin: r.origin_host ? { host: r.origin_host, seq: r.origin_seq } : null,
    payload: payloadOf(r),
    prevHash: r.prev_hash,
    hash: r.hash,
  } as StoredEvent
}

/** What replay needs of a row: the payload in today's shape, the actor left alone (it is never projected). */
export function rowToProjectable(r: EventRow): ProjectableEvent {
  return { seq: r.seq, hash: r.hash, type: r.type, payload: payloadOf(r) } as ProjectableEvent
}

/**
 * The columns copied out of an event's hashed text so that filters can use indexes: who acted
 * (SUDO_USER, else the user) and the network and container it is about. Not hashed themselves:
 * `audit verify` recomputes them from the hashed actor and payload.
 */
export interface IndexedCopies {
  actorUser: string
  networkId: string | null
  containerId: string | null
}

export function indexedCopies(e: NewEvent, actor: Pick<Actor, 'user' | 'sudoUser'>): IndexedCopies {
  const actorUser = actor.sudoUser ?? actor.user
  switch (e.type) {
    case 'NetworkCreated':
    case 'NetworkRemoved':
      return { actorUser, networkId: e.payload.id, containerId: null }
    case 'ContainerCreated':
    case 'ContainerRemoved':
      return { actorUser, networkId: null, containerId: e.payload.id }
    case 'EndpointConnected':
    case 'EndpointDisconnected':
      return { actorUser, networkId: e.payload.networkId, containerId: e.payload.containerId }
    case 'OperationFailed':
    case 'HostJoined':
    case 'HostLeft':
      return { actorUser, networkId: null, containerId: null }
  }
}

export interface LogHead {
  seq: number
  hash: string
}

const headStatements = new WeakMap<Db, Database.Statement>()

/** The last event's seq and hash; seq 0 and the genesis hash for an empty log. */
export function logHead(db: Db): LogHead {
  let stmt = headStatements.get(db)
  if (!stmt) headStatements.set(db, (stmt = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1')))
  return (stmt.get() as LogHead | undefined) ?? { seq: 0, hash: GENESIS_HASH }
}

/** Append-only access to the log. The caller holds the write transaction. */
export class EventLog {
  private readonly insert

  /** `schema`: the event schema, once the write path has loaded it (appending before is a bug). */
  constructor(
    private readonly db: Db,
    private readonly project: Projector,
    private readonly schema: () => EventSchema | undefined,
  ) {
    this.insert = db.prepare(
      `INSERT INTO events (seq, time, type, schema, host, actor, origin_host, origin_seq, actor_user, network_id, container_id, payload, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
  }

  head(): LogHead {
    return logHead(this.db)
  }

  /** Validates, hashes, stores and projects each event, in order, in its current version. */
  append(events: NewEvent[], ctx: AppendContext): StoredEvent[] {
    const schema = this.schema()
    if (!schema) throw new Error('events appended before the event schema was loaded')
    let { seq, hash } = this.head()
    const actor = JSON.stringify(ctx.actor)
    const stored: StoredEvent[] = []
    for (const [i, e] of events.entries()) {
      const origin = ctx.origins?.[i] ?? null
      schema.validatePayload(e.type, e.payload)
      seq += 1
      const version = schema.SCHEMA_VERSIONS[e.type]
      const payload = JSON.stringify(e.payload)
      const prevHash = hash
      const row = { seq, time: ctx.time, type: e.type, schema: version, host: ctx.host, actor, origin_host: origin?.host ?? null, origin_seq: origin?.seq ?? null, payload, prev_hash: prevHash }
      hash = eventHash(row)
      const c = indexedCopies(e, ctx.actor)
      this.insert.run(seq, ctx.time, e.type, version, ctx.host, actor, row.origin_host, row.origin_seq, c.actorUser, c.networkId, c.containerId, payload, prevHash, hash)
      const event = { ...e, seq, time: ctx.time, schema: version, host: ctx.host, actor: ctx.actor, origin, prevHash, hash } as StoredEvent
      this.project(event)
      stored.push(event)
    }
    return stored
  }
}

/** Which events to read: a WHERE clause over the events table and its parameters. */
export interface EventSelection {
  where: string
  params: (string | number)[]
}

export const ALL_EVENTS: EventSelection = { where: '1', params: [] }

const ROW_COLUMNS = 'seq, time, type, schema, host, actor, origin_host, origin_seq, payload, prev_hash, hash'

const toEventRow = (r: unknown[]): EventRow =>
  ({ seq: r[0], time: r[1], type: r[2], schema: r[3], host: r[4], actor: r[5], origin_host: r[6], origin_seq: r[7], payload: r[8], prev_hash: r[9], hash: r[10] }) as EventRow

/**
 * The rows `sel` picks with seq in (after, upTo] (upTo at most the head when this starts), in
 * order, one page per `span` consecutive seqs. A page is a seq range, never an offset: memory
 * stays bounded, a filter served by an index in another order (several network ids, say)
 * sorts each row once, and one that needs a scan reads each row once. No statement stays
 * open between pages, so the caller may use the connection meanwhile (rebuild writes).
 * Rows come raw (arrays of `columns`, seq first): about twice as fast to read as
 * better-sqlite3's row objects, which replaying a million events notices.
 */
function* rawPages(db: Db, columns: string, sel: EventSelection, range: { after?: number; upTo?: number }, span: number): Generator<unknown[][]> {
  const page = db.prepare(`SELECT ${columns} FROM events WHERE seq > ? AND seq <= ? AND (${sel.where}) ORDER BY seq`).raw(true)
  const nextSeq = db.prepare('SELECT min(seq) FROM events WHERE seq > ?').pluck()
  const upTo = Math.min(range.upTo ?? Number.MAX_SAFE_INTEGER, lastSeq(db))
  for (let after = range.after ?? 0; after < upTo; ) {
    const end = Math.min(after + span, upTo)
    const rows = page.all(after, end, ...sel.params) as unknown[][]
    if (rows.length > 0) yield rows
    // Over a gap in the numbering (a tampered log), jump to the next row rather than page through it.
    after = rows.length > 0 ? end : Math.max(end, ((nextSeq.get(end) as number | null) ?? upTo) - 1)
  }
}

/** The events `sel` picks with seq in (after, upTo], a page at a time (see rawPages). */
export function* eventPages(db: Db, sel: EventSelection, range: { after?: number; upTo?: number } = {}, span = 4096): Generator<StoredEvent[]> {
  for (const rows of rawPages(db, ROW_COLUMNS, sel, range, span)) yield rows.map((r) => rowToEvent(toEventRow(r)))
}

/** The log in order from fromSeq, as events. */
export function* readEvents(db: Db, fromSeq = 1, pageSize = 1000): Generator<StoredEvent> {
  for (const page of eventPages(db, ALL_EVENTS, { after: fromSeq - 1 }, pageSize)) yield* page
}

/** The rows with fromSeq <= seq <= toSeq, in order, exactly as stored. */
export function* readEventRows(db: Db, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): Generator<EventRow> {
  for (const rows of rawPages(db, ROW_COLUMNS, ALL_EVENTS, { after: fromSeq - 1, upTo: toSeq }, 1024)) yield* rows.map(toEventRow)
}

/** A row as stored with its indexed copies, for `audit verify` to hold them against the hashed text. */
export type RowWithCopies = EventRow & { copies: IndexedCopies }

/** The rows with fromSeq <= seq <= toSeq, in order, with the columns copied out of them. */
export function* readRowsWithCopies(db: Db, fromSeq: number, toSeq: number): Generator<RowWithCopies> {
  for (const rows of rawPages(db, `${ROW_COLUMNS}, actor_user, network_id, container_id`, ALL_EVENTS, { after: fromSeq - 1, upTo: toSeq }, 1024)) {
    for (const r of rows) yield { ...toEventRow(r), copies: { actorUser: r[11] as string, networkId: r[12] as string | null, containerId: r[13] as string | null } }
  }
}

/** Only a log the append path did not write holds a payload that is not JSON. */
function parsePayload(seq: number, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw ReplayError.at(seq, `its payload is not JSON: ${(err as Error).message}`)
  }
}

/** What replay reads: only the columns projectors use (actors and times are never projected). */
export function* readProjectable(db: Db, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): Generator<ProjectableEvent> {
  for (const rows of rawPages(db, 'seq, hash, type, schema, payload', ALL_EVENTS, { after: fromSeq - 1, upTo: toSeq }, 1024)) {
    for (const r of rows) {
      const type = r[2] as EventType
      yield { seq: r[0], hash: r[1], type, payload: upcast(type, r[3] as number, parsePayload(r[0] as number, r[4] as string)) } as ProjectableEvent
    }
  }
}

/** The newest sequence number in the log (0 when it is empty). */
export function lastSeq(db: Db): number {
  return logHead(db).seq
}

export interface TimeWindow {
  since?: Date
  until?: Date
}

/**
 * The seq range holding every event stamped within the window, read off the time index so
 * that paging need not scan the log outside it. min/max rather than first/last in time
 * order: still exact if the clock once stepped back.
 */
export function windowSeqs(db: Db, window: TimeWindow): { after: number; upTo: number } {
  const seqOf = (sql: string, time: Date): number | null => (db.prepare(sql).get(time.toISOString()) as { seq: number | null }).seq
  const first = window.since ? seqOf('SELECT min(seq) AS seq FROM events INDEXED BY events_time WHERE time >= ?', window.since) : 1
  const last = window.until ? seqOf('SELECT max(seq) AS seq FROM events INDEXED BY events_time WHERE time <= ?', window.until) : Number.MAX_SAFE_INTEGER
  // Nothing stamped at or after `since` yet: the range starts after the head.
  return { after: (first ?? lastSeq(db) + 1) - 1, upTo: last ?? 0 }
}

/**
 * The event stamped last at or before `time` (0 when the log starts later): one step down the
 * time index, so `--at` costs the same on a million events as on ten. (windowSeqs's max(seq)
 * reads every entry up to the time instead; the two differ only if the clock stepped back.)
 */
export function seqAtTime(db: Db, time: Date): number {
  const row = db.prepare('SELECT seq FROM events INDEXED BY events_time WHERE time <= ? ORDER BY time DESC, seq DESC LIMIT 1').get(time.toISOString())
  return (row as { seq: number } | undefined)?.seq ?? 0
}
