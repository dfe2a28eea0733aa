import type { NewEvent } from '../events/types.js'
import type { EndpointRow, StateQueries } from '../projections/queries.js'
import { disconnectPayload } from './disconnect.js'
import type { DecideContext } from './context.js'

/** This host is up at `advertise`: nothing to record when the log already says so. */
export function decideHostJoined(host: string, advertise: string, ctx: DecideContext): NewEvent[] {
  const now = ctx.state.hosts().find((h) => h.name === host)
  return now?.up && now.advertise === advertise ? [] : [{ type: 'HostJoined', payload: { host, advertise } }]
}

/** Another host stopped answering: nothing to record when the log already has it down (another host said so first). */
export function decideHostLeft(host: string, reason: string, ctx: DecideContext): NewEvent[] {
  return ctx.state.hosts().find((h) => h.name === host)?.up ? [{ type: 'HostLeft', payload: { host, reason } }] : []
}

/**
 * Endpoints the log says this host holds whose container it does not have: a claim whose answer
 * never came (the store stalled) that landed after its command was rolled back, its container
 * with it.
 */
export function orphanEndpoints(host: string, state: StateQueries): EndpointRow[] {
  const held = new Set(state.containers().map((c) => c.id))
  return state.endpoints().filter((ep) => ep.host === host && !held.has(ep.containerId))
}

/** Disconnects each orphan endpoint, so its address and its network are free again. */
export function decideOrphanDisconnects(host: string, ctx: DecideContext): NewEvent[] {
  const nets = new Map(ctx.state.networks().map((n) => [n.id, n]))
  return orphanEndpoints(host, ctx.state).map((ep) => ({
    type: 'EndpointDisconnected',
    payload: disconnectPayload(ep, nets.get(ep.networkId)!, { id: ep.containerId, name: ep.containerName, netnsPath: null }, null),
  }))
}
