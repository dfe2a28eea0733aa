import { driverFor } from '../drivers/registry.js'
import type { RemotePeer } from '../drivers/contract.js'
import type { KernelOps } from '../kernel/ops.js'
import type { NetworkRow, StateQueries } from '../projections/queries.js'

const same = (a: RemotePeer, b: RemotePeer): boolean => a.mac === b.mac && a.ipv4 === b.ipv4 && a.vtep === b.vtep

/**
 * Makes this host's kernel hold exactly the remote peers the log says each network spanning
 * hosts has: the endpoints other hosts hold, on hosts that are up. A peer missing or pointing
 * elsewhere is (re)programmed, one that is gone or whose host is down is withdrawn. The effects
 * of cluster events, restore and the daemon's repair loop all come down to this. Resolves with
 * what it changed, for whoever reports it.
 */
export async function reconcilePeers(state: StateQueries, k: KernelOps, networks: NetworkRow[], localHost: string): Promise<string[]> {
  const up = new Set(state.hosts().filter((h) => h.up).map((h) => h.name))
  const changes: string[] = []
  for (const net of networks) {
    const driver = driverFor(net.driver)
    if (driver.scope !== 'global' || !driver.peerOf) continue
    const wanted = state
      .endpointsOfNetwork(net.id)
      .filter((e) => e.host !== null && e.host !== localHost && up.has(e.host))
      .flatMap((e) => driver.peerOf!(e) ?? [])
    const held = await driver.programmedPeers(net, k)
    for (const p of wanted) {
      if (held.some((h) => same(h, p))) continue
      await driver.joinRemote(net, p, k)
      changes.push(`peer ${p.ipv4} ${p.mac} via ${p.vtep} on ${net.name}`)
    }
    for (const h of held) {
      if (wanted.some((p) => p.mac === h.mac)) continue
      await driver.leaveRemote(net, h, k)
      changes.push(`withdraw ${h.ipv4} ${h.mac} via ${h.vtep} from ${net.name}`)
    }
  }
  return changes
}
