import { applyEvent } from '../drivers/index.js'
import type { StoredEvent } from '../events/types.js'
import { REACTORS, type ReactorContext } from './reactors.js'

/**
 * Makes the kernel follow events already appended (in the same, uncommitted transaction):
 * each event through its network's driver, then the reactors. The same runner serves events
 * decided here and events imported from another host. `step` runs each driver change: it
 * rethrows a failure (the mutation is then rolled back and undone), or, for a forced change or
 * an imported fact this host cannot refuse, reports it and goes on.
 */
export async function runEffects(events: StoredEvent[], ctx: ReactorContext, step: (run: () => Promise<unknown>) => Promise<void>): Promise<void> {
  for (const e of events) if (!heldElsewhere(e, ctx.localHost)) await step(() => applyEvent(e, ctx.kernel, ctx.undo))
  for (const react of REACTORS) await react(events, ctx)
}

/** An endpoint another host holds: nothing of it is built here but its peer entries (see reactors). */
function heldElsewhere(e: StoredEvent, localHost: string | undefined): boolean {
  return (e.type === 'EndpointConnected' || e.type === 'EndpointDisconnected') && e.payload.host !== null && e.payload.host !== localHost
}
