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
  // On a network with IPv6, on: namespaces are made with IPv6 off for every new interface.
  if (p.ipv6) k.enableIpv6(p.netnsPath!, p.ifname!)
  else if (link.ipv6) k.disableIpv6(p.netnsPath!, p.ifname!)
  const index = link.index
  await inside.ensureAddress(index, `${p.ipv4}/${p.prefixLen}`)
  if (p.ipv6) await inside.ensureAddress(index, `${p.ipv6}/${p.prefixLen6}`)
  await inside.setLinkUp(index)
  await k.upLoopback(p.netnsPath!)
  const route = p.defaultRoute
  if (route) {
    const own = route.ifname === p.ifname ? index : undefined
    await inside.setDefaultRoute(route.gateway, route.ifname, own)
    if (route.gateway6) await inside.setDefaultRoute(route.gateway6, route.ifname, own)
  }
}

export async function disconnectVeth(p: EndpointDisconnected, k: KernelOps, undo: UndoStack): Promise<void> {
  const to = p.defaultRouteMovesTo
  if (to) {
    const inside = k.inNetns(p.netnsPath)
    await inside.setDefaultRoute(to.gateway, to.ifname)
    if (p.hadDefaultRoute && p.gateway) undo.push(() => inside.setDefaultRoute(p.gateway!, p.ifname!))
    // The IPv6 default route follows, or goes with its interface when the next network has no IPv6.
    if (to.gateway6) await inside.setDefaultRoute(to.gateway6, to.ifname)
    if (p.hadDefaultRoute && p.gateway6) undo.push(() => inside.setDefaultRoute(p.gateway6!, p.ifname!))
  }
  // Deleting the host end takes the container end with it. Nothing later in the mutation
  // needs it gone, so the kernel's grace period overlaps the log and hosts-file work.
  k.deleteHostLinkSoon(p.hostIfname!)
}
