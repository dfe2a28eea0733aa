/**
 * ClusterStore on consul's KV: versions are ModifyIndex, revisions X-Consul-Index, a transaction
 * is one /v1/txn, a watch is a chain of blocking queries on the prefix, liveness a session with
 * behavior=delete.
 */
import { ConsulApi } from './consul-api.js'
import type { StoreConfig } from './store-url.js'
import {
  type ClusterStore,
  checkKey,
  type KvChange,
  type KvCompare,
  type KvEntry,
  type KvOp,
  refused,
  type Session,
  unreachable,
  type WatchHandlers,
  within,
} from './store.js'

/** One entry of a KV read; Value is base64, null for an empty value. */
interface ConsulKv {
  Key: string
  Value: string | null
  ModifyIndex: number
}

interface TxnErrors {
  Errors?: { OpIndex: number; What: string }[]
}

/** How long a blocking query waits for a change before consul answers anyway. */
const WATCH_WAIT_SECONDS = 20
/** Pause after a failed blocking query, doubling up to the maximum. */
const RETRY_MS = { first: 500, max: 10_000 }

/** A prefix's keys and versions at a revision: what a watch diffs the next listing against. */
interface Snapshot {
  revision: number
  versions: Map<string, number>
}

export class ConsulStore implements ClusterStore {
  readonly description: string
  private readonly api: ConsulApi
  private readonly root: string
  /**
   * The latest listing of each prefix (from list or a watch). A blocking query answers with the
   * whole prefix, never with what was deleted: a watch finds deletions by comparing with the
   * listing at its starting revision, so it starts from one of these.
   */
  private readonly snapshots = new Map<string, Snapshot>()
  private readonly closers = new Set<() => void>()

  constructor(private readonly config: StoreConfig) {
    this.description = config.description
    this.api = new ConsulApi(config)
    this.root = `${config.url.prefix}/`
  }

  async get(key: string): Promise<KvEntry | undefined> {
    checkKey(key)
    const res = await this.bounded(
      this.api.request({ method: 'GET', path: this.kvPath(key), expect: [404], what: `reading ${key}` }),
    )
    const kv = res.status === 404 ? undefined : (res.body as ConsulKv[])[0]
    return kv && this.entry(kv)
  }

  async list(prefix: string): Promise<{ entries: KvEntry[]; revision: number }> {
    const res = await this.bounded(this.readPrefix(prefix, {}))
    const entries = this.entries(res.status, res.body)
    this.remember(prefix, res.index, entries)
    return { entries, revision: res.index }
  }

  async txn(compares: KvCompare[], ops: KvOp[]): Promise<boolean> {
    const kv = [
      ...compares.map((c) => {
        checkKey(c.key)
        const Key = this.root + c.key
        return c.version === 0 ? { Verb: 'check-not-exists', Key } : { Verb: 'check-index', Key, Index: c.version }
      }),
      ...ops.map((op) => {
        if ('del' in op) {
          checkKey(op.del)
          return { Verb: 'delete', Key: this.root + op.del }
        }
        checkKey(op.put)
        const Value = Buffer.from(op.value).toString('base64')
        // "lock" ties the key to the session: deleted with it (behavior=delete).
        return op.session
          ? { Verb: 'lock', Key: this.root + op.put, Value, Session: op.session.id }
          : { Verb: 'set', Key: this.root + op.put, Value }
      }),
    ]
    const res = await this.bounded(
      this.api.request({ method: 'PUT', path: 'txn', body: kv.map((KV) => ({ KV })), expect: [409], what: 'the transaction' }),
    )
    if (res.status !== 409) return true
    const errors = (res.body as TxnErrors).Errors ?? []
    // A failed compare is the answer "false"; an op that failed on its own (a key another
    // session holds) is an error the caller must see.
    if (errors.some((e) => e.OpIndex < compares.length)) return false
    throw refused(this.description, 'the transaction', errors.map((e) => e.What).join('; '))
  }

  watch(prefix: string, revision: number, handlers: WatchHandlers): { close(): void } {
    const abort = new AbortController()
    const close = () => {
      abort.abort()
      this.closers.delete(close)
    }
    this.closers.add(close)
    void this.follow(prefix, revision, handlers, abort.signal).finally(close)
    return { close }
  }

  async session(ttlSeconds: number): Promise<Session> {
    const ttl = `${ttlSeconds}s`
    const res = await this.bounded(
      this.api.request({
        method: 'PUT',
        path: 'session/create',
        // No checks: only the TTL keeps it alive (the agent's node is not the caller's host).
        // No lock delay: a host that comes back may claim its keys again at once.
        body: { Name: 'patchbay', TTL: ttl, Behavior: 'delete', LockDelay: '0s', Checks: [] },
        what: 'a session',
      }),
    )
    const id = (res.body as { ID: string }).ID
    return new ConsulSession(id, ttlSeconds, this, this.closers)
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    try {
      const res = await this.bounded(this.api.request({ method: 'GET', path: 'status/leader', what: 'a health check' }))
      const leader = typeof res.body === 'string' ? res.body : ''
      return leader ? { ok: true, detail: `${this.description}: leader ${leader}` } : { ok: false, detail: `${this.description}: no leader elected` }
    } catch (err) {
      return { ok: false, detail: (err as Error).message }
    }
  }

  async close(): Promise<void> {
    for (const close of [...this.closers]) close()
    this.api.close()
  }

  /** For ConsulSession: a bounded PUT on a session endpoint. */
  sessionCall(path: string, what: string): Promise<{ status: number; body: unknown }> {
    return this.bounded(this.api.request({ method: 'PUT', path, expect: [404], what }))
  }

  private async follow(prefix: string, from: number, handlers: WatchHandlers, signal: AbortSignal): Promise<void> {
    let snapshot = await this.startingSnapshot(prefix, from, handlers, signal)
    let retryMs = RETRY_MS.first
    let failed = false
    while (snapshot && !signal.aborted) {
      let res
      try {
        // After a failure the agent may be a new one: consul blocks a query whose index is ahead
        // of its own for the whole wait, so the first read after a failure does not block.
        res = await this.readPrefix(
          prefix,
          failed
            ? { signal }
            : {
                // consul treats index 0 as "answer now"; a revision of 0 means the prefix never had a write.
                index: Math.max(snapshot.revision, 1),
                wait: `${WATCH_WAIT_SECONDS}s`,
                // consul adds up to wait/16 of jitter before answering an unchanged query.
                timeoutMs: (WATCH_WAIT_SECONDS * 1000 * 17) / 16 + this.config.timeoutMs,
                signal,
              },
        )
      } catch (err) {
        if (signal.aborted) return
        handlers.onError(err as Error)
        failed = true
        await sleep(retryMs, signal)
        retryMs = Math.min(retryMs * 2, RETRY_MS.max)
        continue
      }
      failed = false
      retryMs = RETRY_MS.first
      if (signal.aborted) return
      if (res.index < snapshot.revision) {
        // A new agent with an empty or restored store: what we hold may be wrong in ways no diff shows.
        handlers.onReset(`${this.description}: index went back from ${snapshot.revision} to ${res.index} (store restarted without its data?)`)
        return
      }
      if (res.index === snapshot.revision) continue
      const entries = this.entries(res.status, res.body)
      const changes = diff(snapshot.versions, entries)
      snapshot = this.remember(prefix, res.index, entries)
      if (changes.length > 0) handlers.onChange(changes, res.index)
    }
  }

  /** The listing at `from`: remembered from list(), or read now if nothing changed since. */
  private async startingSnapshot(prefix: string, from: number, handlers: WatchHandlers, signal: AbortSignal): Promise<Snapshot | undefined> {
    const known = this.snapshots.get(prefix)
    if (known?.revision === from) return known
    let res
    try {
      res = await this.bounded(this.readPrefix(prefix, { signal }))
    } catch (err) {
      if (!signal.aborted) handlers.onReset(`cannot start watching ${prefix || 'the store'}: ${(err as Error).message}`)
      return undefined
    }
    if (res.index === from) return this.remember(prefix, res.index, this.entries(res.status, res.body))
    if (!signal.aborted) handlers.onReset(`${this.description}: cannot resume from index ${from} (now ${res.index}): list again`)
    return undefined
  }

  private readPrefix(prefix: string, opts: { index?: number; wait?: string; timeoutMs?: number; signal?: AbortSignal }) {
    return this.api.request({
      method: 'GET',
      path: this.kvPath(prefix),
      query: { recurse: true, index: opts.index, wait: opts.wait },
      expect: [404],
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      what: `listing ${prefix || 'the store'}`,
    })
  }

  private remember(prefix: string, revision: number, entries: KvEntry[]): Snapshot {
    const snapshot = { revision, versions: new Map(entries.map((e) => [e.key, e.version])) }
    this.snapshots.set(prefix, snapshot)
    return snapshot
  }

  private entries(status: number, body: unknown): KvEntry[] {
    return status === 404 ? [] : (body as ConsulKv[]).map((kv) => this.entry(kv))
  }

  private entry(kv: ConsulKv): KvEntry {
    return {
      key: kv.Key.slice(this.root.length),
      value: kv.Value === null ? '' : Buffer.from(kv.Value, 'base64').toString('utf8'),
      version: kv.ModifyIndex,
    }
  }

  private kvPath(key: string): string {
    return `kv/${(this.root + key).split('/').map(encodeURIComponent).join('/')}`
  }

  /** The request's own deadline should fire first; this one is the guarantee. */
  private bounded<T>(p: Promise<T>): Promise<T> {
    return within(p, this.config.timeoutMs + 500, () => unreachable(this.description, `no answer in ${this.config.timeoutMs} ms`))
  }
}

/** Puts and deletions between two listings of a prefix, in key order. */
function diff(before: Map<string, number>, after: KvEntry[]): KvChange[] {
  const changes: KvChange[] = []
  const seen = new Set<string>()
  for (const e of after) {
    seen.add(e.key)
    if (before.get(e.key) !== e.version) changes.push({ key: e.key, value: e.value, version: e.version })
  }
  for (const key of before.keys()) if (!seen.has(key)) changes.push({ key, version: 0 })
  return changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Renewed every TTL/2; consul invalidates a session 2 x TTL after its last renewal. */
class ConsulSession implements Session {
  private readonly lostHandlers: ((reason: string) => void)[] = []
  private timer: NodeJS.Timeout
  private lastRenewal = Date.now()
  private ended = false

  constructor(
    readonly id: string,
    private readonly ttlSeconds: number,
    private readonly store: ConsulStore,
    private readonly closers: Set<() => void>,
  ) {
    this.timer = setInterval(() => void this.renew(), (ttlSeconds * 1000) / 2)
    this.closers.add(this.stop)
  }

  onLost(handler: (reason: string) => void): void {
    this.lostHandlers.push(handler)
  }

  async close(): Promise<void> {
    this.stop()
    await this.store.sessionCall(`session/destroy/${this.id}`, 'ending the session')
  }

  private readonly stop = () => {
    this.ended = true
    clearInterval(this.timer)
    this.closers.delete(this.stop)
  }

  private async renew(): Promise<void> {
    try {
      const res = await this.store.sessionCall(`session/renew/${this.id}`, 'the session renewal')
      if (res.status === 404) return this.lost(`${this.store.description} no longer knows session ${this.id}`)
      this.lastRenewal = Date.now()
    } catch (err) {
      if (Date.now() - this.lastRenewal > 2 * this.ttlSeconds * 1000) {
        this.lost(`session ${this.id} not renewed for ${2 * this.ttlSeconds} s: ${(err as Error).message}`)
      }
    }
  }

  private lost(reason: string): void {
    if (this.ended) return
    this.stop()
    for (const h of this.lostHandlers) h(reason)
  }
}
