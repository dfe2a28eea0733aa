import type { Db } from '../events/database.js'
import type { Projector } from '../events/store.js'
import type { EndpointConnected, ProjectableEvent } from '../events/types.js'
import { CONTAINER_COLUMNS, ENDPOINT_COLUMNS, type EndpointRow, HOST_COLUMNS, NETWORK_COLUMNS, encode, insertSql } from './rows.js'

const STATEMENTS = {
  netIns: insertSql('networks', NETWORK_COLUMNS, ['created_seq']),
  netDel: 'DELETE FROM networks WHERE id = ?',
  ctrIns: insertSql('containers', CONTAINER_COLUMNS, ['created_seq']),
  ctrDel: 'DELETE FROM containers WHERE id = ?',
  epIns: insertSql('endpoints', ENDPOINT_COLUMNS),
  epDel: 'DELETE FROM endpoints WHERE id = ?',
  hostUp: `${insertSql('hosts', HOST_COLUMNS, ['changed_seq'])} ON CONFLICT (id) DO UPDATE SET advertise = excluded.advertise, up = 1, changed_seq = excluded.changed_seq`,
  hostDown: 'UPDATE hosts SET up = 0, changed_seq = ? WHERE id = ?',
  routeOff: 'UPDATE endpoints SET default_route = 0 WHERE container_id = ?',
  routeOn: 'UPDATE endpoints SET default_route = 1 WHERE container_id = ? AND ifname = ?',
}

/** One change to the tables: a statement and its positional arguments (plain data: it crosses threads). */
export type Step = [statement: keyof typeof STATEMENTS, args: unknown[]]

/** What an event changes in the tables that ls/inspect read. Pure, so a replay can compute it anywhere. */
export function projectionSteps(e: ProjectableEvent): Step[] {
  switch (e.type) {
    case 'NetworkCreated':
      return [['netIns', [...encode(NETWORK_COLUMNS, e.payload), e.seq]]]
    case 'NetworkRemoved':
      return [['netDel', [e.payload.id]]]
    case 'ContainerCreated':
      return [['ctrIns', [...encode(CONTAINER_COLUMNS, e.payload), e.seq]]]
    case 'ContainerRemoved':
      return [['ctrDel', [e.payload.id]]]
    case 'EndpointConnected':
      return [['epIns', encode(ENDPOINT_COLUMNS, endpointRow(e.payload, e.seq))]]
    case 'EndpointDisconnected': {
      const p = e.payload
      if (!p.defaultRouteMovesTo) return [['epDel', [p.id]]]
      return [
        ['epDel', [p.id]],
        ['routeOff', [p.containerId]],
        ['routeOn', [p.containerId, p.defaultRouteMovesTo.ifname]],
      ]
    }
    case 'HostJoined':
      return [['hostUp', [...encode(HOST_COLUMNS, { name: e.payload.host, advertise: e.payload.advertise, up: true }), e.seq]]]
    case 'HostLeft':
      return [['hostDown', [e.seq, e.payload.host]]]
    case 'OperationFailed':
      return []
  }
}

/** The endpoints row a connect makes. */
function endpointRow(p: EndpointConnected, seq: number): EndpointRow {
  const { id, networkId, containerId, containerName, host, ifname, hostIfname, bridge, ipv4, prefixLen, gateway, ipv6, prefixLen6, gateway6, mac, mtu, aliases, driverState } = p
  return { id, networkId, containerId, containerName, host, ifname, hostIfname, bridge, ipv4, prefixLen, gateway, ipv6, prefixLen6, gateway6, mac, mtu, aliases, defaultRoute: p.defaultRoute !== null, driverState, connectedSeq: seq }
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
