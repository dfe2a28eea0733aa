import type { EndpointConnected, NetworkCreated, NetworkRemoved } from '../../events/types.js'
import { KernelError } from '../../kernel/errors.js'
import type { KernelOps } from '../../kernel/ops.js'
import type { UndoStack } from '../kernel-session.js'
import { connectVeth } from './veth.js'

export interface BridgeSpec {
  bridge: string
  gateway: string
  prefixLen: number
  /** The IPv6 gateway with its prefix length ("fd00::1/64"), on a network with IPv6. */
  gateway6: string | null
  mtu: number
  internal: boolean
}

/** The bridge of a network, as its row or NetworkCreated event holds it. */
export function networkBridge(n: NetworkCreated): BridgeSpec {
  const gateway6 = n.gateway6 === null ? null : `${n.gateway6}/${n.subnet6!.split('/')[1]}`
  return { bridge: n.bridge!, gateway: n.gateway!, prefixLen: Number(n.subnet!.split('/')[1]), gateway6, mtu: n.mtu, internal: n.internal }
}

/** The bridge an endpoint joins: its event carries the network's settings, so a connect can recreate it. */
export function endpointBridge(p: EndpointConnected): BridgeSpec {
  const gateway6 = p.gateway6 === null ? null : `${p.gateway6}/${p.prefixLen6}`
  return { bridge: p.bridge!, gateway: p.gateway!, prefixLen: p.prefixLen!, gateway6, mtu: p.mtu, internal: p.internal }
}

/**
 * Makes sure the bridge exists, is up and holds the gateway address. Returns its index.
 * Used by create and by every connect, so a bridge lost to a reboot comes back on first use.
 */
export async function ensureBridge(spec: BridgeSpec, k: KernelOps, undo: UndoStack): Promise<number> {
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
  if (spec.gateway6) {
    if (!spec.internal) k.enableIpv6Forwarding()
    await host.ensureAddress(index, spec.gateway6)
  }
  k.ensured.set(spec.bridge, index)
  return index
}

export async function createBridgeNetwork(p: NetworkCreated, k: KernelOps, undo: UndoStack): Promise<void> {
  await ensureBridge(networkBridge(p), k, undo)
  k.firewallDirty = true
}

export async function removeBridgeNetwork(p: NetworkRemoved, k: KernelOps): Promise<void> {
  k.ensured.delete(p.bridge!)
  // Like a veth, a bridge goes after a grace period: meanwhile the firewall is re-rendered.
  k.deleteHostLinkSoon(p.bridge!)
  k.firewallDirty = true
}

/** A veth pair from the bridge into the container; its port isolated when the network has no inter-container communication. */
export async function connectToBridge(p: EndpointConnected, k: KernelOps, undo: UndoStack): Promise<void> {
  await connectVeth(p, await ensureBridge(endpointBridge(p), k, undo), k, undo)
  if (portIsolated(p)) {
    const host = k.host()
    const index = await host.linkIndex(p.hostIfname!)
    if (index === undefined) throw new KernelError('ENODEV', `connect ${p.containerName}: ${p.hostIfname} vanished right after creation`)
    await host.setPortIsolated(index, true)
  }
}

/** Whether the endpoint's bridge port is isolated (the bridge driver's endpoint state says so). */
export function portIsolated(ep: Pick<EndpointConnected, 'driverState'>): boolean {
  return ep.driverState?.isolated === 1
}
