import type { NetworkDriver } from './contract.js'
import { noRemotePeers } from './local-only.js'

/**
 * The kernel side of a driver whose endpoints have no link of their own: those of `host`
 * share the host's namespace, those of `null` (the `none` network) have only loopback.
 */
export const noLinks: Omit<NetworkDriver, 'name' | 'sharesHost'> = {
  scope: 'local',
  options: {},
  userCreatable: false,
  addressed: false,
  maxPrefixLen: 0,
  dualStack: false,
  planNetwork: () => ({ bridge: null, mtu: 0, driverState: null }),
  planEndpoint: () => ({ hostIfname: null, driverState: null }),
  async createNetwork() {},
  async removeNetwork() {},
  async connect() {},
  async disconnect() {},
  pools: () => [],
  networkProblem: () => undefined,
  async repairNetwork() {},
  endpointProblem: () => undefined,
  hostLinks: () => [],
  firewall: () => undefined,
  ...noRemotePeers,
}
