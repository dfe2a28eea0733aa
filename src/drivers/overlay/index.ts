import type { DecideContext } from '../../core/context.js'
import { UserError } from '../../core/errors.js'
import type { NetworkDriver } from '../contract.js'
import { checkBridgeFree, hostVethName } from '../bridge/names.js'
import { vethProblem } from '../bridge/repair.js'
import { disconnectVeth } from '../bridge/veth.js'
import { MTU_OPTION, mtuOption } from '../options.js'
import { connectToOverlay, removeOverlayNetwork } from './kernel.js'
import { joinRemote, leaveRemote, peerOf, programmedPeers } from './peers.js'
import { overlayPools } from './pools.js'
import { overlayProblem, repairOverlay } from './repair.js'
import { networkState, vxlanName } from './state.js'
import { VNI_OPTION, chooseVni } from './vni.js'

/** 1500 less the VXLAN encapsulation (outer Ethernet, IPv4, UDP and VXLAN headers: 50 bytes). */
const DEFAULT_MTU = 1450

/** Who this host is in the cluster; an overlay network means nothing without one. */
function clusterOf(ctx: DecideContext): NonNullable<DecideContext['cluster']> {
  if (ctx.cluster) return ctx.cluster
  throw new UserError(
    'driver "overlay" needs a cluster store: start patchbay daemon --cluster-store consul://HOST:PORT (or etcd://HOST:PORT) --cluster-advertise ADDR on this host',
  )
}

/**
 * A VXLAN network spanning the hosts of a cluster. On each host with a local endpoint: a bridge
 * holding the gateway (containers go out through their own host, masqueraded as on a bridge
 * network), a VXLAN device in it (the network's VNI, UDP 4789, this host's advertise address
 * as its VTEP, nolearning, proxy ARP) and a veth pair per local endpoint. Every endpoint on
 * another host is a static FDB entry (its MAC → its host's VTEP) and a permanent neighbour
 * entry (its IP → its MAC) on the VXLAN device.
 */
export const overlayDriver: NetworkDriver = {
  name: 'overlay',
  scope: 'global',
  options: {
    [MTU_OPTION]: `MTU of the bridge, the VXLAN device and every veth (default ${DEFAULT_MTU})`,
    [VNI_OPTION]: 'the VXLAN network identifier, 1 to 16777215 (default the lowest free from 256)',
  },
  userCreatable: true,
  addressed: true,
  sharesHost: false,
  maxPrefixLen: 30,
  dualStack: false,
  pools: overlayPools,

  planNetwork({ id, options, ctx }) {
    clusterOf(ctx)
    const vni = chooseVni(options, ctx)
    const bridge = checkBridgeFree(`pb-${id.slice(0, 12)}`, ctx)
    return { bridge, mtu: mtuOption(options, DEFAULT_MTU), driverState: { vni, vxlan: vxlanName(vni) } }
  },

  planEndpoint(net, endpointId, ctx) {
    const { advertise } = clusterOf(ctx)
    return { hostIfname: hostVethName(endpointId, ctx), driverState: { ...networkState(net.driverState), vtep: advertise } }
  },

  /** Nothing in the kernel until a first local endpoint; the firewall learns of the network now. */
  async createNetwork(_p, k) {
    k.firewallDirty = true
  },
  removeNetwork: removeOverlayNetwork,
  connect: connectToOverlay,
  disconnect: disconnectVeth,

  networkProblem: overlayProblem,
  repairNetwork: repairOverlay,
  endpointProblem: (ep, _net, host, inside) => vethProblem(ep, host, inside),
  /**
   * The bridge, the VXLAN device and every endpoint's host veth. The rows do not say which host
   * is this one (hostIfname is set on every host's endpoints), so a remote endpoint's veth name
   * is kept too: harmless, as names are planned unique among all endpoints this host knows,
   * whereas dropping a local one would delete a live endpoint.
   */
  hostLinks: (net, endpoints) => [net.bridge!, networkState(net.driverState).vxlan, ...endpoints.flatMap((e) => (e.hostIfname ? [e.hostIfname] : []))],
  firewall: (net) => ({ bridge: net.bridge!, subnet: net.subnet!, internal: net.internal, masquerade: true }),

  joinRemote,
  leaveRemote,
  programmedPeers,
  peerOf,
}
