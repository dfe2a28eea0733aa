import type { Db } from '../events/database.js'
import type { Projector } from '../events/store.js'
import type { ProjectableEvent } from '../events/types.js'

const b = (v: boolean): number => (v ? 1 : 0)

/**
 * Turns each event into updates of the plain tables that ls/inspect read. Runs inside the
 * append's transaction, so the tables and the log never disagree.
 */
export function createProjector(db: Db): Projector {
  // Positional parameters: binding arrays is cheaper than named objects, and replay runs
  // these a million times.
  const s = {
    netIns: db.prepare(
      `INSERT INTO networks (id, name, driver, scope, created, subnet, gateway, ip_range, internal, attachable, builtin,
                             bridge, mtu, labels, options, created_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    netDel: db.prepare('DELETE FROM networks WHERE id = ?'),
    ctrIns: db.prepare(
      `INSERT INTO containers (id, name, created, hostname, netns_kind, netns_path, netns_inode, network_mode, created_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    ctrDel: db.prepare('DELETE FROM containers WHERE id = ?'),
    epIns: db.prepare(
      `INSERT INTO endpoints (id, network_id, container_id, ifname, host_ifname, bridge, ipv4, prefix_len, gateway, mac,
                              mtu, aliases, default_route, connected_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    epDel: db.prepare('DELETE FROM endpoints WHERE id = ?'),
    routeOff: db.prepare('UPDATE endpoints SET default_route = 0 WHERE container_id = ?'),
    routeOn: db.prepare('UPDATE endpoints SET default_route = 1 WHERE container_id = ? AND ifname = ?'),
  }

  return (e: ProjectableEvent): void => {
    switch (e.type) {
      case 'NetworkCreated': {
        const p = e.payload
        s.netIns.run(
          p.id, p.name, p.driver, p.scope, p.created, p.subnet, p.gateway, p.ipRange, b(p.internal), b(p.attachable), b(p.builtin),
          p.bridge, p.mtu, JSON.stringify(p.labels), JSON.stringify(p.options), e.seq,
        )
        return
      }
      case 'NetworkRemoved':
        s.netDel.run(e.payload.id)
        return
      case 'ContainerCreated': {
        const p = e.payload
        s.ctrIns.run(p.id, p.name, p.created, p.hostname, p.netnsKind, p.netnsPath, p.netnsInode, p.networkMode, e.seq)
        return
      }
      case 'ContainerRemoved':
        s.ctrDel.run(e.payload.id)
        return
      case 'EndpointConnected': {
        const p = e.payload
        s.epIns.run(
          p.id, p.networkId, p.containerId, p.ifname, p.hostIfname, p.bridge, p.ipv4, p.prefixLen, p.gateway, p.mac, p.mtu,
          JSON.stringify(p.aliases), b(p.defaultRoute !== null), e.seq,
        )
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
