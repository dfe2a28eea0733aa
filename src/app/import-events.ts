import type { KernelOps } from '../kernel/ops.js'
import { UndoStack } from '../drivers/kernel-session.js'
import { runEffects } from '../effects/run-effects.js'
import type { Actor, NewEvent, Origin, StoredEvent } from '../events/types.js'
import type { AppState } from './state.js'

/** An event as another host decided and recorded it. */
export type ImportedEvent = NewEvent & { time: string; host: string; actor: Actor; origin: Origin }

/**
 * Appends events another host decided, each exactly once (by its origin host and sequence),
 * and makes this host's kernel follow them through the same effects runner as local changes,
 * in one transaction. A fact decided elsewhere cannot be refused here: a kernel step that
 * fails is reported through `warn` and the event stays (restore, or the daemon's repair
 * loop, tries again); the projections always follow the cluster. Returns the events appended.
 */
export async function importEvents(app: AppState, kernel: KernelOps, events: ImportedEvent[], warn: (text: string) => void, localHost?: string): Promise<StoredEvent[]> {
  await app.loadSchema()
  const seen = app.db.prepare('SELECT 1 FROM events WHERE origin_host = ? AND origin_seq = ?').pluck()
  app.db.exec('BEGIN IMMEDIATE')
  try {
    const stored: StoredEvent[] = []
    for (const { time, host, actor, origin, ...e } of events) {
      if (seen.get(origin.host, origin.seq) !== undefined) continue
      stored.push(...app.log.append([e as NewEvent], { time, host, actor, origins: [origin] }))
    }
    const report = async (run: () => Promise<unknown>) => {
      try {
        await run()
      } catch (err) {
        warn(`Warning: ${(err as Error).message} (an event from another host: kept; patchbay restore retries it)\n`)
      }
    }
    // Nothing to undo: what was applied stays applied, as the events stay in the log.
    await runEffects(stored, { state: app.state, paths: app.paths, kernel, undo: new UndoStack(), deferHostsFiles: false, localHost }, report)
    await report(() => kernel.settle())
    app.db.exec('COMMIT')
    return stored
  } catch (err) {
    if (app.db.inTransaction) app.db.exec('ROLLBACK')
    throw err
  }
}
