import { describe, expect, it } from 'vitest'
import { verifyLog } from '../../src/app/audit-verify.js'
import type { Db } from '../../src/events/database.js'
import { randomOps } from './random-ops.js'

/** A log of ~100 events. */
function log(): Db {
  const { s } = randomOps(7, 260, { snapshotEvery: 20 })
  expect(s.log.head().seq).toBeGreaterThan(80)
  return s.db
}

const seqOf = (db: Db, where: string): number => db.prepare(`SELECT min(seq) FROM events WHERE ${where}`).pluck().get() as number

describe('audit verify holds the indexed columns against the hashed content', () => {
  it.each([
    ['actor_user', "'mallory'", '1'],
    ['network_id', "'0000000000000000000000000000000000000000000000000000000000000000'", "network_id IS NOT NULL"],
    ['container_id', 'NULL', "container_id IS NOT NULL"],
  ])('an edited %s column is "changed", naming the column', async (column, value, where) => {
    const db = log()
    const seq = seqOf(db, `${where} AND seq > 10`)
    db.prepare(`UPDATE events SET ${column} = ${value} WHERE seq = ?`).run(seq)
    const { failure } = await verifyLog(db)
    expect(failure).toMatchObject({ seq, kind: 'changed', reason: expect.stringContaining(`its ${column} column says`) })
  })

  it('an intact log still passes', async () => {
    expect((await verifyLog(log())).failure).toBeUndefined()
  })
})
