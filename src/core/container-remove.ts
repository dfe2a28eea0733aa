import type { NewEvent } from '../events/types.js'
import { findContainerOrFail } from './connect.js'
import type { DecideContext } from './context.js'
import { disconnectPayload } from './disconnect.js'

/** Removing a container disconnects every endpoint (newest first), then forgets the container. */
export function decideContainerRemove(ref: string, ctx: DecideContext): NewEvent[] {
  const c = findContainerOrFail(ctx, ref)
  const names = new Map(ctx.state.networks().map((n) => [n.id, n]))
  const events: NewEvent[] = ctx.state
    .endpointsOfContainer(c.id)
    .reverse()
    .map((ep) => ({ type: 'EndpointDisconnected', payload: disconnectPayload(ep, names.get(ep.networkId)!, c, null) }))
  events.push({ type: 'ContainerRemoved', payload: { id: c.id, name: c.name, netnsKind: c.netnsKind, netnsPath: c.netnsPath } })
  return events
}
