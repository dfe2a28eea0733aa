import type { EndpointConnected, NewEvent } from '../events/types.js'
import { localAllocator, localIpv6 } from '../ipam/allocator.js'
import { formatIp, macForIp, parseCidr } from '../ipam/cidr.js'
import type { ContainerRow, EndpointRow, NetworkRow } from '../projections/queries.js'
import type { DecideContext } from './context.js'
import { UserError } from './errors.js'
import { driverFor } from '../drivers/registry.js'
import { checkAlias } from './names.js'
import { findNetworkOrFail } from './network-remove.js'

export interface ConnectRequest {
  network: string
  container: string
  ip?: string
  ip6?: string
  aliases: string[]
}

export function findContainerOrFail(ctx: DecideContext, ref: string): ContainerRow {
  const c = ctx.state.findContainer(ref)
  if (!c) throw new UserError(`No such container: ${ref}`)
  return c
}

/** Lowest ethN the container does not use yet: eth0, eth1, … in connect order. */
function pickIfname(mine: EndpointRow[]): string {
  const used = new Set(mine.map((e) => e.ifname))
  let n = 0
  while (used.has(`eth${n}`)) n++
  return `eth${n}`
}

/**
 * Plans one endpoint of `container` on `net`: address, MAC, interface names and whether it
 * gives the container its default route. Shared by `run` and `network connect`.
 */
export function planEndpoint(
  net: NetworkRow,
  container: ContainerRow,
  mine: EndpointRow[],
  req: { ip?: string; ip6?: string; aliases: string[] },
  ctx: DecideContext,
): EndpointConnected {
  req.aliases.forEach(checkAlias)
  if (mine.some((e) => e.networkId === net.id)) {
    throw new UserError(`endpoint with name ${container.name} already exists in network ${net.name}`)
  }
  const driver = driverFor(net.driver)
  if (driver.sharesHost || container.netnsKind === 'host') {
    if (!driver.sharesHost || container.netnsKind !== 'host' || mine.length > 0) {
      throw new UserError('container cannot be disconnected from host network or connected to host network')
    }
  } else if (!driver.addressed ? mine.length > 0 : mine.some((e) => e.ifname === null)) {
    // An endpoint without an interface on a non-host container is the `none` network's.
    throw new UserError('container cannot be connected to multiple networks with one of the networks in private (none) mode')
  }
  const id = ctx.newId()
  const base = {
    id, networkId: net.id, networkName: net.name, containerId: container.id, containerName: container.name,
    driver: net.driver, mtu: net.mtu, internal: net.internal, aliases: req.aliases, netnsPath: container.netnsPath,
    host: driver.scope === 'global' ? (ctx.cluster?.host ?? null) : null,
  }
  if (!driver.addressed) {
    if (req.ip !== undefined) throw new UserError(`--ip is not allowed on network ${net.name} (driver ${net.driver})`)
    if (req.ip6 !== undefined) throw new UserError(`--ip6 is not allowed on network ${net.name} (driver ${net.driver})`)
    const none = { ipv4: null, prefixLen: null, gateway: null, ipv6: null, prefixLen6: null, gateway6: null }
    return { ...base, ...none, ifname: null, hostIfname: null, bridge: null, mac: null, defaultRoute: null, driverState: null }
  }
  if (req.ip6 !== undefined && !net.enableIpv6) throw new UserError(`--ip6 is not allowed on network ${net.name}: it has no IPv6 (create it with --ipv6 and an IPv6 --subnet)`)
  const allocator = ctx.allocator ?? localAllocator(ctx.state)
  const ip = allocator.ipv4(net, req.ip)
  const ip6 = net.enableIpv6 ? localIpv6(ctx.state, net, req.ip6) : null
  const ifname = pickIfname(mine)
  const hasRoute = mine.some((e) => e.defaultRoute)
  const plan = driver.planEndpoint(net, id, ctx)
  return {
    ...base,
    ifname,
    hostIfname: plan.hostIfname,
    driverState: plan.driverState,
    bridge: net.bridge,
    ipv4: formatIp(ip),
    prefixLen: parseCidr(net.subnet!)!.prefix,
    gateway: net.gateway,
    ipv6: ip6,
    prefixLen6: ip6 === null ? null : Number(net.subnet6!.split('/')[1]),
    gateway6: ip6 === null ? null : net.gateway6,
    mac: macForIp(ip),
    defaultRoute: !hasRoute && !net.internal ? { gateway: net.gateway!, gateway6: ip6 === null ? null : net.gateway6, ifname } : null,
  }
}

export function decideConnect(req: ConnectRequest, ctx: DecideContext): NewEvent[] {
  const net = findNetworkOrFail(ctx, req.network)
  const container = findContainerOrFail(ctx, req.container)
  const payload = planEndpoint(net, container, ctx.state.endpointsOfContainer(container.id), req, ctx)
  return [{ type: 'EndpointConnected', payload }]
}
