/**
 * The rows of the projection tables: their types, and how each table's columns hold a row's
 * fields, the one place that spells them out. The projectors' INSERT statements, the queries'
 * SELECT lists and the conversion of a table row back into a typed object all come from
 * here; migrations/ says how the tables came to have these columns.
 */
import type { ContainerCreated, DriverState, NetworkCreated } from '../events/types.js'

/** A network as the tables hold it: exactly the facts of its NetworkCreated event. */
export type NetworkRow = NetworkCreated

/** A container as the tables hold it: exactly the facts of its ContainerCreated event. */
export type ContainerRow = ContainerCreated

export interface EndpointRow {
  id: string
  networkId: string
  containerId: string
  /** Its container's name: the container may live on another host, with no row here. */
  containerName: string
  /** The cluster host holding it, on a network spanning hosts; null on a local network. */
  host: string | null
  ifname: string | null
  hostIfname: string | null
  bridge: string | null
  ipv4: string | null
  prefixLen: number | null
  gateway: string | null
  ipv6: string | null
  prefixLen6: number | null
  gateway6: string | null
  mac: string | null
  mtu: number
  aliases: string[]
  defaultRoute: boolean
  /** What only the network's driver knows of the endpoint (see NetworkCreated's). */
  driverState: DriverState
  /** The seq of the event that connected it: orders a hosts file's lines. */
  connectedSeq: number
}

/** One line of a hosts file's peer section: who sits on which network at which address. */
export interface PeerRow {
  networkName: string
  containerName: string
  ipv4: string
  ipv6: string | null
  aliases: string[]
  connectedSeq: number
}


/** How a field is stored: as it is, a boolean as 0/1, an object as JSON text. */
type Codec = 'plain' | 'bool' | 'json'

type Spec<Row> = { readonly [K in keyof Row]-?: readonly [column: string, codec: Codec] }

export const NETWORK_COLUMNS: Spec<NetworkRow> = {
  id: ['id', 'plain'],
  name: ['name', 'plain'],
  driver: ['driver', 'plain'],
  scope: ['scope', 'plain'],
  created: ['created', 'plain'],
  subnet: ['subnet', 'plain'],
  gateway: ['gateway', 'plain'],
  ipRange: ['ip_range', 'plain'],
  enableIpv6: ['enable_ipv6', 'bool'],
  subnet6: ['subnet6', 'plain'],
  gateway6: ['gateway6', 'plain'],
  ipRange6: ['ip_range6', 'plain'],
  internal: ['internal', 'bool'],
  attachable: ['attachable', 'bool'],
  builtin: ['builtin', 'bool'],
  bridge: ['bridge', 'plain'],
  mtu: ['mtu', 'plain'],
  labels: ['labels', 'json'],
  options: ['options', 'json'],
  driverState: ['driver_state', 'json'],
}

export const CONTAINER_COLUMNS: Spec<ContainerRow> = {
  id: ['id', 'plain'],
  name: ['name', 'plain'],
  created: ['created', 'plain'],
  hostname: ['hostname', 'plain'],
  netnsKind: ['netns_kind', 'plain'],
  netnsPath: ['netns_path', 'plain'],
  netnsInode: ['netns_inode', 'plain'],
  networkMode: ['network_mode', 'plain'],
  ports: ['ports', 'json'],
}

export const ENDPOINT_COLUMNS: Spec<EndpointRow> = {
  id: ['id', 'plain'],
  networkId: ['network_id', 'plain'],
  containerId: ['container_id', 'plain'],
  containerName: ['container_name', 'plain'],
  host: ['host', 'plain'],
  ifname: ['ifname', 'plain'],
  hostIfname: ['host_ifname', 'plain'],
  bridge: ['bridge', 'plain'],
  ipv4: ['ipv4', 'plain'],
  prefixLen: ['prefix_len', 'plain'],
  gateway: ['gateway', 'plain'],
  ipv6: ['ipv6', 'plain'],
  prefixLen6: ['prefix_len6', 'plain'],
  gateway6: ['gateway6', 'plain'],
  mac: ['mac', 'plain'],
  mtu: ['mtu', 'plain'],
  aliases: ['aliases', 'json'],
  defaultRoute: ['default_route', 'bool'],
  driverState: ['driver_state', 'json'],
  connectedSeq: ['connected_seq', 'plain'],
}

/** A host of the cluster as the log last saw it. */
export interface HostRow {
  name: string
  advertise: string
  up: boolean
}

export const HOST_COLUMNS: Spec<HostRow> = {
  name: ['id', 'plain'],
  advertise: ['advertise', 'plain'],
  up: ['up', 'bool'],
}

const entries = <Row>(spec: Spec<Row>) => Object.entries(spec) as [keyof Row & string, readonly [string, Codec]][]

/** `col AS field, ...` for a SELECT, each column prefixed with `alias.` when given. */
export function selectList<Row>(spec: Spec<Row>, alias = ''): string {
  const at = alias ? `${alias}.` : ''
  return entries(spec)
    .map(([field, [column]]) => (column === field ? `${at}${column}` : `${at}${column} AS ${field}`))
    .join(', ')
}

/** `INSERT INTO table (cols...) VALUES (?...)` taking encode()'s values, then `extra` columns. */
export function insertSql<Row>(table: string, spec: Spec<Row>, extra: string[] = []): string {
  const columns = [...entries(spec).map(([, [column]]) => column), ...extra]
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`
}

/** A row's values in insertSql's order, as the table stores them. */
export function encode<Row>(spec: Spec<Row>, row: Row): unknown[] {
  return entries(spec).map(([field, [, codec]]) => {
    const value = row[field]
    if (codec === 'bool') return value ? 1 : 0
    if (codec === 'json') return value === null ? null : JSON.stringify(value)
    return value
  })
}

/** A table row read with selectList, as the typed object. */
export function decoder<Row>(spec: Spec<Row>): (raw: Record<string, unknown>) => Row {
  const converted = entries(spec).filter(([, [, codec]]) => codec !== 'plain')
  return (raw) => {
    const row = { ...raw }
    for (const [field, [, codec]] of converted) {
      const value = raw[field]
      row[field] = codec === 'bool' ? value === 1 : value === null ? null : JSON.parse(value as string)
    }
    return row as Row
  }
}
