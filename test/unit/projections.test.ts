import { describe, expect, it } from 'vitest'
import { decideConnect } from '../../src/core/connect.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideContainerRemove } from '../../src/core/container-remove.js'
import type { DecideContext } from '../../src/core/context.js'
import { decideDisconnect } from '../../src/core/disconnect.js'
import { UserError } from '../../src/core/errors.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import { decideNetworkRemove } from '../../src/core/network-remove.js'
import type { Db } from '../../src/events/database.js'
import type { NewEvent } from '../../src/events/types.js'
import { findChainBreak } from '../../src/events/verify.js'
import { PROJECTION_TABLES, rebuildProjections } from '../../src/projections/rebuild.js'
import { memoryState } from './memory-state.js'

/** A tiny seeded PRNG so a failing sequence can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
}

function dump(db: Db) {
  return Object.fromEntries(PROJECTION_TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY id`).all()]))
}

function randomOps(seed: number, steps: number) {
  const s = memoryState()
  const rnd = prng(seed)
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]
  const nets = ['bridge', 'none', 'n1', 'n2', 'n3']
  const ctrs = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']
  const ops: ((c: DecideContext) => NewEvent[])[] = [
    (c) => decideNetworkCreate({ name: pick(nets), driver: 'bridge', internal: rnd() < 0.3, attachable: false, labels: {}, options: {}, hostRoutes: [] }, c),
    (c) => decideNetworkRemove(pick(nets), c),
    (c) => decideContainerCreate({ name: pick(ctrs), network: pick(nets), aliases: rnd() < 0.5 ? ['db'] : [] }, c),
    (c) => decideContainerRemove(pick(ctrs), c),
    (c) => decideConnect({ network: pick(nets), container: pick(ctrs), aliases: [] }, c),
    (c) => decideDisconnect({ network: pick(nets), container: pick(ctrs) }, c),
  ]
  let applied = 0
  for (let i = 0; i < steps; i++) {
    try {
      s.apply(pick(ops))
      applied++
    } catch (err) {
      if (!(err instanceof UserError)) throw err
    }
  }
  return { s, applied }
}

describe('projections', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('rebuilt from the log equal the live tables (seed %i)', (seed) => {
    const { s, applied } = randomOps(seed, 300)
    expect(applied).toBeGreaterThan(30)
    const live = dump(s.db)
    rebuildProjections(s.db)
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

describe('hash chain', () => {
  it('links every event to the previous one', () => {
    const { s } = randomOps(3, 100)
    expect(findChainBreak(s.db)).toBeUndefined()
    const rows = s.db.prepare('SELECT seq, prev_hash, hash FROM events ORDER BY seq').all() as { prev_hash: string; hash: string }[]
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash)
  })

  it('notices an edited, deleted or reordered event', () => {
    const edited = randomOps(4, 60).s.db
    edited.prepare("UPDATE events SET host = 'elsewhere' WHERE seq = 5").run()
    expect(findChainBreak(edited)).toEqual({ seq: 5, reason: 'content changed after it was written' })

    const deleted = randomOps(4, 60).s.db
    deleted.prepare('DELETE FROM events WHERE seq = 3').run()
    expect(findChainBreak(deleted)?.seq).toBe(3)

    const swapped = randomOps(4, 60).s.db
    swapped.exec('UPDATE events SET seq = -1 WHERE seq = 4; UPDATE events SET seq = 4 WHERE seq = 5; UPDATE events SET seq = 5 WHERE seq = -1')
    expect(findChainBreak(swapped)?.seq).toBe(4)
  })
})
