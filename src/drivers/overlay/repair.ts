import type { KernelOps, LinkInfo, ObservedNetns } from '../../kernel/ops.js'
import type { EndpointRow, NetworkRow } from '../../projections/queries.js'
import { UndoStack } from '../kernel-session.js'
import { ensureBridge, networkBridge } from '../bridge/kernel.js'
import { bridgeProblem } from '../bridge/repair.js'
import type { NetworkProblem } from '../contract.js'
import { ensureVxlan, type VxlanSpec } from './kernel.js'
import { endpointState, networkState } from './state.js'

const VXLAN_PORT = 4789

/** The VXLAN device the network needs here: this host's VTEP is the one its local endpoints were planned with. */
function wantedVxlan(net: NetworkRow, local: EndpointRow[]): VxlanSpec {
  const { vni, vxlan } = networkState(net.driverState)
  return { name: vxlan, vni, local: endpointState(local[0]!.driverState).vtep, mtu: net.mtu }
}

/** How an existing vxlan differs in what only recreating it changes; [] when it does not. */
function fixedSettingsDiffer(link: LinkInfo, want: VxlanSpec): string[] {
  const v = link.vxlan!
  return [
    v.vni !== want.vni && `vni ${v.vni}, not ${want.vni}`,
    v.local !== want.local && `local ${v.local || 'unset'}, not ${want.local}`,
    v.port !== VXLAN_PORT && `port ${v.port}, not ${VXLAN_PORT}`,
    v.learning && 'learning on',
    !v.proxy && 'proxy ARP off',
  ].filter((p): p is string => typeof p === 'string')
}

/** What is wrong with the network's VXLAN device, or undefined when it is whole. */
function vxlanProblem(want: VxlanSpec, bridge: string, host: ObservedNetns, group: number): string | undefined {
  const link = host.links.find((l) => l.name === want.name)
  if (!link) return 'create'
  if (link.kind !== 'vxlan' || !link.vxlan) return `replace the ${link.kind ?? 'non-vxlan'} link of that name` // ensureVxlan will refuse: reported
  const differ = fixedSettingsDiffer(link, want)
  if (differ.length) return `recreate (${differ.join(', ')})`
  const master = host.links.find((l) => l.name === bridge)
  const problems = [
    !link.up && 'set up',
    link.mtu !== want.mtu && `set mtu ${want.mtu}`,
    (master === undefined || link.master !== master.index) && `enslave to ${bridge}`,
    link.group !== group && 'mark as patchbay\'s',
  ].filter((p): p is string => typeof p === 'string')
  return problems.length ? problems.join(', ') : undefined
}

/** The bridge and the VXLAN device, as restore reports them; none needed on a host without local endpoints. */
export function overlayProblem(net: NetworkRow, local: EndpointRow[], host: ObservedNetns, group: number): NetworkProblem | undefined {
  if (local.length === 0) return undefined
  const want = wantedVxlan(net, local)
  const bridge = bridgeProblem(net, host, group)
  const vxlan = vxlanProblem(want, net.bridge!, host, group)
  const why = [bridge && `bridge: ${bridge}`, vxlan && `${want.name}: ${vxlan}`].filter(Boolean).join('; ')
  return why ? { device: `overlay ${net.bridge}`, noun: 'overlay', why } : undefined
}

/**
 * Makes the bridge and the VXLAN device whole. A device of ours whose VNI, VTEP or flags are
 * wrong (the host's advertise address changed, say) is made again: its FDB and neighbour
 * entries go with it, and programmedPeers then tells the caller to join the peers again.
 */
export async function repairOverlay(net: NetworkRow, local: EndpointRow[], k: KernelOps): Promise<void> {
  if (local.length === 0) return
  const want = wantedVxlan(net, local)
  const undo = new UndoStack() // restore only moves the kernel towards the log: nothing to compensate
  const master = await ensureBridge(networkBridge(net), k, undo)
  const host = k.host()
  const link = (await host.listLinks()).find((l) => l.name === want.name)
  if (link?.vxlan && link.group === k.linkGroup && fixedSettingsDiffer(link, want).length) {
    k.ensured.delete(want.name)
    await host.deleteLink(want.name)
  }
  await ensureVxlan(want, master, k, undo)
}
