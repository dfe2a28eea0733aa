import type { NetworkDriver } from './contract.js'

/** The remote-peer methods of a driver whose networks never span hosts: nothing to program. */
export const noRemotePeers: Pick<NetworkDriver, 'joinRemote' | 'leaveRemote' | 'programmedPeers'> = {
  async joinRemote() {},
  async leaveRemote() {},
  programmedPeers: async () => [],
}
