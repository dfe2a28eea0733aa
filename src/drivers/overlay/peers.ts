import type { KernelOps } from '../../kernel/ops.js'
import type { EndpointRow, NetworkRow } from '../../projections/queries.js'
import type { RemotePeer } from '../contract.js'
import { endpointState, networkState } from './state.js'

/** The network's VXLAN device on this host: undefined when no local endpoint has made it. */
async function vxlanIndex(net: NetworkRow, k: KernelOps): Promise<number | undefined> {
  return k.host().linkIndex(networkState(net.driverState).vxlan)
}

/** Frames for the peer's MAC go to its host's VTEP; the device answers ARP for its IP itself (proxy). */
export async function joinRemote(net: NetworkRow, peer: RemotePeer, k: KernelOps): Promise<void> {
  const index = await vxlanIndex(net, k)
  if (index === undefined) return
  const host = k.host()
  await host.replaceFdbEntry(index, peer.mac, peer.vtep)
  await host.replaceNeighbour(index, peer.ipv4, peer.mac)
}

export async function leaveRemote(net: NetworkRow, peer: RemotePeer, k: KernelOps): Promise<void> {
  const index = await vxlanIndex(net, k)
  if (index === undefined) return
  const host = k.host()
  const deleted = await host.deleteFdbEntry(index, peer.mac, peer.vtep)
  // A MAC is its IP's: if the MAC now points at another VTEP, the address has gone to an endpoint
  // on another host, whose neighbour entry this is; otherwise it is the peer's (or already gone).
  if (deleted || !(await host.listFdbEntries(index)).some((e) => e.mac === peer.mac)) await host.deleteNeighbour(index, peer.ipv4)
}

/** The peers the device holds whole: an FDB entry to a VTEP and a permanent neighbour entry for the same MAC. */
export async function programmedPeers(net: NetworkRow, k: KernelOps): Promise<RemotePeer[]> {
  const index = await vxlanIndex(net, k)
  if (index === undefined) return []
  const host = k.host()
  const neighbours = (await host.listNeighbours(index)).filter((n) => n.permanent)
  return (await host.listFdbEntries(index)).flatMap((e) =>
    neighbours.filter((n) => n.mac === e.mac).map((n) => ({ mac: e.mac, ipv4: n.ip, vtep: e.dst })),
  )
}

/** An endpoint held by another host, as this host's kernel must know it. */
export function peerOf(ep: Pick<EndpointRow, 'mac' | 'ipv4' | 'driverState'>): RemotePeer | undefined {
  if (ep.mac === null || ep.ipv4 === null) return undefined
  return { mac: ep.mac, ipv4: ep.ipv4, vtep: endpointState(ep.driverState).vtep }
}
