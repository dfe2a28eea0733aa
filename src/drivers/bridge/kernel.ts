import type { EndpointConnected, EndpointDisconnected, NetworkCreated, NetworkRemoved } from '../../events/types.js'
import { KernelError } from '../../kernel/errors.js'
import type { KernelOps } from '../../kernel/ops.js'
import type { UndoStack } from '../kernel-session.js'

interface BridgeSpec {
  bridge: string
  gateway: string
  prefixLen: number
  mtu: number
  internal: boolean
}

/**
 * Makes sure the bridge exists, is up and holds the gateway address. Returns its index.
 * Used by create and by every connect, so a bridge lost to a reboot comes back on first use.
 */
async function ensureBridge(spec: BridgeSpec, k: KernelOps, undo: UndoStack): Promise<number> {
  const known = k.ensured.get(spec.bridge)
  if (known !== undefined) return known
  const host = k.host()
  const { index, created } = await host.ensureBridge(spec.bridge, { mtu: spec.mtu, group: k.linkGroup, claimUnmarked: k.claimUnmarked })
  if (created) {
    undo.push(() => host.deleteLink(spec.bridge))
    k.firewallDirty = true
    // Docker turns forwarding on for networks that reach out; internal ones need none.
    if (!spec.internal) k.enableIpv4Forwarding()
  }
  await host.ensureAddress(index, `${spec.gateway}/${spec.prefixLen}`)
  k.ensured.set(spec.bridge, index)
  return index
}

export async function createBridgeNetwork(p: NetworkCreated, k: KernelOps, undo: UndoStack): Promise<void> {
  const prefixLen = Number(p.subnet!.split('/')[1])
  await ensureBridge({ bridge: p.bridge!, gateway: p.gateway!, prefixLen, mtu: p.mtu, internal: p.internal }, k, undo)
  k.firewallDirty = true
}

export async function removeBridgeNetwork(p: NetworkRemoved, k: KernelOps): Promise<void> {
  k.ensured.delete(p.bridge!)
  // Like a veth, a bridge goes after a grace period: meanwhile the firewall is re-rendered.
  k.deleteHostLinkSoon(p.bridge!)
  k.firewallDirty = true
}

/** A veth pair from the bridge into the container, its end addressed, up and maybe routing. */
export async function connectToBridge(p: EndpointConnected, k: KernelOps, undo: UndoStack): Promise<void> {
  const spec = { bridge: p.bridge!, gateway: p.gateway!, prefixLen: p.prefixLen!, mtu: p.mtu, internal: p.internal }
  const master = await ensureBridge(spec, k, undo)
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

export async function disconnectFromBridge(p: EndpointDisconnected, k: KernelOps, undo: UndoStack): Promise<void> {
  if (p.defaultRouteMovesTo) {
    const inside = k.inNetns(p.netnsPath)
    await inside.setDefaultRoute(p.defaultRouteMovesTo.gateway, p.defaultRouteMovesTo.ifname)
    if (p.hadDefaultRoute && p.gateway) undo.push(() => inside.setDefaultRoute(p.gateway!, p.ifname!))
  }
  // Deleting the host end takes the container end with it. Nothing later in the mutation
  // needs it gone, so the kernel's grace period overlaps the log and hosts-file work.
  k.deleteHostLinkSoon(p.hostIfname!)
}
