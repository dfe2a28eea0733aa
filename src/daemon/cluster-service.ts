import type { AppState } from '../app/state.js'
import { type ClusterLink, lastStreamSeq } from '../cluster/link.js'
import { EVENTS_PREFIX, HOSTS, type HostRecord, putHost, readHead } from '../cluster/stream.js'
import type { ClusterStore, KvChange, Session } from '../cluster/store.js'
import type { DecideContext } from '../core/context.js'
import { decideHostJoined, decideHostLeft, decideOrphanDisconnects, orphanEndpoints } from '../core/cluster-membership.js'
import { KernelSession } from '../drivers/kernel-session.js'
import type { NewEvent } from '../events/types.js'
import type { Daemon, DaemonService } from './daemon.js'

/** How often this host renews its record (its heartbeat). */
const BEAT_MS = 2000
/** A host whose record has not changed for this long is taken for dead (its endpoints withdrawn). */
export const DEAD_AFTER_MS = 8000
/** How often the kernel's remote peers are compared with the log and repaired. */
const REPAIR_MS = 10_000
/** How long this host waits before retrying a store it cannot reach. */
const RETRY_MS = 1000
/** consul's shortest session TTL; the heartbeat, not the TTL, is what others judge by. */
const SESSION_TTL_S = 10

/**
 * The daemon's part in its cluster, as long as it runs:
 * - imports what other hosts append to the stream as soon as the store says so (consul
 *   blocking queries, etcd watches), and everything it missed when the watch has to start over;
 * - says it is up (HostJoined) and keeps a heartbeat in the store;
 * - appends HostLeft for a host whose heartbeat stopped, so that every host withdraws that
 *   host's endpoints (their FDB and neighbour entries) while its addresses stay reserved;
 * - compares the kernel's remote peers with the log every few seconds and repairs drift.
 * Everything that changes the log goes through the daemon's queue, as commands do. A store it
 * cannot reach is retried, never fatal: local work goes on meanwhile.
 */
export function clusterService(link: ClusterLink): DaemonService {
  let running: Running | undefined
  return {
    name: 'cluster watcher',
    async start(daemon) {
      running = new Running(daemon, link)
      running.begin()
    },
    async stop() {
      await running?.end()
    },
  }
}

class Running {
  private readonly kernel: KernelSession
  private readonly app: AppState
  private store: ClusterStore | undefined
  private session: Session | undefined
  private streamWatch: { close(): void } | undefined
  private hostsWatch: { close(): void } | undefined
  private readonly timers: NodeJS.Timeout[] = []
  private beat = 0
  private stopped = false
  /** Whether the last heartbeat failed: the store did not answer. */
  private blind = false
  /** When each other host's record last changed, on this host's clock (monotonic ms). */
  private readonly seen = new Map<string, number>()
  /** Since when this host's own view of the store is fresh again (after it could not reach it). */
  private connectedSince = performance.now()
  private catchingUp: Promise<number> | undefined
  private catchUpAgain = false

  constructor(
    private readonly daemon: Daemon,
    private readonly link: ClusterLink,
  ) {
    this.app = daemon.app
    this.kernel = new KernelSession(daemon.app.paths.linkGroup)
  }

  begin(): void {
    void this.connect()
    this.timers.push(setInterval(() => void this.heartbeat(), BEAT_MS))
    this.timers.push(setInterval(() => void this.judgeHosts(), 1000))
    this.timers.push(setInterval(() => void this.repair(), REPAIR_MS))
  }

  private log(line: string): void {
    this.daemon.log(`patchbay daemon: cluster: ${line}`)
  }

  /** Connects (again): session, own record, catch-up, HostJoined, watches. Retried until it works. */
  private async connect(): Promise<void> {
    while (!this.stopped) {
      try {
        this.store = await this.link.store()
        this.session = await this.store.session(SESSION_TTL_S)
        this.session.onLost((reason) => {
          this.log(`session lost (${reason}); joining again`)
          void this.reconnect()
        })
        await this.putOwnRecord()
        const revision = await this.catchUp()
        await this.assertJoined()
        this.watchStream(revision)
        await this.watchHosts()
        this.log(`joined ${this.store.description} as ${this.link.config.host} at ${this.link.config.advertise}`)
        return
      } catch (err) {
        this.log(`${(err as Error).message}; retrying`)
        this.streamWatch?.close()
        await this.endSession()
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
      }
    }
  }

  private async reconnect(): Promise<void> {
    this.streamWatch?.close()
    this.hostsWatch?.close()
    // The old session stops renewing; the new one puts this host's record again at once.
    await this.endSession()
    this.connectedSince = performance.now()
    await this.connect()
  }

  private async endSession(): Promise<void> {
    await this.session?.close().catch(() => {})
    this.session = undefined
  }

  private async putOwnRecord(): Promise<void> {
    const networks = this.app.state.networks().filter((n) => n.scope === 'local').map((n) => ({ name: n.name, subnet: n.subnet }))
    const record: HostRecord = { advertise: this.link.config.advertise, beat: ++this.beat, networks }
    await putHost(this.store!, this.link.config.host, record, this.session!)
  }

  /**
   * Renews this host's record. After beats that failed, the first that works also reads the
   * stream (a watch may have missed what came meanwhile). And a host the log has down (another
   * host judged it while it was slow or cut off) says again that it is up.
   */
  private async heartbeat(): Promise<void> {
    if (!this.store || !this.session) return
    try {
      await this.putOwnRecord()
      // The watch is the fast path; the head, read with every beat, is the guarantee: nothing
      // the watch misses (blind beats, a stalled or lost watch) waits longer than one beat.
      const behind = (await readHead(this.store)).seq - lastStreamSeq(this.app)
      if (this.blind || behind > 0) {
        if (!this.blind && !this.catchingUp) this.log(`${behind} stream events not seen through the watch: catching up`)
        this.blind = false
        await this.catchUp()
      }
      await this.assertJoined()
    } catch {
      // Blind while the store does not answer: no host is judged by what this one cannot see.
      this.blind = true
      this.connectedSince = performance.now()
    }
  }

  /** Appends HostJoined when the log does not have this host up at its address. */
  private async assertJoined(): Promise<void> {
    const { host, advertise } = this.link.config
    const me = this.app.state.hosts().find((h) => h.name === host)
    if (me?.up && me.advertise === advertise) return
    await this.mutate('cluster join', (ctx) => decideHostJoined(host, advertise, ctx))
  }

  /**
   * Imports what the stream gained; calls made meanwhile are folded into one more run. Resolves
   * with the store's revision of the last reading.
   */
  private catchUp(): Promise<number> {
    if (this.catchingUp) {
      this.catchUpAgain = true
      return this.catchingUp
    }
    this.catchingUp = (async () => {
      let revision = 0
      do {
        this.catchUpAgain = false
        revision = await this.daemon.exclusive(() => this.link.catchUp(this.app, this.kernel, (t) => this.log(t.trim())))
      } while (this.catchUpAgain)
      return revision
    })().finally(() => (this.catchingUp = undefined))
    return this.catchingUp
  }

  /** A change of the log (this host joined, another left) made as commands make theirs. */
  private async mutate(command: string, decide: (ctx: DecideContext) => NewEvent[]): Promise<void> {
    await this.daemon.exclusive(async () => {
      const { MutationSession } = await import('../app/mutate.js')
      const session = new MutationSession(this.app, { cluster: this.link, warn: (t) => this.log(t.trim()) })
      try {
        await session.mutate(command, decide, { actor: { argv: ['daemon', command] } })
      } finally {
        session.close()
      }
    })
  }

  /** Watches the stream from `revision`: a change is imported at once; a watch that has to start over lists it again. */
  private watchStream(revision: number): void {
    this.streamWatch = this.store!.watch(EVENTS_PREFIX, revision, {
      onChange: (changes) => void this.imported(changes),
      onReset: (reason) => {
        this.log(`stream watch starts over (${reason}): reading the stream again`)
        void this.catchUp()
          .then((next) => this.watchStream(next))
          .catch(() => void this.reconnect())
      },
      onError: () => (this.connectedSince = performance.now()),
    })
  }

  /** New stream events: imported (the catch-up reads what it needs, gaps included). */
  private async imported(changes: KvChange[]): Promise<void> {
    if (!changes.some((c) => c.value !== undefined)) return
    await this.catchUp()
      .then(() => this.releaseOrphans())
      .catch((err: Error) => this.log(err.message))
  }

  /**
   * A claim whose answer never came may land after its command gave up and rolled back: an
   * endpoint of this host for a container it does not have is disconnected again.
   */
  private async releaseOrphans(): Promise<void> {
    const host = this.link.config.host
    if (orphanEndpoints(host, this.app.state).length === 0) return
    this.log('releasing endpoints of containers this host does not have (claims that landed after their command gave up)')
    await this.mutate('cluster release-orphans', (ctx) => decideOrphanDisconnects(host, ctx))
  }

  /** Lists the live hosts and watches their records; connect retries when the listing fails. */
  private async watchHosts(): Promise<void> {
    const { entries, revision } = await this.store!.list(HOSTS)
    const now = performance.now()
    for (const e of entries) this.seen.set(e.key.slice(HOSTS.length), now)
    this.hostsWatch = this.store!.watch(HOSTS, revision, {
      onChange: (changes) => {
        const at = performance.now()
        for (const c of changes) if (c.value !== undefined) this.seen.set(c.key.slice(HOSTS.length), at)
        // A host that comes back up says so itself (HostJoined): the stream brings it.
      },
      onReset: (reason) => {
        this.log(`hosts watch starts over (${reason})`)
        this.watchHosts().catch(() => void this.reconnect())
      },
      onError: () => (this.connectedSince = performance.now()),
    })
  }

  /** Appends HostLeft for each host the log has up whose heartbeat this host has not seen for DEAD_AFTER_MS. */
  private async judgeHosts(): Promise<void> {
    const now = performance.now()
    if (!this.store || now - this.connectedSince < DEAD_AFTER_MS) return
    for (const h of this.app.state.hosts()) {
      if (!h.up || h.name === this.link.config.host) continue
      const last = Math.max(this.seen.get(h.name) ?? 0, this.connectedSince)
      if (now - last < DEAD_AFTER_MS) continue
      const reason = `no heartbeat for ${Math.round((now - last) / 1000)} s`
      this.log(`host ${h.name}: ${reason}: withdrawing its endpoints`)
      await this.mutate('cluster host-left', (ctx) => decideHostLeft(h.name, reason, ctx)).catch((err: Error) => this.log(err.message))
    }
  }

  /** The kernel's remote peers, compared with the log and repaired (an entry deleted by hand comes back). */
  private async repair(): Promise<void> {
    await this.daemon
      .exclusive(async () => {
        const { reconcilePeers } = await import('../effects/peers.js')
        const changes = await reconcilePeers(this.app.state, this.kernel, this.app.state.networks().filter((n) => n.scope === 'global'), this.link.config.host)
        for (const c of changes) this.log(`repaired drift: ${c}`)
      })
      .then(() => this.releaseOrphans())
      .catch((err: Error) => this.log(`repair: ${err.message}`))
  }

  async end(): Promise<void> {
    this.stopped = true
    for (const t of this.timers) clearInterval(t)
    this.streamWatch?.close()
    this.hostsWatch?.close()
    await this.session?.close().catch(() => {})
    await this.catchingUp?.catch(() => {})
    this.kernel.close()
  }
}
