import { createHash } from 'node:crypto'
import { decideBuiltins } from '../../src/core/builtin-networks.js'
import type { DecideContext } from '../../src/core/context.js'
import { openDatabase } from '../../src/events/database.js'
import * as schema from '../../src/events/schema.js'
import { EventLog } from '../../src/events/store.js'
import type { Actor, NewEvent, StoredEvent } from '../../src/events/types.js'
import { createProjector } from '../../src/projections/projectors.js'
import { StateQueries } from '../../src/projections/queries.js'
import { SNAPSHOT_INTERVAL, withSnapshots } from '../../src/projections/snapshots.js'

export const ACTOR: Actor = { uid: 0, user: 'root', sudoUser: 'alice', pid: 42, argv: ['network', 'ls'] }

/**
 * A state database in memory with deterministic ids and clock: decide + append, no kernel.
 * The projector is the append path's, snapshots included (every `snapshotEvery` events).
 */
export function memoryState(snapshotEvery = SNAPSHOT_INTERVAL) {
  const db = openDatabase(':memory:')
  const log = new EventLog(db, withSnapshots(db, createProjector(db), snapshotEvery), () => schema)
  const state = new StateQueries(db)
  let n = 0
  // Deterministic but spread out like real ids, so prefixes differ.
  const newId = (): string => createHash('sha256').update(String(++n)).digest('hex')
  const now = '2026-11-27T12:00:00.000Z'
  const ctx: DecideContext = { state, newId, now, netnsDir: '/run/patchbay/test/netns' }
  const append = (events: NewEvent[]): StoredEvent[] => db.transaction(() => log.append(events, { actor: ACTOR, host: 'h1', time: now }))()
  append(decideBuiltins(newId, now))
  return { db, log, state, ctx, append, apply: (decide: (c: DecideContext) => NewEvent[]) => append(decide(ctx)) }
}
