import type { NetworkDriver } from '../contract.js'
import { noRemotePeers } from '../local-only.js'
import { MTU_OPTION, checkIfname, mtuOption } from '../options.js'
import { defaultPools } from '../../ipam/pools.js'
import { UndoStack } from '../kernel-session.js'
import { connectToBridge, createBridgeNetwork, removeBridgeNetwork } from './kernel.js'
import { checkBridgeFree, hostVethName } from './names.js'
import { bridgeProblem, vethProblem } from './repair.js'
import { disconnectVeth } from './veth.js'
import { HOST_BINDING_OPTION, ICC_OPTION, MASQUERADE_OPTION, NAME_OPTION, bridgeSettings } from './options.js'

export const DEFAULT_MTU = 1500

/**
 * A Linux bridge on the host with the gateway address on it, one veth pair per endpoint, the
 * firewall isolating it from every other bridge and masquerading what leaves the host.
 */
export const bridgeDriver: NetworkDriver = {
  name: 'bridge',
  scope: 'local',
  options: {
    [NAME_OPTION]: 'the Linux bridge to create (default pb-<12 hex digits of the network id>)',
    [MTU_OPTION]: 'MTU of the bridge and of every veth on it (default 1500)',
    [ICC_OPTION]: 'whether containers on the network reach each other (default true)',
    [MASQUERADE_OPTION]: 'whether what leaves the host from the network takes the host\'s address (default true)',
    [HOST_BINDING_OPTION]: 'the host address a port published without one binds to (default 0.0.0.0: all)',
  },
  userCreatable: true,
  addressed: true,
  sharesHost: false,
  maxPrefixLen: 30,
  dualStack: true,

  planNetwork({ id, options, ctx }) {
    const bridge = checkBridgeFree(checkIfname(NAME_OPTION, options[NAME_OPTION] ?? `pb-${id.slice(0, 12)}`), ctx)
    bridgeSettings(options) // refuses a bad value now, not at the first connect
    return { bridge, mtu: mtuOption(options, DEFAULT_MTU), driverState: null }
  },

  // With inter-container communication off, each port is isolated on the bridge: recorded in
  // the event, so replay and restore set it without reading the network's options.
  planEndpoint: (net, endpointId, ctx) => ({ hostIfname: hostVethName(endpointId, ctx), driverState: bridgeSettings(net.options).icc ? null : { isolated: 1 } }),

  createNetwork: createBridgeNetwork,
  removeNetwork: removeBridgeNetwork,
  connect: connectToBridge,
  disconnect: disconnectVeth,

  pools: defaultPools,

  networkProblem(net, _local, host, group) {
    const why = bridgeProblem(net, host, group)
    return why === undefined ? undefined : { device: `bridge ${net.bridge}`, noun: 'bridge', why }
  },
  repairNetwork: (net, _local, k) => createBridgeNetwork(net, k, new UndoStack()),
  endpointProblem: (ep, _net, host, inside) => vethProblem(ep, host, inside),
  hostLinks: (net, endpoints) => [net.bridge!, ...endpoints.flatMap((e) => (e.hostIfname ? [e.hostIfname] : []))],
  firewall: (net) => ({ bridge: net.bridge!, subnet: net.subnet!, subnet6: net.subnet6, internal: net.internal, masquerade: bridgeSettings(net.options).masquerade }),
  ...noRemotePeers,
}
