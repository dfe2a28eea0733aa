import type { EndpointConnected, EndpointDisconnected } from '../../events/types.js'
import { KernelError } from '../../kernel/errors.js'
import type { KernelOps } from '../../kernel/ops.js'
import type { UndoStack } from '../kernel-session.js'

/**
 * An endpoint of a network with a bridge (bridge, overlay): a veth pair from the bridge at
 * `master` into the container, its end addressed, up and maybe routing.
 */
export async function connectVeth(p: EndpointConnected, master: number, k: KernelOps, undo: UndoStack): Promise<void> {
  const host = k.host()
  await host.createVethPeerInNetns({
    hostName: p.hostIfname!,
    peerName: p.ifname!,
    peerNetnsPath: p.netnsPath!,
    peerMac: p.mac!,
    hostMtu: p.mtu,
    master,
    group: k.linkGroup,
  })
  undo.push(() => host.deleteLink(p.hostIfname!))
  const inside = k.inNetns(p.netnsPath)
  const link = await inside.findLink(p.ifname!)
  if (!link) throw new KernelError('ENODEV', `connect ${p.containerName}: ${p.ifname} vanished from its namespace right after creation`)
  // Still down, as it must be: with IPv6 turned off first, it never gets a link-local address.
  if (link.ipv6) k.disableIpv6(p.netnsPath!, p.ifname!)
  const index = link.index
  await inside.ensureAddress(index, `${p.ipv4}/${p.prefixLen}`)
  await inside.setLinkUp(index)
  await k.upLoopback(p.netnsPath!)
  if (p.defaultRoute) await inside.setDefaultRoute(p.defaultRoute.gateway, p.defaultRoute.ifname, p.defaultRoute.ifname === p.ifname ? index : undefined)
}

export async function disconnectVeth(p: EndpointDisconnected, k: KernelOps, undo: UndoStack): Promise<void> {
  if (p.defaultRouteMovesTo) {
    const inside = k.inNetns(p.netnsPath)
    await inside.setDefaultRoute(p.defaultRouteMovesTo.gateway, p.defaultRouteMovesTo.ifname)
    if (p.hadDefaultRoute && p.gateway) undo.push(() => inside.setDefaultRoute(p.gateway!, p.ifname!))
  }
  // Deleting the host end takes the container end with it. Nothing later in the mutation
  // needs it gone, so the kernel's grace period overlaps the log and hosts-file work.
  k.deleteHostLinkSoon(p.hostIfname!)
}
