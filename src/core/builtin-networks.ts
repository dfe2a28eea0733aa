import type { NetworkCreated, NewEvent } from '../events/types.js'
import { formatCidr, formatIp, networkOf } from '../ipam/cidr.js'
import { DEFAULT_BRIDGE_SUBNET } from '../ipam/pools.js'

export const DEFAULT_BRIDGE_DEVICE = 'pb0'
export const DEFAULT_MTU = 1500

/** The three networks every fresh host has, as docker's: bridge, host and none. */
export function decideBuiltins(newId: () => string, now: string): NewEvent[] {
  const base = { scope: 'local' as const, created: now, internal: false, attachable: false, builtin: true, mtu: DEFAULT_MTU, labels: {}, driverState: null, enableIpv6: false, subnet6: null, gateway6: null, ipRange6: null }
  const none = { subnet: null, gateway: null, ipRange: null, bridge: null, options: {} }
  const nets: NetworkCreated[] = [
    {
      ...base,
      id: newId(),
      name: 'bridge',
      driver: 'bridge',
      subnet: formatCidr(DEFAULT_BRIDGE_SUBNET),
      gateway: formatIp(networkOf(DEFAULT_BRIDGE_SUBNET) + 1),
      ipRange: null,
      bridge: DEFAULT_BRIDGE_DEVICE,
      options: { 'com.docker.network.bridge.default_bridge': 'true', 'com.docker.network.bridge.name': DEFAULT_BRIDGE_DEVICE },
    },
    { ...base, ...none, id: newId(), name: 'host', driver: 'host' },
    { ...base, ...none, id: newId(), name: 'none', driver: 'null' },
  ]
  return nets.map((payload) => ({ type: 'NetworkCreated', payload }))
}
