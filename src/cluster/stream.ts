/**
 * The cluster's global event stream in the key-value store: every event about a network that
 * spans hosts (its creation and removal, every endpoint on it) and every host joining or
 * leaving, in one order all hosts agree on.
 *
 *   head              {"seq": N}: the last event's number; its version is what appends compare
 *   stream/<seq>      one event: {type, schema, payload, time, host, actor}
 *   hosts/<name>      a live host: {advertise, beat, networks}, tied to its session
 *
 * An append puts the next events and moves the head in one transaction that holds only if the
 * head is still where the appender last saw it (a compare-and-set): every unique claim (a name,
 * a VNI, a subnet, an address) is decided against the whole stream, never read-then-written.
 */
import type { Actor, NewEvent, Origin } from '../events/types.js'
import type { StateQueries } from '../projections/queries.js'
import type { ClusterStore, KvEntry, Session } from './store.js'

const HEAD = 'head'
const EVENTS = 'stream/'
export const HOSTS = 'hosts/'

/** An event as the stream holds it. */
export interface StreamEvent {
  seq: number
  type: NewEvent['type']
  schema: number
  payload: NewEvent['payload']
  time: string
  /** The host that decided it. */
  host: string
  actor: Actor
}

/** What a host publishes about itself, renewed every few seconds while its daemon runs. */
export interface HostRecord {
  advertise: string
  /** Counts up with each renewal: a value that stops changing is a host that stopped. */
  beat: number
  /** Its local networks: a network spanning hosts takes none of their names or subnets. */
  networks: { name: string; subnet: string | null }[]
}

const eventKey = (seq: number): string => `${EVENTS}${String(seq).padStart(12, '0')}`

/** Whether an event belongs to the global stream: it is about a network spanning hosts, or a host. */
export function isGlobal(e: NewEvent, state: StateQueries): boolean {
  switch (e.type) {
    case 'HostJoined':
    case 'HostLeft':
      return true
    case 'NetworkCreated':
      return e.payload.scope === 'global'
    case 'NetworkRemoved':
      return state.findNetwork(e.payload.id)?.scope === 'global'
    case 'EndpointConnected':
    case 'EndpointDisconnected':
      return e.payload.host !== null
    default:
      return false
  }
}

export interface StreamHead {
  seq: number
  /** The head key's version (0: no event yet): what the next append compares. */
  version: number
}

export async function readHead(store: ClusterStore): Promise<StreamHead> {
  const entry = await store.get(HEAD)
  return entry ? { seq: (JSON.parse(entry.value) as { seq: number }).seq, version: entry.version } : { seq: 0, version: 0 }
}

/**
 * Appends `events` after `head`: resolves with their sequence numbers, or undefined when the
 * head moved meanwhile (someone else appended: catch up, decide again).
 */
export async function appendAfter(store: ClusterStore, head: StreamHead, events: Omit<StreamEvent, 'seq'>[]): Promise<number[] | undefined> {
  const seqs = events.map((_, i) => head.seq + 1 + i)
  const ok = await store.txn(
    [{ key: HEAD, version: head.version }],
    [...events.map((e, i) => ({ put: eventKey(seqs[i]!), value: JSON.stringify({ ...e, seq: seqs[i] }) })), { put: HEAD, value: JSON.stringify({ seq: seqs.at(-1) }) }],
  )
  return ok ? seqs : undefined
}

/** The stream's events after `seq`, in order, and the revision a watch of them may start from. */
export async function readAfter(store: ClusterStore, seq: number): Promise<{ events: StreamEvent[]; revision: number }> {
  const { entries, revision } = await store.list(EVENTS)
  const events = entries
    .filter((e) => Number(e.key.slice(EVENTS.length)) > seq)
    .map((e) => JSON.parse(e.value) as StreamEvent)
    .sort((a, b) => a.seq - b.seq)
  return { events, revision }
}

/** Most events fetched one key each (in parallel) when catching up; more are listed at once. */
const FEW_EVENTS = 64

/**
 * The stream's events in (seq, upTo]: a gap a claim found small is fetched key by key in
 * parallel, one round trip of small answers where a listing would carry the whole stream.
 */
export async function readBetween(store: ClusterStore, seq: number, upTo: number): Promise<StreamEvent[]> {
  if (upTo - seq > FEW_EVENTS) return (await readAfter(store, seq)).events.filter((e) => e.seq <= upTo)
  const seqs = Array.from({ length: Math.max(0, upTo - seq) }, (_, i) => seq + 1 + i)
  const entries = await Promise.all(seqs.map((n) => store.get(eventKey(n))))
  // Keys are never deleted, so a missing one means the store lost data: the listing says what it holds.
  if (entries.some((e) => !e)) return (await readAfter(store, seq)).events.filter((e) => e.seq <= upTo)
  return entries.map((e) => JSON.parse(e!.value) as StreamEvent)
}

export const EVENTS_PREFIX = EVENTS

/** The origin an event of the stream carries in every host's log. */
export const originOf = (e: StreamEvent): Origin => ({ host: e.host, seq: e.seq })

/** Publishes (or renews) this host's record, tied to its session. */
export async function putHost(store: ClusterStore, name: string, record: HostRecord, session: Session): Promise<void> {
  await store.txn([], [{ put: `${HOSTS}${name}`, value: JSON.stringify(record), session }])
}

/** The hosts alive now, by name. */
export async function listHosts(store: ClusterStore): Promise<Map<string, HostRecord>> {
  const { entries } = await store.list(HOSTS)
  return new Map(entries.map((e: KvEntry) => [e.key.slice(HOSTS.length), JSON.parse(e.value) as HostRecord]))
}
