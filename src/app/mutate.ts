import type { DecideContext } from '../core/context.js'
import { UserError } from '../core/errors.js'
import { containersToRewrite, syncFirewall, syncHostsFiles, writeResolvFiles } from '../drivers/derived-state.js'
import { applyEvent } from '../drivers/index.js'
import { KernelSession, UndoStack } from '../drivers/kernel-session.js'
import type { NewEvent, StoredEvent } from '../events/types.js'
import { hostsAppends } from '../core/hosts.js'
import { validatePayload } from '../events/validate.js'
import { crashPoint } from '../kernel/crash-point.js'
import { type AppState, newId, nowIso } from './state.js'

export type Decide = (ctx: DecideContext) => NewEvent[]

/** A kernel step failed; its partial changes were undone and the failure is in the log. */
export class KernelFailure extends Error {}

/**
 * The one path by which anything changes. Holding the host-wide write lock (SQLite's
 * BEGIN IMMEDIATE) from decision to commit: decide from the projections, apply to the
 * kernel, append the events and update the projections, refresh hosts files and firewall,
 * commit. Bad input throws before anything changes; a kernel failure is undone, leaves the
 * tables as they were, and is recorded as an OperationFailed event.
 */
export interface MutateOptions {
  /** Finish the change in the tables even when the kernel refuses a step (docker's --force). */
  force?: boolean
}

export async function mutate(app: AppState, command: string, decide: Decide, opts: MutateOptions = {}): Promise<StoredEvent[]> {
  const kernel = new KernelSession(app.paths.linkGroup)
  const undo = new UndoStack()
  app.db.exec('BEGIN IMMEDIATE')
  let events: NewEvent[]
  try {
    events = decide({ state: app.state, newId, now: nowIso(), netnsDir: app.paths.netnsDir })
    // A malformed event must never reach the kernel, let alone the log.
    for (const e of events) validatePayload(e.type, e.payload)
  } catch (err) {
    app.db.exec('ROLLBACK')
    kernel.close()
    throw err
  }
  try {
    for (const e of events) {
      try {
        await applyEvent(e, kernel, undo)
      } catch (err) {
        if (!opts.force) throw err
        process.stderr.write(`Warning: ${(err as Error).message} (ignored: --force)\n`)
      }
    }
    const stored = app.append(events)
    if (kernel.firewallDirty) {
      undo.push(() => syncFirewall(app.state, app.paths))
      syncFirewall(app.state, app.paths)
    }
    const created = stored.flatMap((e) => (e.type === 'ContainerCreated' && e.payload.netnsKind !== 'host' ? [e.payload.id] : []))
    await writeResolvFiles(app.paths, created, kernel)
    const rewrite = containersToRewrite(stored, app.state)
    undo.push(() => syncHostsFiles(app.state, app.paths, rewrite))
    syncHostsFiles(app.state, app.paths, rewrite, hostsAppends(app.state, stored))
    crashPoint()
    app.db.exec('COMMIT')
    return stored
  } catch (err) {
    // Roll the tables back first: compensations that re-render from them see the old state.
    if (app.db.inTransaction) app.db.exec('ROLLBACK')
    const leftovers = await undo.unwind()
    const message = (err as Error).message
    recordFailure(app, command, leftovers.length ? `${message}; undo also failed: ${leftovers.join('; ')}` : message)
    if (err instanceof UserError) throw err
    const note = leftovers.length ? 'some changes could not be undone, see patchbay events' : 'changes undone'
    throw new KernelFailure(`${message} (${note})`)
  } finally {
    kernel.close()
  }
}

function recordFailure(app: AppState, command: string, error: string): void {
  app.db.transaction(() => app.append([{ type: 'OperationFailed', payload: { command, error } }])).immediate()
}
