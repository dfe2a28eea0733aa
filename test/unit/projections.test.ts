import { describe, expect, it } from 'vitest'
import { resolveAt } from '../../src/app/state-at.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import { UserError } from '../../src/core/errors.js'
import type { Db } from '../../src/events/database.js'
import { logHead, readEventRows, rowToProjectable } from '../../src/events/store.js'
import { rebuildProjections } from '../../src/projections/rebuild.js'
import { Replay } from '../../src/projections/replay.js'
import { PROJECTION_TABLES, dumpProjections } from '../../src/projections/tables.js'
import { ACTOR } from './memory-state.js'
import { randomOps } from './random-ops.js'

function dump(db: Db) {
  return Object.fromEntries(PROJECTION_TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY id`).all()]))
}

const snapshots = (db: Db) => db.prepare('SELECT seq, hash, tables FROM snapshots ORDER BY seq').all()

/** The tables after event `seq`, replayed with `Replay.to` (nearest snapshot, then the rest). */
function replayedAt(db: Db, seq: number) {
  const r = Replay.to(db, seq)
  try {
    return dumpProjections(r.db)
  } finally {
    r.close()
  }
}

describe('projections', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('rebuilt from the log equal the live tables (seed %i)', async (seed) => {
    const { s, applied } = randomOps(seed, 300)
    expect(applied).toBeGreaterThan(30)
    const live = dump(s.db)
    await rebuildProjections(s.db)
    expect(dump(s.db)).toEqual(live)
  })

  it('never give two endpoints of a network the same address or MAC', () => {
    const { s } = randomOps(99, 500)
    const eps = s.state.endpoints().filter((e) => e.ipv4)
    const keys = eps.map((e) => `${e.networkId}/${e.ipv4}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(new Set(eps.map((e) => e.mac)).size).toBe(eps.length)
  })
})

describe('replay of a prefix of the log', () => {
  it.each([11, 12, 13])('equals the live tables, rowids included, after every step (seed %i)', (seed) => {
    const live: { seq: number; tables: ReturnType<typeof dumpProjections> }[] = []
    const { s } = randomOps(seed, 200, { afterEach: (st) => live.push({ seq: st.log.head().seq, tables: dumpProjections(st.db) }) })
    expect(live.length).toBeGreaterThan(30)
    for (const step of live) expect(replayedAt(s.db, step.seq), `seq ${step.seq}`).toEqual(step.tables)
  })

  it('from snapshots plus the tail equals a replay of the whole prefix', () => {
    const { s } = randomOps(21, 300, { snapshotEvery: 25 })
    const head = s.log.head().seq
    expect(snapshots(s.db).length).toBe(Math.floor(head / 25))
    // Every prefix, replayed event by event from nothing.
    const full = Replay.from(s.db, 0)
    const fromNothing = [...readEventRows(s.db)].map((row) => {
      full.apply(rowToProjectable(row))
      return dumpProjections(full.db)
    })
    full.close()
    for (let seq = 1; seq <= head; seq++) expect(replayedAt(s.db, seq), `seq ${seq}`).toEqual(fromNothing[seq - 1])
  })

  it('ignores a snapshot whose event was rewritten', () => {
    const { s } = randomOps(22, 200, { snapshotEvery: 25 })
    const expected = replayedAt(s.db, 60)
    // A snapshot of some other history: it must not be used for this log.
    s.db.prepare("UPDATE snapshots SET hash = 'x', tables = replace(tables, '172.', '10.') WHERE seq = 50").run()
    expect(replayedAt(s.db, 60)).toEqual(expected)
  })

  it('admin rebuild refills the snapshots as the append path wrote them', async () => {
    const { s } = randomOps(23, 300, { snapshotEvery: 20 })
    const before = snapshots(s.db)
    expect(before.length).toBeGreaterThan(5)
    const progress: number[] = []
    expect(await rebuildProjections(s.db, { snapshotEvery: 20, onProgress: (done, total) => progress.push(done, total) })).toBe(s.log.head().seq)
    expect(snapshots(s.db)).toEqual(before)
    expect(progress.slice(0, 2)).toEqual([0, s.log.head().seq])
    expect(progress.slice(-2)).toEqual([s.log.head().seq, s.log.head().seq])
  })
})

describe('--at', () => {
  it('names a seq, or the last event at or before a time', () => {
    const { s } = randomOps(31, 40)
    const head = logHead(s.db).seq
    const later = (name: string, time: string) =>
      s.db.transaction(() =>
        s.log.append(decideNetworkCreate({ name, driver: 'bridge', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [] }, s.ctx), { actor: ACTOR, host: 'h1', time }),
      )()
    later('t1', '2026-11-28T10:00:00.000Z')
    later('t2', '2026-11-28T10:00:00.500Z')
    expect(resolveAt(s.db, 'seq:0')).toBe(0)
    expect(resolveAt(s.db, `seq:${head}`)).toBe(head)
    expect(resolveAt(s.db, '2026-11-27T11:59:59Z')).toBe(0)
    expect(resolveAt(s.db, '2026-11-27T12:00:00Z')).toBe(head)
    expect(resolveAt(s.db, '2026-11-28T10:00:00.499Z')).toBe(head + 1)
    expect(resolveAt(s.db, '2026-11-28T12:00:00+02:00')).toBe(head + 1)
    expect(resolveAt(s.db, '2026-11-28T12:00:01+02:00')).toBe(head + 2)
    expect(resolveAt(s.db, String(Date.parse('2026-11-28T10:00:00.250Z') / 1000))).toBe(head + 1)
    expect(resolveAt(s.db, '1h', new Date('2026-11-28T11:00:00.400Z'))).toBe(head + 1)
    expect(resolveAt(s.db, '300000000000')).toBe(head + 2) // year 11476
  })

  it('refuses a seq beyond the head and what is not a time, in one line', () => {
    const { s } = randomOps(32, 10)
    const head = logHead(s.db).seq
    expect(() => resolveAt(s.db, `seq:${head + 1}`)).toThrow(new UserError(`invalid --at seq:${head + 1}: the log ends at seq ${head}`))
    expect(() => resolveAt(s.db, 'seq:-1')).toThrow(UserError)
    // No valid date (past what a Date holds): the same message as any other time it cannot read.
    expect(() => resolveAt(s.db, '99999999999999')).toThrow(/^invalid --at '99999999999999': use seq:N, an RFC 3339 time/)
    expect(() => resolveAt(s.db, 'yesterday')).toThrow(/^invalid --at 'yesterday': use seq:N, an RFC 3339 time/)
  })
})
