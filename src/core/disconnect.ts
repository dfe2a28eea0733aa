import type { DefaultRoute, EndpointDisconnected, NewEvent } from '../events/types.js'
import type { ContainerRow, EndpointRow, NetworkRow } from '../projections/queries.js'
import { driverFor } from '../drivers/registry.js'
import { findContainerOrFail } from './connect.js'
import type { DecideContext } from './context.js'
import { UserError } from './errors.js'
import { findNetworkOrFail } from './network-remove.js'

/** When the endpoint holding the default route goes, the next-oldest routable one takes over. */
function nextDefaultRoute(leaving: EndpointRow, rest: EndpointRow[], ctx: DecideContext): DefaultRoute | null {
  if (!leaving.defaultRoute) return null
  const internal = new Set(ctx.state.networks().filter((n) => n.internal).map((n) => n.id))
  const next = rest.find((e) => e.gateway !== null && e.ifname !== null && !internal.has(e.networkId))
  return next ? { gateway: next.gateway!, gateway6: next.gateway6, ifname: next.ifname! } : null
}

export function disconnectPayload(
  ep: EndpointRow,
  net: Pick<NetworkRow, 'name' | 'driver'>,
  container: Pick<ContainerRow, 'id' | 'name' | 'netnsPath'>,
  moveTo: DefaultRoute | null,
): EndpointDisconnected {
  return {
    id: ep.id, networkId: ep.networkId, networkName: net.name, containerId: container.id, containerName: container.name,
    driver: net.driver, ifname: ep.ifname, hostIfname: ep.hostIfname, ipv4: ep.ipv4, prefixLen: ep.prefixLen, gateway: ep.gateway, ipv6: ep.ipv6, prefixLen6: ep.prefixLen6, gateway6: ep.gateway6, netnsPath: container.netnsPath, host: ep.host, driverState: ep.driverState,
    defaultRouteMovesTo: moveTo, hadDefaultRoute: ep.defaultRoute,
  }
}

export function decideDisconnect(req: { network: string; container: string }, ctx: DecideContext): NewEvent[] {
  const net = findNetworkOrFail(ctx, req.network)
  const container = findContainerOrFail(ctx, req.container)
  const mine = ctx.state.endpointsOfContainer(container.id)
  const ep = mine.find((e) => e.networkId === net.id)
  if (!ep) throw new UserError(`container ${container.name} is not connected to network ${net.name}`)
  if (driverFor(net.driver).sharesHost) throw new UserError('container cannot be disconnected from host network or connected to host network')
  const rest = mine.filter((e) => e !== ep)
  return [{ type: 'EndpointDisconnected', payload: disconnectPayload(ep, net, container, nextDefaultRoute(ep, rest, ctx)) }]
}
