import type { EndpointConnected, NetworkRemoved } from '../../events/types.js'
import type { KernelOps } from '../../kernel/ops.js'
import type { UndoStack } from '../kernel-session.js'
import { endpointBridge, ensureBridge } from '../bridge/kernel.js'
import { connectVeth } from '../bridge/veth.js'
import { endpointState, networkState } from './state.js'

export interface VxlanSpec {
  name: string
  vni: number
  /** This host's VTEP address (its advertise address). */
  local: string
  mtu: number
}

/**
 * Makes sure the network's VXLAN device exists with its VNI and local VTEP, nolearning and
 * proxy ARP (its FDB and neighbour entries come from joinRemote only), up, stamped as ours
 * and enslaved to the bridge at `master`. Returns its index.
 */
export async function ensureVxlan(spec: VxlanSpec, master: number, k: KernelOps, undo: UndoStack): Promise<number> {
  const known = k.ensured.get(spec.name)
  if (known !== undefined) return known
  const host = k.host()
  const { index, created } = await host.ensureVxlan(spec.name, { vni: spec.vni, local: spec.local, mtu: spec.mtu, master, group: k.linkGroup })
  if (created) undo.push(() => host.deleteLink(spec.name))
  k.ensured.set(spec.name, index)
  return index
}

/**
 * A local endpoint: the bridge and the VXLAN device come with the first one (a host with no
 * endpoint on the network has neither), then its veth pair as on a bridge network.
 */
export async function connectToOverlay(p: EndpointConnected, k: KernelOps, undo: UndoStack): Promise<void> {
  const { vni, vxlan, vtep } = endpointState(p.driverState)
  const master = await ensureBridge(endpointBridge(p), k, undo)
  await ensureVxlan({ name: vxlan, vni, local: vtep, mtu: p.mtu }, master, k, undo)
  await connectVeth(p, master, k, undo)
}

/** Deletes the network's VXLAN device and bridge where this host has them, and only if they are ours. */
export async function removeOverlayNetwork(p: NetworkRemoved, k: KernelOps): Promise<void> {
  const names = [networkState(p.driverState).vxlan, p.bridge!]
  for (const name of names) k.ensured.delete(name)
  const links = await k.host().listLinks()
  for (const l of links) if (names.includes(l.name) && l.group === k.linkGroup) k.deleteHostLinkSoon(l.name)
  k.firewallDirty = true
}
