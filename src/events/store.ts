import type { Db } from './database.js'
import { type EventRow, GENESIS_HASH, eventHash } from './hash.js'

export type { EventRow }
import type { Actor, NewEvent, StoredEvent } from './types.js'
import { validatePayload } from './validate.js'

export interface AppendContext {
  actor: Actor
  host: string
  /** One timestamp for a whole decision: its events happened together. */
  time: string
}

export type Projector = (event: StoredEvent) => void

export function rowToEvent(r: EventRow): StoredEvent {
  return {
    seq: r.seq,
    time: r.time,
    type: r.type,
    host: r.host,
    actor: JSON.parse(r.actor),
    payload: JSON.parse(r.payload),
    prevHash: r.prev_hash,
    hash: r.hash,
  } as StoredEvent
}

/** Subject ids copied into indexed columns for filtering. */
function subjects(e: NewEvent): { network: string | null; container: string | null } {
  switch (e.type) {
    case 'NetworkCreated':
    case 'NetworkRemoved':
      return { network: e.payload.id, container: null }
    case 'ContainerCreated':
    case 'ContainerRemoved':
      return { network: null, container: e.payload.id }
    case 'EndpointConnected':
    case 'EndpointDisconnected':
      return { network: e.payload.networkId, container: e.payload.containerId }
    case 'OperationFailed':
      return { network: null, container: null }
  }
}

/** Append-only access to the log. The caller holds the write transaction. */
export class EventLog {
  private readonly insert
  private readonly headStmt

  constructor(
    db: Db,
    private readonly project: Projector,
  ) {
    this.insert = db.prepare(
      `INSERT INTO events (seq, time, type, host, actor, actor_user, network_id, container_id, payload, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.headStmt = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1')
  }

  head(): { seq: number; hash: string } {
    return (this.headStmt.get() as { seq: number; hash: string } | undefined) ?? { seq: 0, hash: GENESIS_HASH }
  }

  /** Validates, hashes, stores and projects each event, in order. */
  append(events: NewEvent[], ctx: AppendContext): StoredEvent[] {
    let { seq, hash } = this.head()
    const actor = JSON.stringify(ctx.actor)
    const stored: StoredEvent[] = []
    for (const e of events) {
      validatePayload(e.type, e.payload)
      seq += 1
      const payload = JSON.stringify(e.payload)
      const prevHash = hash
      hash = eventHash({ seq, time: ctx.time, type: e.type, host: ctx.host, actor, payload, prev_hash: prevHash })
      const s = subjects(e)
      this.insert.run(seq, ctx.time, e.type, ctx.host, actor, ctx.actor.sudoUser ?? ctx.actor.user, s.network, s.container, payload, prevHash, hash)
      const event = { ...e, seq, time: ctx.time, host: ctx.host, actor: ctx.actor, prevHash, hash } as StoredEvent
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

/**
 * Reads the log in order, a page at a time: a million events never sit in memory at once,
 * and no statement stays open, so the caller may write (rebuild projects while it reads).
 */
export function* readEvents(db: Db, fromSeq = 1, pageSize = 1000): Generator<StoredEvent> {
  for (const page of eventPages(db, ALL_EVENTS, { after: fromSeq - 1 }, pageSize)) yield* page
}

/**
 * The events `sel` picks with seq in (after, upTo] (upTo at most the head when this starts),
 * in order, one page per `span` consecutive seqs. A page is a seq range, never an offset:
 * memory stays bounded, a filter served by an index in another order (several network ids,
 * say) sorts each row once, and one that needs a scan reads each row once.
 */
export function* eventPages(
  db: Db,
  sel: EventSelection,
  range: { after?: number; upTo?: number } = {},
  span = 4096,
): Generator<StoredEvent[]> {
  const page = db.prepare(
    `SELECT seq, time, type, host, actor, payload, prev_hash, hash FROM events
      WHERE seq > ? AND seq <= ? AND (${sel.where}) ORDER BY seq`,
  )
  const upTo = Math.min(range.upTo ?? Number.MAX_SAFE_INTEGER, lastSeq(db))
  for (let after = range.after ?? 0; after < upTo; after += span) {
    const rows = page.all(after, Math.min(after + span, upTo), ...sel.params) as EventRow[]
    if (rows.length > 0) yield rows.map(rowToEvent)
  }
}

/** The newest sequence number in the log (0 when it is empty). */
export function lastSeq(db: Db): number {
  return (db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM events').get() as { seq: number }).seq
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
