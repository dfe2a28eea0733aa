/**
 * ClusterStore on etcd v3 through the etcd3 client: versions are mod_revision, revisions the
 * store's, a transaction is one Txn comparing mod_revision, a watch etcd's own from a revision,
 * liveness a lease. The client's builders send nothing until awaited, so the raw KV calls are
 * used instead; keys carry the store prefix themselves (no etcd3 namespace).
 */
import {
  CompareResult,
  CompareTarget,
  Etcd3,
  GRPCDeadlineExceededError,
  type IKeyValue,
  type IOptions,
  type IRequestOp,
  type IWatchResponse,
  isRecoverableError,
  type Lease,
} from 'etcd3'
import type { StoreConfig } from './store-url.js'
import {
  type ClusterStore,
  checkKey,
  type KvCompare,
  type KvEntry,
  type KvOp,
  refused,
  type Session,
  unreachable,
  type WatchHandlers,
  within,
} from './store.js'

type Policy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>

/**
 * etcd3 retries a failed call three times and then stops calling a host for 5 s; here a call
 * is tried once within its deadline, and the caller decides about retrying.
 */
const callOnce = { execute: async (fn: () => unknown) => fn() } as unknown as Policy

export class EtcdStore implements ClusterStore {
  readonly description: string
  private readonly client: Etcd3
  private readonly root: string
  private readonly closers = new Set<() => void>()

  constructor(private readonly config: StoreConfig) {
    this.description = config.description
    this.root = `${config.url.prefix}/`
    const { tls, auth, timeoutMs } = config
    const deadline = () => ({ deadline: Date.now() + timeoutMs })
    this.client = new Etcd3({
      hosts: `${tls ? 'https' : 'http'}://${config.url.host}:${config.url.port}`,
      // Without kv.cacertfile, grpc trusts the system's CAs: it takes a null rootCertificate
      // (whatever etcd3's type says).
      credentials: tls && { rootCertificate: tls.ca ?? (null as unknown as Buffer), privateKey: tls.key, certChain: tls.cert },
      auth: auth && { ...auth, callOptions: deadline },
      dialTimeout: timeoutMs,
      // Streams (watch, lease keep-alive) live long; every other call has the deadline.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : deadline()),
      faultHandling: { host: () => callOnce, global: callOnce },
      grpcOptions: {
        // A frozen or vanished etcd ends the watch stream within ~13 s (etcd refuses pings
        // more often than every 5 s) instead of leaving it silent.
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 3_000,
        // Reconnect soon after the store is back, not after grpc's default 2 minutes of backoff.
        'grpc.max_reconnect_backoff_ms': 2_000,
      },
    })
  }

  async get(key: string): Promise<KvEntry | undefined> {
    checkKey(key)
    const res = await this.call(`reading ${key}`, () => this.client.kv.range({ key: this.full(key) }))
    const kv = res.kvs[0]
    return kv && this.entry(kv)
  }

  async list(prefix: string): Promise<{ entries: KvEntry[]; revision: number }> {
    const key = this.full(prefix)
    const res = await this.call(`listing ${prefix || 'the store'}`, () => this.client.kv.range({ key, range_end: prefixEnd(key) }))
    return { entries: res.kvs.map((kv) => this.entry(kv)), revision: Number(res.header.revision) }
  }

  async txn(compares: KvCompare[], ops: KvOp[]): Promise<boolean> {
    for (const c of compares) checkKey(c.key)
    const success: IRequestOp[] = ops.map((op) => {
      if ('del' in op) {
        checkKey(op.del)
        return { request_delete_range: { key: this.full(op.del) } }
      }
      checkKey(op.put)
      return { request_put: { key: this.full(op.put), value: Buffer.from(op.value), lease: op.session?.id } }
    })
    // An absent key's mod_revision is 0, so "version 0" is the same compare.
    const compare = compares.map((c) => ({
      key: this.full(c.key),
      result: CompareResult.Equal,
      target: CompareTarget.Mod,
      mod_revision: c.version,
    }))
    const res = await this.call('the transaction', () => this.client.kv.txn({ compare, success, failure: [] }))
    return res.succeeded
  }

  watch(prefix: string, revision: number, handlers: WatchHandlers): { close(): void } {
    const key = this.full(prefix)
    const watcher = this.client.watch().inRange({ start: key, end: prefixEnd(key) }).startRevision(String(revision + 1)).watcher()
    let open = true
    const close = () => {
      if (!open) return
      open = false
      this.closers.delete(close)
      void watcher.cancel().catch(() => {})
    }
    this.closers.add(close)
    const reset = (reason: string) => {
      if (!open) return
      close()
      handlers.onReset(reason)
    }
    let delivered = revision
    watcher.on('data', (res: IWatchResponse) => {
      if (!open || res.events.length === 0) return // a progress notification
      const changes = res.events.map((ev) => {
        const k = ev.kv.key.toString('utf8').slice(this.root.length)
        return ev.type === 'Delete' ? { key: k, version: 0 } : { key: k, value: ev.kv.value.toString('utf8'), version: Number(ev.kv.mod_revision) }
      })
      delivered = Number(res.events[res.events.length - 1]!.kv.mod_revision)
      handlers.onChange(changes, delivered)
    })
    // etcd3 would resume by itself from the last header revision it saw, which can skip events
    // that were still being replayed: a lost stream is a reset here, and the caller lists again.
    watcher.on('disconnected', (err: Error) => reset(`lost the watch stream to ${this.description}: ${err.message}`))
    // etcd cancels a watch whose start was compacted away; etcd3 passes on neither the reason
    // nor compact_revision (etcd 3.4 sends no reason), so a read at that revision tells.
    watcher.on('error', (err: Error) => {
      if (!open) return
      void this.client.kv.range({ key, range_end: prefixEnd(key), revision: delivered + 1, limit: 1 }, { deadline: Date.now() + this.config.timeoutMs }).then(
        () => reset(`${this.description} ended the watch: ${err.message}`),
        (why: Error) =>
          reset(/compacted/.test(why.message) ? `${this.description} compacted its history past revision ${delivered}` : `${this.description} ended the watch: ${err.message}`),
      )
    })
    return { close }
  }

  async session(ttlSeconds: number): Promise<Session> {
    const lease = this.client.lease(ttlSeconds)
    lease.on('lost', () => {}) // until onLost: an unheard 'lost' must not crash the process
    const id = await this.call('a lease', () => lease.grant()).catch((err: Error) => {
      lease.release()
      throw err
    })
    return new EtcdSession(id, lease, this, this.closers)
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    try {
      const s = await this.call('a health check', () => this.client.maintenance.status())
      return s.leader !== '0'
        ? { ok: true, detail: `${this.description}: etcd ${s.version}, raft index ${s.raftIndex}` }
        : { ok: false, detail: `${this.description}: no leader elected` }
    } catch (err) {
      return { ok: false, detail: (err as Error).message }
    }
  }

  async close(): Promise<void> {
    for (const close of [...this.closers]) close()
    this.client.close()
  }

  /** One call within the deadline, its failure as one line naming the store. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const { timeoutMs } = this.config
    try {
      return await within(fn(), timeoutMs + 500, () => unreachable(this.description, `no answer in ${timeoutMs} ms`))
    } catch (err) {
      const e = err as Error
      if (e.name === 'ClusterStoreError') throw e
      if (e instanceof GRPCDeadlineExceededError) throw unreachable(this.description, `no answer in ${timeoutMs} ms`)
      // grpc's "14 UNAVAILABLE: No connection established" reads better without the code.
      const detail = e.message.replace(/^\d+ [A-Z_]+: /, '')
      throw isRecoverableError(e) ? unreachable(this.description, detail) : refused(this.description, what, detail)
    }
  }

  private full(key: string): Buffer {
    return Buffer.from(this.root + key)
  }

  private entry(kv: IKeyValue): KvEntry {
    return { key: kv.key.toString('utf8').slice(this.root.length), value: kv.value.toString('utf8'), version: Number(kv.mod_revision) }
  }
}

/** The range end that selects every key starting with `key`: its last byte below 0xff plus one. */
function prefixEnd(key: Buffer): Buffer {
  const end = Buffer.from(key)
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++
      return end.subarray(0, i + 1)
    }
  }
  return Buffer.from([0]) // every key
}

class EtcdSession implements Session {
  private ended = false

  constructor(
    readonly id: string,
    private readonly lease: Lease,
    private readonly store: EtcdStore,
    private readonly closers: Set<() => void>,
  ) {
    closers.add(this.stop)
  }

  onLost(handler: (reason: string) => void): void {
    this.lease.on('lost', (err: Error) => {
      if (!this.ended) handler(`lease ${this.id} lost: ${err.message}`)
    })
  }

  async close(): Promise<void> {
    this.stop()
    await this.store.call('ending the lease', () => this.lease.revoke())
  }

  private readonly stop = () => {
    this.ended = true
    this.closers.delete(this.stop)
    this.lease.release()
  }
}
