import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { verifyLog } from '../../src/app/audit-verify.js'
import type { Db } from '../../src/events/database.js'
import { type EventRow, eventHash } from '../../src/events/hash.js'
import { indexedCopies, logHead } from '../../src/events/store.js'
import type { NewEvent } from '../../src/events/types.js'
import { findChainBreak } from '../../src/events/verify.js'
import { randomOps } from './random-ops.js'

/** A log of ~100 events with a snapshot every 20. */
function log(): Db {
  const { s } = randomOps(4, 260, { snapshotEvery: 20 })
  expect(s.log.head().seq).toBeGreaterThan(80)
  return s.db
}

const row = (db: Db, seq: number) =>
  db.prepare('SELECT seq, time, type, schema, host, actor, origin_host, origin_seq, payload, prev_hash, hash FROM events WHERE seq = ?').get(seq) as EventRow

/** Moves every row from `seq` on by `by` (negating first, so the primary key never collides). */
function shift(db: Db, seq: number, by: number): void {
  db.prepare('UPDATE events SET seq = -(seq + ?) WHERE seq >= ?').run(by, seq)
  db.exec('UPDATE events SET seq = -seq WHERE seq < 0')
}

/** A forged row, its indexed columns copied from its content as the append path would. */
function insertRow(db: Db, r: EventRow): void {
  const c = indexedCopies({ type: r.type, payload: JSON.parse(r.payload) } as NewEvent, JSON.parse(r.actor))
  db.prepare(
    `INSERT INTO events (seq, time, type, schema, host, actor, actor_user, network_id, container_id, payload, prev_hash, hash)
     VALUES (@seq, @time, @type, @schema, @host, @actor, @actorUser, @networkId, @containerId, @payload, @prev_hash, @hash)`,
  ).run({ ...r, ...c })
}

const failure = async (db: Db, opts = {}) => (await verifyLog(db, opts)).failure

describe('audit verify', () => {
  it('passes an intact log, counting events and snapshots', async () => {
    const db = log()
    const head = logHead(db)
    expect(await verifyLog(db)).toEqual({ from: 1, checked: head.seq, snapshots: Math.floor(head.seq / 20), head })
    expect(findChainBreak(db)).toBeUndefined()
  })

  it('changed: an edited event', async () => {
    const db = log()
    db.prepare("UPDATE events SET host = 'elsewhere' WHERE seq = 5").run()
    expect(await failure(db)).toEqual({ seq: 5, kind: 'changed', reason: 'its content no longer matches its hash (edited after it was written)' })
  })

  it('changed: an edited event whose hash was recomputed (the next one still links to the original)', async () => {
    const db = log()
    const r = { ...row(db, 5), host: 'elsewhere' }
    db.prepare('UPDATE events SET host = ?, hash = ? WHERE seq = 5').run(r.host, eventHash(r))
    expect(await failure(db)).toMatchObject({ seq: 5, kind: 'changed', reason: expect.stringMatching(/rewritten with a new hash/) })
  })

  it('missing: a deleted event, also when the later ones were renumbered to close the gap', async () => {
    const gap = log()
    gap.prepare('DELETE FROM events WHERE seq = 5').run()
    expect(await failure(gap)).toMatchObject({ seq: 5, kind: 'missing', reason: 'the log jumps from seq 4 to seq 6 (deleted)' })
    const closed = log()
    closed.prepare('DELETE FROM events WHERE seq = 5').run()
    shift(closed, 6, -1)
    expect(await failure(closed)).toMatchObject({ seq: 5, kind: 'missing' })
  })

  it('inserted: a forged event with a valid link and hash, the rest moved up', async () => {
    const db = log()
    shift(db, 5, 1)
    const forged = { ...row(db, 4), seq: 5, host: 'forged', prev_hash: row(db, 4).hash }
    insertRow(db, { ...forged, hash: eventHash(forged) })
    expect(await failure(db)).toEqual({ seq: 5, kind: 'inserted', reason: 'not part of the chain: seq 6 links back to seq 4' })
  })

  it('inserted: a row that links nowhere, and one before the first event', async () => {
    const db = log()
    shift(db, 5, 1)
    insertRow(db, { ...row(db, 4), seq: 5, prev_hash: 'f'.repeat(64), hash: 'e'.repeat(64) })
    expect(await failure(db)).toMatchObject({ seq: 5, kind: 'inserted' })

    const first = log()
    shift(first, 1, 1)
    const forged = { ...row(first, 2), seq: 1, host: 'forged', prev_hash: '0'.repeat(64) }
    insertRow(first, { ...forged, hash: eventHash(forged) })
    expect(await failure(first)).toMatchObject({ seq: 1, kind: 'inserted' })
  })

  it('changed: a correctly chained event the projectors cannot replay was not written by patchbay', async () => {
    const db = log()
    const head = logHead(db)
    const forged = { ...row(db, 1), seq: head.seq + 1, prev_hash: head.hash }
    insertRow(db, { ...forged, hash: eventHash(forged) })
    expect(await failure(db)).toMatchObject({ seq: head.seq + 1, kind: 'changed', reason: expect.stringMatching(/cannot be replayed \(UNIQUE constraint failed/) })
  })

  it('reordered: two events swapped, or one moved to the end', async () => {
    const swapped = log()
    swapped.exec('UPDATE events SET seq = -1 WHERE seq = 4; UPDATE events SET seq = 4 WHERE seq = 5; UPDATE events SET seq = 5 WHERE seq = -1')
    expect(await failure(swapped)).toEqual({ seq: 4, kind: 'reordered', reason: 'it links to seq 5, which comes after it' })
    const moved = log()
    const end = logHead(moved).seq + 1
    moved.prepare('UPDATE events SET seq = ? WHERE seq = 7').run(end)
    expect(await failure(moved)).toEqual({ seq: 7, kind: 'reordered', reason: `seq 8 links to seq ${end}, which comes after it` })
  })

  it('projection drift: an edited, a deleted and an added table row', async () => {
    const edited = log()
    const ep = edited.prepare('SELECT id, ipv4 FROM endpoints WHERE ipv4 IS NOT NULL LIMIT 1').get() as { id: string; ipv4: string }
    edited.prepare("UPDATE endpoints SET ipv4 = '10.9.9.9' WHERE id = ?").run(ep.id)
    expect(await failure(edited)).toEqual({
      seq: logHead(edited).seq,
      kind: 'projection drift',
      reason: `table endpoints, row id=${ep.id}: ipv4 is "10.9.9.9", the log gives "${ep.ipv4}"`,
    })
    const deleted = log()
    deleted.prepare('DELETE FROM endpoints WHERE id = ?').run(ep.id)
    expect((await failure(deleted))?.reason).toBe(`table endpoints: row id=${ep.id} is missing (the log has it)`)
    const added = log()
    added.exec(`INSERT INTO networks SELECT '${'a'.repeat(64)}', 'ghost', driver, scope, created, NULL, NULL, NULL, 0, 0, 0, NULL, mtu, labels, options, 0, NULL, 0, NULL, NULL, NULL FROM networks LIMIT 1`)
    expect((await failure(added))?.reason).toBe(`table networks: row id=${'a'.repeat(64)} is not in the log`)
  })

  it('projection drift: a snapshot that does not match the replay at its seq', async () => {
    const db = log()
    db.prepare("UPDATE snapshots SET tables = replace(tables, '\"172.', '\"10.') WHERE seq = 40").run()
    expect(await failure(db)).toMatchObject({ seq: 40, kind: 'projection drift', reason: expect.stringMatching(/^snapshot 40: table \w+, row id=\w+: \w+ is "10\./) })
  })

  it('--from trusts the events before it and checks the rest, projections included', async () => {
    const db = log()
    const head = logHead(db)
    db.prepare("UPDATE events SET host = 'elsewhere' WHERE seq = 5").run()
    expect(await verifyLog(db, { from: 50 })).toEqual({ from: 50, checked: head.seq - 49, snapshots: Math.floor(head.seq / 20) - 2, head })
    db.prepare("UPDATE events SET host = 'elsewhere' WHERE seq = 60").run()
    expect(await failure(db, { from: 50 })).toMatchObject({ seq: 60, kind: 'changed' })

    const drifted = log()
    drifted.exec("UPDATE networks SET name = 'renamed' WHERE name = 'bridge'")
    expect(await failure(drifted, { from: logHead(drifted).seq })).toMatchObject({ kind: 'projection drift', reason: expect.stringMatching(/name is "renamed", the log gives "bridge"/) })
    await expect(verifyLog(drifted, { from: logHead(drifted).seq + 2 })).rejects.toThrow(/^invalid --from/)
  })

  it('--head proves a recorded event still has its hash', async () => {
    const db = log()
    const recorded = logHead(db)
    expect(await failure(db, { head: recorded })).toBeUndefined()
    // History rewritten consistently (every hash recomputed): only the recorded head tells.
    let prev = '0'.repeat(64)
    for (let seq = 1; seq <= recorded.seq; seq++) {
      const r = { ...row(db, seq), prev_hash: prev, ...(seq === 3 ? { host: 'elsewhere' } : {}) }
      prev = eventHash(r)
      db.prepare('UPDATE events SET host = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(r.host, r.prev_hash, prev, seq)
    }
    db.exec('DELETE FROM snapshots')
    expect(await failure(db)).toBeUndefined()
    expect(await failure(db, { head: recorded })).toMatchObject({ seq: recorded.seq, kind: 'changed', reason: expect.stringMatching(/history up to it was rewritten/) })
    db.prepare('DELETE FROM events WHERE seq = ?').run(recorded.seq)
    expect(await failure(db, { head: recorded })).toMatchObject({ seq: recorded.seq, kind: 'missing' })
  })
})

describe('audit verify names each kind of tampering at the start, middle and end of a 2000-event log', () => {
  const { s } = randomOps(4, 5200, { snapshotEvery: 500 })
  const image = s.db.serialize()
  const recorded = logHead(s.db)
  const last = recorded.seq
  const copy = () => new Database(image) as Db
  const hashBefore = (db: Db, seq: number) => (seq === 1 ? '0'.repeat(64) : row(db, seq - 1).hash)

  /** Copies row `from` (its indexed columns too) to seq `to` with `change`, hashed to match unless it says otherwise. */
  function forge(db: Db, from: number, to: number, change: Partial<EventRow>): void {
    const r = { ...row(db, from), seq: to, ...change }
    db.prepare(
      `INSERT INTO events (seq, time, type, schema, host, actor, actor_user, network_id, container_id, payload, prev_hash, hash)
       SELECT ?, time, type, schema, ?, actor, actor_user, network_id, container_id, payload, ?, ? FROM events WHERE seq = ?`,
    ).run(to, r.host, r.prev_hash, change.hash ?? eventHash(r), from)
  }
  const swap = (db: Db, a: number) => db.exec(`UPDATE events SET seq = -1 WHERE seq = ${a}; UPDATE events SET seq = ${a} WHERE seq = ${a + 1}; UPDATE events SET seq = ${a + 1} WHERE seq = -1`)
  const deleteRows = (db: Db, from: number, n: number) => db.prepare('DELETE FROM events WHERE seq >= ? AND seq < ?').run(from, from + n)
  const edit = (db: Db, seq: number) => db.prepare("UPDATE events SET host = 'elsewhere' WHERE seq = ?").run(seq)
  const editAndRehash = (db: Db, seq: number) => db.prepare('UPDATE events SET host = ?, hash = ? WHERE seq = ?').run('elsewhere', eventHash({ ...row(db, seq), host: 'elsewhere' }), seq)
  const edited = (seq: number) => ({ seq, kind: 'changed', reason: 'its content no longer matches its hash (edited after it was written)' })

  /** Each case on a fresh copy of the log: what was done, how, the failure expected, verify's options. */
  type Case = [what: string, tamper: (db: Db) => unknown, expected: object, opts?: object]
  async function expectFailures(cases: Case[]): Promise<void> {
    for (const [what, tamper, expected, opts] of cases) {
      const db = copy()
      tamper(db)
      expect(await failure(db, opts), what).toEqual(expected)
    }
  }

  it('the log is long enough', () => expect(last).toBeGreaterThanOrEqual(2000))

  for (const [where, k] of [['start', 1], ['middle', 1000]] as const) {
    it(`${where} (seq ${k}): changed, missing, inserted and reordered, each where it happened`, async () => {
      await expectFailures([
        ['edited', (db) => edit(db, k), edited(k)],
        ['edited and rehashed', (db) => editAndRehash(db, k), { seq: k, kind: 'changed', reason: `it was rewritten with a new hash: seq ${k + 1} still links to the original` }],
        ['deleted', (db) => deleteRows(db, k, 1), { seq: k, kind: 'missing', reason: `the log jumps from seq ${k - 1} to seq ${k + 1} (deleted)` }],
        ['three deleted', (db) => deleteRows(db, k, 3), { seq: k, kind: 'missing', reason: `the log jumps from seq ${k - 1} to seq ${k + 3} (deleted)` }],
        [
          'deleted, the rest renumbered',
          (db) => (deleteRows(db, k, 1), shift(db, k + 1, -1)),
          { seq: k, kind: 'missing', reason: `an event was deleted and the later ones renumbered (this one was written as seq ${k + 1})` },
        ],
        [
          'three deleted, the rest renumbered',
          (db) => (deleteRows(db, k, 3), shift(db, k + 3, -3)),
          { seq: k, kind: 'missing', reason: `3 events were deleted and the later ones renumbered (this one was written as seq ${k + 3})` },
        ],
        [
          'forged and linked in, the rest moved up',
          (db) => (shift(db, k, 1), forge(db, k + 1, k, { host: 'forged', prev_hash: hashBefore(db, k) })),
          { seq: k, kind: 'inserted', reason: `not part of the chain: seq ${k + 1} links back to seq ${k - 1}` },
        ],
        [
          'a copy added past the head, nothing moved',
          (db) => forge(db, k, last + 1000, { host: 'forged' }),
          { seq: last + 1000, kind: 'inserted', reason: `not part of the chain: the log jumps from seq ${last} to it, and it links to seq ${k - 1}` },
        ],
        ['swapped with the next', (db) => swap(db, k), { seq: k, kind: 'reordered', reason: `it links to seq ${k + 1}, which comes after it` }],
        [
          'moved past the head',
          (db) => db.prepare('UPDATE events SET seq = ? WHERE seq = ?').run(last + 5, k),
          { seq: k, kind: 'reordered', reason: `seq ${k + 1} links to seq ${last + 5}, which comes after it` },
        ],
      ])
    })
  }

  it(`end (seq ${last}): the same, with the head recorded earlier where only it can tell`, async () => {
    const head = { head: recorded }
    await expectFailures([
      ['edited', (db) => edit(db, last), edited(last)],
      ['edited and rehashed', (db) => editAndRehash(db, last), { seq: last, kind: 'changed', reason: expect.stringMatching(/history up to it was rewritten/) }, head],
      ['deleted', (db) => deleteRows(db, last, 1), { seq: last, kind: 'missing', reason: `the recorded head is gone: the log ends at seq ${last - 1}` }, head],
      ['three deleted', (db) => deleteRows(db, last - 2, 3), { seq: last, kind: 'missing', reason: `the recorded head is gone: the log ends at seq ${last - 3}` }, head],
      [
        'forged and linked in before it, it moved up',
        (db) => (shift(db, last, 1), forge(db, last + 1, last, { host: 'forged', prev_hash: hashBefore(db, last) })),
        { seq: last, kind: 'inserted', reason: `not part of the chain: seq ${last + 1} links back to seq ${last - 1}` },
      ],
      [
        'a copy added past it, nothing moved (linked as the original was)',
        (db) => forge(db, last, last + 1000, { host: 'forged' }),
        { seq: last + 1000, kind: 'inserted', reason: `not part of the chain: the log jumps from seq ${last} to it, and it links to seq ${last - 1}` },
      ],
      [
        'a row added past it, nothing moved (linked to it)',
        (db) => forge(db, 5, last + 1000, { host: 'forged', prev_hash: recorded.hash }),
        { seq: last + 1000, kind: 'inserted', reason: `not part of the chain: the log jumps from seq ${last} to it, and it links to seq ${last}` },
      ],
      ['swapped with the one before', (db) => swap(db, last - 1), { seq: last - 1, kind: 'reordered', reason: `it links to seq ${last}, which comes after it` }],
      ['renumbered', (db) => db.prepare('UPDATE events SET seq = ? WHERE seq = ?').run(last + 5, last), { seq: last, kind: 'changed', reason: `it was renumbered to seq ${last + 5}` }],
    ])
  })
})
