import type { AppState } from '../app/state.js'
import type { ClusterFacts } from '../core/context.js'
import { UserError } from '../core/errors.js'
import type { Actor, NewEvent, Origin } from '../events/types.js'
import { upcast } from '../events/upcast.js'
import type { KernelOps } from '../kernel/ops.js'
import type { Paths } from '../config/paths.js'
import { type ClusterConfig, readClusterConfig } from './config.js'
import { type ClusterStore, ClusterStoreError } from './store.js'
import { type StreamEvent, type StreamHead, appendAfter, isGlobal, listHosts, originOf, readAfter, readBetween, readHead } from './stream.js'

/**
 * The stream moved since this host last read it: catch up, then decide again. `head` is the
 * head the claim saw, when it saw one (a lost compare-and-set does not say where the head went).
 */
export class StaleStream extends Error {
  constructor(readonly head?: StreamHead) {
    super('the cluster changed while this host decided')
  }
}

/** What a claim appends with: who decided, and when (the same in every host's log). */
export interface ClaimContext {
  app: AppState
  actor: Actor
  time: string
}

/**
 * One process's tie to its cluster: the store (opened on first use, so a host's local work
 * never waits for it), claims of the global events a decision makes, and catching up with
 * what the other hosts appended.
 */
export class ClusterLink {
  private opened: Promise<ClusterStore> | undefined

  constructor(readonly config: ClusterConfig) {}

  store(): Promise<ClusterStore> {
    this.opened ??= import('./open-store.js').then(({ openClusterStore }) => openClusterStore(this.config.store, { storeOpts: this.config.storeOpts }))
    this.opened.catch(() => (this.opened = undefined))
    return this.opened
  }

  /** This host's part of ClusterFacts, known without asking the store. */
  localFacts(): ClusterFacts {
    return { host: this.config.host, advertise: this.config.advertise, otherHosts: [] }
  }

  /** ClusterFacts with every other live host's local networks (one read of the store). */
  async facts(): Promise<ClusterFacts> {
    const hosts = await listHosts(await this.store())
    const otherHosts = [...hosts].filter(([name]) => name !== this.config.host).map(([name, r]) => ({ name, networks: r.networks }))
    return { ...this.localFacts(), otherHosts }
  }

  /**
   * Claims the events of a decision that belong to the global stream: appends them after the
   * head this host has read up to, if it is still the head (compare-and-set). Resolves with each
   * event's origin (null for this host's own); StaleStream when the stream moved meanwhile.
   */
  async claim(events: NewEvent[], at: ClaimContext): Promise<(Origin | null)[]> {
    const global = events.map((e) => isGlobal(e, at.app.state))
    if (!global.includes(true)) return events.map(() => null)
    const store = await this.store()
    const head = await readHead(store)
    const seen = lastStreamSeq(at.app)
    if (head.seq < seen) {
      throw new UserError(`${store.description} holds ${head.seq} cluster events, fewer than the ${seen} this host has seen: it lost data (restarted without its data directory?); restore the store's data before changing networks that span hosts`)
    }
    if (head.seq > seen) throw new StaleStream(head)
    const { SCHEMA_VERSIONS } = await import('../events/schema.js')
    const records = events
      .filter((_, i) => global[i])
      .map((e) => ({ type: e.type, schema: SCHEMA_VERSIONS[e.type], payload: e.payload, time: at.time, host: this.config.host, actor: at.actor }))
    const seqs = await appendAfter(store, head, records).catch((err: Error) => {
      // The request may sit in the store's queue and still apply: say so. If it lands, every
      // host takes it in; an endpoint whose container went with this rollback is released again.
      throw err instanceof ClusterStoreError && err.reason === 'unreachable'
        ? new UserError(`${err.message}; the change was sent and may still take effect when the store answers (patchbay events will show it)`)
        : err
    })
    if (!seqs) throw new StaleStream()
    let next = 0
    return global.map((g) => (g ? { host: this.config.host, seq: seqs[next++]! } : null))
  }

  /**
   * Imports what the stream gained since this host last read it; resolves with the store's
   * revision of that reading, from which a watch misses nothing.
   */
  async catchUp(app: AppState, kernel: KernelOps, warn: (text: string) => void): Promise<number> {
    const { events, revision } = await readAfter(await this.store(), lastStreamSeq(app))
    await importStream(app, kernel, events, warn, this.config.host)
    return revision
  }

  /** Imports the events a stale claim found between this host's log and the head it saw. */
  async catchUpAfter(stale: StaleStream, app: AppState, kernel: KernelOps, warn: (text: string) => void): Promise<void> {
    if (!stale.head) {
      await this.catchUp(app, kernel, warn)
      return
    }
    const events = await readBetween(await this.store(), lastStreamSeq(app), stale.head.seq)
    await importStream(app, kernel, events, warn, this.config.host)
  }

  async close(): Promise<void> {
    const store = await this.opened?.catch(() => undefined)
    this.opened = undefined
    await store?.close()
  }
}

/** The link of a root that belongs to a cluster (ROOT/cluster.json), or undefined. */
export function clusterLinkFor(paths: Paths): ClusterLink | undefined {
  const config = readClusterConfig(paths)
  return config && new ClusterLink(config)
}

/** The last event of the cluster's stream this host's log holds (0: none). */
export function lastStreamSeq(app: AppState): number {
  return (app.db.prepare('SELECT max(origin_seq) FROM events WHERE origin_host IS NOT NULL').pluck().get() as number | null) ?? 0
}

/** Appends the stream's events to this host's log, once each, and makes the kernel follow them. */
export async function importStream(app: AppState, kernel: KernelOps, events: StreamEvent[], warn: (text: string) => void, localHost: string): Promise<void> {
  if (events.length === 0) return
  const { importEvents } = await import('../app/import-events.js')
  await importEvents(
    app,
    kernel,
    // A host running older code may have written an older version: today's shape is appended.
    events.map((e) => ({ type: e.type, payload: upcast(e.type, e.schema, e.payload as never), time: e.time, host: e.host, actor: e.actor, origin: originOf(e) }) as never),
    warn,
    localHost,
  )
}
