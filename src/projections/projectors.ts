import type { Db } from '../events/database.js'
import type { Projector } from '../events/store.js'
import type { ProjectableEvent } from '../events/types.js'

const b = (v: boolean): number => (v ? 1 : 0)

const STATEMENTS = {
  netIns: `INSERT INTO networks (id, name, driver, scope, created, subnet, gateway, ip_range, internal, attachable, builtin,
                                 bridge, mtu, labels, options, created_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  netDel: 'DELETE FROM networks WHERE id = ?',
  ctrIns: `INSERT INTO containers (id, name, created, hostname, netns_kind, netns_path, netns_inode, network_mode, created_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ctrDel: 'DELETE FROM containers WHERE id = ?',
  epIns: `INSERT INTO endpoints (id, network_id, container_id, ifname, host_ifname, bridge, ipv4, prefix_len, gateway, mac,
                                 mtu, aliases, default_route, connected_seq)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  epDel: 'DELETE FROM endpoints WHERE id = ?',
  routeOff: 'UPDATE endpoints SET default_route = 0 WHERE container_id = ?',
  routeOn: 'UPDATE endpoints SET default_route = 1 WHERE container_id = ? AND ifname = ?',
}

/** One change to the tables: a statement and its positional arguments (plain data: it crosses threads). */
export type Step = [statement: keyof typeof STATEMENTS, args: unknown[]]

/** What an event changes in the tables that ls/inspect read. Pure, so a replay can compute it anywhere. */
export function projectionSteps(e: ProjectableEvent): Step[] {
  switch (e.type) {
    case 'NetworkCreated': {
      const p = e.payload
      const args = [p.id, p.name, p.driver, p.scope, p.created, p.subnet, p.gateway, p.ipRange, b(p.internal), b(p.attachable), b(p.builtin)]
      return [['netIns', [...args, p.bridge, p.mtu, JSON.stringify(p.labels), JSON.stringify(p.options), e.seq]]]
    }
    case 'NetworkRemoved':
      return [['netDel', [e.payload.id]]]
    case 'ContainerCreated': {
      const p = e.payload
      return [['ctrIns', [p.id, p.name, p.created, p.hostname, p.netnsKind, p.netnsPath, p.netnsInode, p.networkMode, e.seq]]]
    }
    case 'ContainerRemoved':
      return [['ctrDel', [e.payload.id]]]
    case 'EndpointConnected': {
      const p = e.payload
      const args = [p.id, p.networkId, p.containerId, p.ifname, p.hostIfname, p.bridge, p.ipv4, p.prefixLen, p.gateway, p.mac, p.mtu]
      return [['epIns', [...args, JSON.stringify(p.aliases), b(p.defaultRoute !== null), e.seq]]]
    }
    case 'EndpointDisconnected': {
      const p = e.payload
      if (!p.defaultRouteMovesTo) return [['epDel', [p.id]]]
      return [
        ['epDel', [p.id]],
        ['routeOff', [p.containerId]],
        ['routeOn', [p.containerId, p.defaultRouteMovesTo.ifname]],
      ]
    }
    case 'OperationFailed':
      return []
  }
}

/**
 * Runs steps on `db`'s tables. Positional parameters: binding arrays is cheaper than named
 * objects, and a replay runs these a million times.
 */
export function createStepRunner(db: Db): (statement: Step[0], args: unknown[]) => void {
  const s = Object.fromEntries(Object.entries(STATEMENTS).map(([k, sql]) => [k, db.prepare(sql)])) as Record<Step[0], ReturnType<Db['prepare']>>
  return (statement, args) => void s[statement].run(args)
}

/**
 * Turns each event into updates of the plain tables that ls/inspect read. Runs inside the
 * append's transaction, so the tables and the log never disagree.
 */
export function createProjector(db: Db): Projector {
  const run = createStepRunner(db)
  return (e) => {
    for (const [statement, args] of projectionSteps(e)) run(statement, args)
  }
}
