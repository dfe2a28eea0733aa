/**
 * The cluster store interface against a real consul agent and a real etcd, each running in
 * host 1 of a three-host underlay; the calls run in hosts 2 and 3 (store runners), as the
 * daemons of two other hosts would make them. The same behaviour is asked of both stores.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ClusterStore, KvChange } from '../../src/cluster/store.js'
import { openRemoteStore, type RemoteStore } from './cluster/remote-store.js'
import { createUnderlay, type StoreServer, type Underlay } from './cluster/underlay.js'
import { NOT_ROOT_MESSAGE, isRoot } from './sandbox.js'

type Kind = 'consul' | 'etcd'

/** What a watch delivered, in order, with the time it arrived. */
class Recorder {
  changes: (KvChange & { revision: number; at: number })[] = []
  resets: string[] = []
  errors: string[] = []
  private waiters: (() => void)[] = []
  readonly handlers = {
    onChange: (changes: KvChange[], revision: number) => {
      const at = performance.now()
      this.changes.push(...changes.map((c) => ({ ...c, revision, at })))
      this.wake()
    },
    onReset: (reason: string) => {
      this.resets.push(reason)
      this.wake()
    },
    onError: (err: Error) => {
      this.errors.push(err.message)
    },
  }

  /** Resolves once `done()` holds, checked on each delivery; rejects after timeoutMs. */
  until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what}: not within ${timeoutMs} ms (changes ${JSON.stringify(this.changes)}, resets ${this.resets}, errors ${this.errors})`)),
        timeoutMs,
      )
      const check = () => {
        if (!done()) return void this.waiters.push(check)
        clearTimeout(timer)
        resolve()
      }
      this.waiters.push(check)
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const ms = (t0: number) => performance.now() - t0
/** Session TTLs: consul accepts nothing under 10 s and drops a session 2 x TTL after its last renewal. */
const TTL: Record<Kind, number> = { consul: 10, etcd: 3 }
const EXPIRY_BOUND_MS: Record<Kind, number> = { consul: 25_000, etcd: 8_000 }

describe.skipIf(!isRoot)(`cluster store ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let u: Underlay
  const servers = {} as Record<Kind, StoreServer>
  const figures: string[] = []

  beforeAll(async () => {
    u = createUnderlay(3)
    ;[servers.consul, servers.etcd] = await Promise.all([u.startConsul(), u.startEtcd()])
    figures.push(`start-up: consul ${servers.consul.startupMs.toFixed(0)} ms, etcd ${servers.etcd.startupMs.toFixed(0)} ms`)
  })
  afterAll(() => {
    u?.cleanup()
    if (figures.length > 0) console.log(`[cluster-store] ${figures.join('; ')}`)
  })

  test("the stores listen on host 1's underlay address and nowhere else", async () => {
    const h1 = u.hosts[0]!
    const sockets = (await h1.shOk('ss -H -ltnu')).trim().split('\n')
    const locals = sockets.map((l) => l.trim().split(/\s+/)[4]!)
    expect(locals.length).toBeGreaterThanOrEqual(3) // consul http + server rpc + serf, etcd client + peer
    for (const local of locals) expect(local, sockets.join('\n')).toMatch(new RegExp(`^${h1.address.replace(/\./g, '\\.')}:\\d+$`))
    expect(locals).toContain(`${h1.address}:8500`)
    expect(locals).toContain(`${h1.address}:2379`)
  })

  describe.each<Kind>(['consul', 'etcd'])('%s', (kind) => {
    let a: RemoteStore
    let b: RemoteStore
    let n = 0
    /** A prefix of its own for each test: the tests share one store. */
    const fresh = () => `t${++n}/`

    beforeAll(() => {
      a = openRemoteStore(u, u.hosts[1]!, servers[kind].url)
      b = openRemoteStore(u, u.hosts[2]!, servers[kind].url)
    })
    afterAll(async () => {
      await a?.close()
      await b?.close()
    })

    test('put and get: a value written on one host is read on another with its version', async () => {
      const p = fresh()
      expect(await a.txn([], [{ put: `${p}k`, value: 'ünïcode ✓' }, { put: `${p}empty`, value: '' }])).toBe(true)
      const got = await b.get(`${p}k`)
      expect(got).toEqual({ key: `${p}k`, value: 'ünïcode ✓', version: expect.any(Number) })
      expect(got!.version).toBeGreaterThan(0)
      expect(await b.get(`${p}empty`)).toMatchObject({ value: '' })
      expect(await b.get(`${p}absent`)).toBeUndefined()
    })

    test('list returns exactly the keys under a prefix, and a revision at least their versions', async () => {
      const p = fresh()
      await a.txn([], [{ put: `${p}a`, value: '1' }, { put: `${p}b/c`, value: '2' }, { put: `${p}x`, value: '3' }])
      await a.txn([], [{ put: `${p.slice(0, -1)}-outside`, value: 'no' }])
      const { entries, revision } = await b.list(p)
      expect(entries.map((e) => [e.key, e.value])).toEqual([
        [`${p}a`, '1'],
        [`${p}b/c`, '2'],
        [`${p}x`, '3'],
      ])
      expect(revision).toBeGreaterThanOrEqual(Math.max(...entries.map((e) => e.version)))
      await a.txn([], [{ put: `${p}a`, value: '1b' }])
      expect((await b.list(p)).revision).toBeGreaterThan(revision)
      expect(await b.list(`${p}nothing/`)).toMatchObject({ entries: [] })
    })

    test('txn with version 0 creates a key only when it is absent', async () => {
      const k = `${fresh()}claim`
      expect(await a.txn([{ key: k, version: 0 }], [{ put: k, value: 'host2' }])).toBe(true)
      expect(await b.txn([{ key: k, version: 0 }], [{ put: k, value: 'host3' }])).toBe(false)
      expect(await b.get(k)).toMatchObject({ value: 'host2' })
    })

    test('txn on a stale version fails and changes nothing, of any of its keys', async () => {
      const p = fresh()
      await a.txn([], [{ put: `${p}head`, value: '1' }, { put: `${p}gone`, value: 'still here' }])
      const v1 = (await a.get(`${p}head`))!.version
      const times: number[] = []
      for (let i = 2; i <= 11; i++) {
        const cur = (await a.get(`${p}head`))!.version
        const t0 = performance.now()
        expect(await a.txn([{ key: `${p}head`, version: cur }], [{ put: `${p}head`, value: String(i) }])).toBe(true)
        times.push(ms(t0))
      }
      figures.push(`${kind} txn round trip median ${median(times).toFixed(1)} ms`)
      const before = await b.list(p)
      const applied = await b.txn(
        [{ key: `${p}head`, version: v1 }],
        [{ put: `${p}head`, value: 'stale' }, { put: `${p}new`, value: 'x' }, { del: `${p}gone` }],
      )
      expect(applied).toBe(false)
      expect((await b.list(p)).entries).toEqual(before.entries)
      // A compare on an absent key with a version, and on a present key with 0, fail as well.
      expect(await b.txn([{ key: `${p}absent`, version: v1 }], [{ put: `${p}new`, value: 'x' }])).toBe(false)
      expect(await b.txn([{ key: `${p}head`, version: 0 }], [{ put: `${p}new`, value: 'x' }])).toBe(false)
      expect(await b.get(`${p}new`)).toBeUndefined()
    })

    test('two hosts appending on one head key: exactly one wins each round, the log has no gap', async () => {
      const p = fresh()
      await a.txn([], [{ put: `${p}head`, value: '0' }])
      const append = async (s: ClusterStore, who: string, head: { value: string; version: number }) => {
        const next = Number(head.value) + 1
        return s.txn([{ key: `${p}head`, version: head.version }], [{ put: `${p}head`, value: String(next) }, { put: `${p}log/${next}`, value: who }])
      }
      const rounds = 8
      for (let r = 1; r <= rounds; r++) {
        // Both read the same head, then both try to append on it at once.
        const [ha, hb] = await Promise.all([a.get(`${p}head`), b.get(`${p}head`)])
        expect(ha).toEqual(hb)
        const won = await Promise.all([append(a, 'h2', ha!), append(b, 'h3', hb!)])
        expect(won.filter(Boolean), `round ${r}: ${won}`).toHaveLength(1)
      }
      const { entries } = await b.list(`${p}log/`)
      expect(entries.map((e) => Number(e.key.slice(`${p}log/`.length))).sort((x, y) => x - y)).toEqual(
        Array.from({ length: rounds }, (_, i) => i + 1),
      )
      expect(await a.get(`${p}head`)).toMatchObject({ value: String(rounds) })
    })

    test('a watch on another host sees puts and deletions within 1 s, in order', async () => {
      const p = fresh()
      await a.txn([], [{ put: `${p}before`, value: 'old' }])
      const { revision } = await b.list(p)
      const rec = new Recorder()
      const w = b.watch(p, revision, rec.handlers)
      try {
        const latencies: number[] = []
        for (let i = 1; i <= 5; i++) {
          const t0 = performance.now()
          await a.txn([], [{ put: `${p}k`, value: String(i) }])
          await rec.until(`put ${i} seen`, () => rec.changes.some((c) => c.key === `${p}k` && c.value === String(i)), 1000)
          latencies.push(rec.changes.find((c) => c.value === String(i))!.at - t0)
        }
        const t0 = performance.now()
        await a.txn([], [{ del: `${p}before` }])
        await rec.until('deletion seen', () => rec.changes.some((c) => c.key === `${p}before`), 1000)
        latencies.push(rec.changes.at(-1)!.at - t0)
        expect(rec.changes.at(-1)).toMatchObject({ key: `${p}before`, version: 0 })
        expect(rec.changes.at(-1)!.value).toBeUndefined()
        expect(rec.changes.map((c) => c.value ?? null)).toEqual(['1', '2', '3', '4', '5', null])
        const revisions = rec.changes.map((c) => c.revision)
        expect(revisions).toEqual([...revisions].sort((x, y) => x - y))
        expect(rec.resets).toEqual([])
        figures.push(`${kind} watch latency median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`)
      } finally {
        w.close()
      }
    })

    test('a watch resumed from a revision it delivered misses nothing', async () => {
      const p = fresh()
      const { revision } = await b.list(p)
      const rec = new Recorder()
      const w1 = b.watch(p, revision, rec.handlers)
      await a.txn([], [{ put: `${p}one`, value: '1' }])
      await rec.until('first change', () => rec.changes.length === 1, 2000)
      w1.close()
      const resumeFrom = rec.changes[0]!.revision
      await a.txn([], [{ put: `${p}two`, value: '2' }])
      await a.txn([], [{ del: `${p}one` }])
      const w2 = b.watch(p, resumeFrom, rec.handlers)
      try {
        await rec.until('both later changes', () => rec.changes.length >= 3, 2000)
        // consul may answer both in one batch, which is ordered by key, not by time.
        expect(rec.changes[0]).toMatchObject({ key: `${p}one`, value: '1' })
        expect(rec.changes.slice(1).map((c) => [c.key, c.value ?? null])).toEqual(
          expect.arrayContaining([
            [`${p}two`, '2'],
            [`${p}one`, null],
          ]),
        )
        expect(rec.changes).toHaveLength(3)
      } finally {
        w2.close()
      }
    })

    test('keys put with a session vanish after its owner stops renewing it; close() removes them at once', async () => {
      const p = fresh()
      const owner = openRemoteStore(u, u.hosts[1]!, servers[kind].url)
      const closing = await a.session(TTL[kind])
      const dying = await owner.session(TTL[kind])
      expect(await owner.txn([], [{ put: `${p}h2`, value: 'alive', session: dying }, { put: `${p}plain`, value: 'stays' }])).toBe(true)
      expect(await a.txn([], [{ put: `${p}h2-closing`, value: 'alive', session: closing }])).toBe(true)
      const { entries, revision } = await b.list(p)
      expect(entries.map((e) => e.key)).toEqual([`${p}h2`, `${p}h2-closing`, `${p}plain`])

      const rec = new Recorder()
      const w = b.watch(p, revision, rec.handlers)
      try {
        await closing.close()
        await rec.until('closed session key deleted', () => rec.changes.some((c) => c.key === `${p}h2-closing`), 2000)

        owner.kill() // the host dies: nobody renews its session any more
        const t0 = performance.now()
        await new Promise((r) => setTimeout(r, 1000))
        expect(await b.get(`${p}h2`)).toMatchObject({ value: 'alive' })
        await rec.until('dead session key deleted', () => rec.changes.some((c) => c.key === `${p}h2`), EXPIRY_BOUND_MS[kind])
        figures.push(`${kind} session key gone ${(ms(t0) / 1000).toFixed(1)} s after its owner died (TTL ${TTL[kind]} s)`)
        expect(await b.get(`${p}plain`)).toMatchObject({ value: 'stays' })
        expect(rec.resets).toEqual([])
      } finally {
        w.close()
      }
    })

    test('a frozen store makes every call fail within ~2 s with one line naming it; after SIGCONT calls work again', async () => {
      const p = fresh()
      await a.txn([], [{ put: `${p}k`, value: 'v' }])
      const address = servers[kind].url.replace(/^\w+:\/\//, '')
      const message = new RegExp(`^cannot reach ${kind} at ${address.replace(/\./g, '\\.')}: [^\\n]+; check that it runs and --cluster-store$`)
      servers[kind].freeze()
      try {
        const calls: [string, () => Promise<unknown>][] = [
          ['get', () => b.get(`${p}k`)],
          ['list', () => b.list(p)],
          ['txn', () => b.txn([], [{ put: `${p}k`, value: 'frozen' }])],
          ['session', () => b.session(TTL[kind])],
        ]
        const times: number[] = []
        for (const [name, call] of calls) {
          const t0 = performance.now()
          const err = await call().then(
            () => undefined,
            (e: Error) => e,
          )
          times.push(ms(t0))
          const state = readFileSync(`/proc/${servers[kind].pid}/stat`, 'utf8').split(') ')[1]![0]
          expect(err, `${name} on a frozen store (process state ${state})`).toBeInstanceOf(Error)
          expect(err!.message, name).toMatch(message)
          expect(ms(t0), name).toBeLessThan(3000)
        }
        const health = await b.health()
        expect(health.ok).toBe(false)
        expect(health.detail).toMatch(message)
        figures.push(`${kind} frozen: calls failed after ${Math.min(...times).toFixed(0)}-${Math.max(...times).toFixed(0)} ms`)
      } finally {
        servers[kind].thaw()
      }
      // The write the client gave up on may still have been queued and applied on SIGCONT:
      // a timeout says nothing about the outcome (patchbay's claims say so in their message).
      expect(['v', 'frozen']).toContain((await b.get(`${p}k`))?.value)
      expect(await b.txn([], [{ put: `${p}k`, value: 'thawed' }])).toBe(true)
      expect(await b.get(`${p}k`)).toMatchObject({ value: 'thawed' })
      expect((await b.health()).ok).toBe(true)
    })

    test('an address where no store listens fails at once, naming it', async () => {
      const h2 = u.hosts[1]!.address
      const nowhere = openRemoteStore(u, u.hosts[2]!, `${kind}://${h2}:${kind === 'consul' ? 8500 : 2379}`)
      try {
        const t0 = performance.now()
        await expect(nowhere.get('k')).rejects.toThrow(new RegExp(`^cannot reach ${kind} at ${h2.replace(/\./g, '\\.')}:\\d+: .*; check that it runs and --cluster-store$`))
        expect(ms(t0)).toBeLessThan(2500)
      } finally {
        await nowhere.close()
      }
    })

    // What each store does when a watch cannot go on from where it was.
    if (kind === 'etcd') {
      test('a watch from a compacted revision reports a reset; listed again, the new watch goes on', async () => {
        const p = fresh()
        const { revision: old } = await b.list(p)
        for (let i = 0; i < 3; i++) await a.txn([], [{ put: `${p}k`, value: String(i) }])
        const now = (await b.list(p)).revision
        await servers.etcd.host.shOk(`etcdctl --endpoints=http://${servers.etcd.host.address}:2379 compact ${now}`)

        const rec = new Recorder()
        b.watch(p, old, rec.handlers)
        await rec.until('reset after compaction', () => rec.resets.length > 0, 2000)
        expect(rec.resets[0]).toMatch(/compacted its history past revision/)
        expect(rec.changes).toEqual([])

        const listed = await b.list(p)
        expect(listed.entries).toMatchObject([{ key: `${p}k`, value: '2' }])
        const again = new Recorder()
        const w = b.watch(p, listed.revision, again.handlers)
        await a.txn([], [{ put: `${p}k`, value: 'after' }])
        await again.until('change after the reset', () => again.changes.length === 1, 1000)
        expect(again.changes[0]).toMatchObject({ key: `${p}k`, value: 'after' })
        w.close()
      })
    }

    // Last: the store restarts empty. consul's index goes backwards; etcd's watch stream breaks.
    test('a store restarted without its data resets watches and loses sessions; calls work again after', async () => {
      const p = fresh()
      const session = await a.session(TTL[kind])
      const lost = new Promise<string>((resolve) => session.onLost(resolve))
      await a.txn([], [{ put: `${p}k`, value: 'before', session }])
      const { revision } = await b.list(p)
      const rec = new Recorder()
      b.watch(p, revision, rec.handlers)
      const t0 = performance.now()
      await servers[kind].stop()
      servers[kind] = kind === 'consul' ? await u.startConsul() : await u.startEtcd() // same address, empty store
      await rec.until('reset after the restart', () => rec.resets.length > 0, 15_000)
      const resetMs = ms(t0)
      expect(rec.resets[0]).toMatch(kind === 'consul' ? /index went back from \d+ to \d+/ : /lost the watch stream/)
      expect(rec.changes).toEqual([])
      // consul answers the next renewal (every TTL/2) with "not found"; etcd the next keep-alive.
      const reason = await Promise.race([lost, new Promise((_, reject) => setTimeout(() => reject(new Error('session not reported lost')), 10_000))])
      expect(reason).toMatch(kind === 'consul' ? /no longer knows session/ : /lease \d+ lost/)
      figures.push(`${kind} restarted empty: watch reset ${resetMs.toFixed(0)} ms, session lost ${ms(t0).toFixed(0)} ms after the stop`)
      expect(await b.list(p)).toMatchObject({ entries: [] })
      expect(await a.txn([{ key: `${p}k`, version: 0 }], [{ put: `${p}k`, value: 'after' }])).toBe(true)
    })
  })
})
