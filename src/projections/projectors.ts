import type { Db } from '../events/database.js'
import type { Projector } from '../events/store.js'
import type { StoredEvent } from '../events/types.js'

const b = (v: boolean): number => (v ? 1 : 0)

/**
 * Turns each event into updates of the plain tables that ls/inspect read. Runs inside the
 * append's transaction, so the tables and the log never disagree.
 */
export function createProjector(db: Db): Projector {
  const s = {
    netIns: db.prepare(
      `INSERT INTO networks (id, name, driver, scope, created, subnet, gateway, ip_range, internal, attachable, builtin,
                             bridge, mtu, labels, options, created_seq)
       VALUES (@id, @name, @driver, @scope, @created, @subnet, @gateway, @ipRange, @internal, @attachable, @builtin,
               @bridge, @mtu, @labels, @options, @seq)`,
    ),
    netDel: db.prepare('DELETE FROM networks WHERE id = ?'),
    ctrIns: db.prepare(
      `INSERT INTO containers (id, name, created, hostname, netns_kind, netns_path, netns_inode, network_mode, created_seq)
       VALUES (@id, @name, @created, @hostname, @netnsKind, @netnsPath, @netnsInode, @networkMode, @seq)`,
    ),
    ctrDel: db.prepare('DELETE FROM containers WHERE id = ?'),
    epIns: db.prepare(
      `INSERT INTO endpoints (id, network_id, container_id, ifname, host_ifname, bridge, ipv4, prefix_len, gateway, mac,
                              mtu, aliases, default_route, connected_seq)
       VALUES (@id, @networkId, @containerId, @ifname, @hostIfname, @bridge, @ipv4, @prefixLen, @gateway, @mac,
               @mtu, @aliases, @defaultRoute, @seq)`,
    ),
    epDel: db.prepare('DELETE FROM endpoints WHERE id = ?'),
    routeOff: db.prepare('UPDATE endpoints SET default_route = 0 WHERE container_id = ?'),
    routeOn: db.prepare('UPDATE endpoints SET default_route = 1 WHERE container_id = ? AND ifname = ?'),
  }

  return (e: StoredEvent): void => {
    switch (e.type) {
      case 'NetworkCreated': {
        const p = e.payload
        s.netIns.run({
          ...p,
          internal: b(p.internal),
          attachable: b(p.attachable),
          builtin: b(p.builtin),
          labels: JSON.stringify(p.labels),
          options: JSON.stringify(p.options),
          seq: e.seq,
        })
        return
      }
      case 'NetworkRemoved':
        s.netDel.run(e.payload.id)
        return
      case 'ContainerCreated':
        s.ctrIns.run({ ...e.payload, seq: e.seq })
        return
      case 'ContainerRemoved':
        s.ctrDel.run(e.payload.id)
        return
      case 'EndpointConnected': {
        const p = e.payload
        s.epIns.run({
          id: p.id, networkId: p.networkId, containerId: p.containerId, ifname: p.ifname, hostIfname: p.hostIfname,
          bridge: p.bridge, ipv4: p.ipv4, prefixLen: p.prefixLen, gateway: p.gateway, mac: p.mac, mtu: p.mtu,
          aliases: JSON.stringify(p.aliases), defaultRoute: b(p.defaultRoute !== null), seq: e.seq,
        })
        return
      }
      case 'EndpointDisconnected': {
        const p = e.payload
        s.epDel.run(p.id)
        if (p.defaultRouteMovesTo) {
          s.routeOff.run(p.containerId)
          s.routeOn.run(p.containerId, p.defaultRouteMovesTo.ifname)
        }
        return
      }
      case 'OperationFailed':
        return
    }
  }
}
