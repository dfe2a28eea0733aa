import type { AppState } from '../app/state.js'
import { hostsAppends } from '../core/hosts.js'
import { affectedBy, containersToRewrite, syncFirewall, syncHostsFiles, writeResolvFiles } from './derived-state.js'
import type { UndoStack } from '../drivers/kernel-session.js'
import type { StoredEvent } from '../events/types.js'
import type { KernelOps } from '../kernel/ops.js'

/** What a reactor works with: the state after the events, the kernel session and its undo. */
export interface ReactorContext {
  app: AppState
  kernel: KernelOps
  undo: UndoStack
  /** A batch rewrites hosts files once at its end (see MutationSession), not after each change. */
  deferHostsFiles: boolean
}

/**
 * Kernel state that follows from many events at once rather than from one: run after the
 * drivers applied the events, in this order, for events decided here and imported alike. Each
 * pushes its own compensation (re-rendering from the tables, which a rollback restores).
 */
export type Reactor = (events: StoredEvent[], ctx: ReactorContext) => Promise<void> | void

/** The firewall table, rendered again when networks came or went. */
const firewall: Reactor = (_events, { app, kernel, undo }) => {
  if (!kernel.firewallDirty) return
  undo.push(() => syncFirewall(app.state, app.paths, kernel))
  syncFirewall(app.state, app.paths, kernel)
  kernel.firewallDirty = false
}

/** A new container's resolv.conf, from the host's at its creation (as docker does). */
const resolvFiles: Reactor = async (events, { app, kernel }) => {
  const created = events.flatMap((e) => (e.type === 'ContainerCreated' && e.payload.netnsKind !== 'host' ? [e.payload.id] : []))
  await writeResolvFiles(app.paths, created, kernel)
}

/** The hosts file of every container whose peers changed: an append where that is all it takes. */
const hostsFiles: Reactor = (events, { app, kernel, undo, deferHostsFiles }) => {
  if (deferHostsFiles) return
  const rewrite = containersToRewrite(affectedBy(events), app.state)
  undo.push(() => syncHostsFiles(app.state, app.paths, kernel, rewrite))
  syncHostsFiles(app.state, app.paths, kernel, rewrite, hostsAppends(app.state, events))
}

export const REACTORS: readonly Reactor[] = [firewall, resolvFiles, hostsFiles]
