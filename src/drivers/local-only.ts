import type { NetworkDriver } from './contract.js'

/** joinRemote/leaveRemote of a driver whose networks never span hosts: nothing to program. */
export const noRemotePeers: Pick<NetworkDriver, 'joinRemote' | 'leaveRemote'> = {
  async joinRemote() {},
  async leaveRemote() {},
}
