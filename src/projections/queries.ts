import type { Db } from '../events/database.js'
import type { PortBinding } from '../events/types.js'
import { CONTAINER_COLUMNS, type ContainerRow, ENDPOINT_COLUMNS, type EndpointRow, HOST_COLUMNS, type HostRow, NETWORK_COLUMNS, type NetworkRow, type PeerRow, decoder, selectList } from './rows.js'

export type { ContainerRow, EndpointRow, HostRow, NetworkRow, PeerRow }

/** A container's published ports and the endpoint they lead to. */
export interface PublishedRow {
  ports: PortBinding[]
  ipv4: string
  ipv6: string | null
  bridge: string
  subnet: string
  subnet6: string | null
}

const NET_COLS = selectList(NETWORK_COLUMNS)
const CTR_COLS = selectList(CONTAINER_COLUMNS)
const EP_COLS = selectList(ENDPOINT_COLUMNS, 'e')

type Raw = Record<string, unknown>

const toNetwork = decoder(NETWORK_COLUMNS)
const toEndpoint = decoder(ENDPOINT_COLUMNS)
const toContainer = decoder(CONTAINER_COLUMNS)
const toHost = decoder(HOST_COLUMNS)

/** A lookup by reference that matched several objects by ID prefix. */
export class AmbiguousRef extends Error {}

/** One table's lookups by reference, in docker's order: full ID, then exact name, then a unique ID prefix. */
function refLookup<T>(db: Db, table: string, cols: string, kind: string, convert: (r: Raw) => T) {
  const byId = db.prepare(`SELECT ${cols} FROM ${table} WHERE id = ?`)
  const byName = db.prepare(`SELECT ${cols} FROM ${table} WHERE name = ?`)
  // Two rows are enough to know a prefix is ambiguous; the count is asked only then.
  const byPrefix = db.prepare(`SELECT ${cols} FROM ${table} WHERE id >= ? AND id < ? ORDER BY id LIMIT 2`)
  const countPrefix = db.prepare(`SELECT count(*) FROM ${table} WHERE id >= ? AND id < ?`).pluck()
  return (ref: string): T | undefined => {
    const exact = (byId.get(ref) ?? byName.get(ref)) as Raw | undefined
    if (exact) return convert(exact)
    // IDs are lowercase hex, so a prefix is the range [ref, ref + 'g').
    if (ref === '' || !/^[0-9a-f]+$/.test(ref)) return undefined
    const rows = byPrefix.all(ref, `${ref}g`) as Raw[]
    if (rows.length > 1) {
      throw new AmbiguousRef(`${kind} ${ref} is ambiguous (${countPrefix.get(ref, `${ref}g`)} matches found based on ID prefix)`)
    }
    return rows[0] ? convert(rows[0]) : undefined
  }
}

/** The read side: every query that ls, inspect and the decide functions need, over the projections. */
export class StateQueries {
  private readonly st

  constructor(db: Db) {
    this.st = {
      networks: db.prepare(`SELECT ${NET_COLS} FROM networks ORDER BY created_seq`),
      containers: db.prepare(`SELECT ${CTR_COLS} FROM containers ORDER BY created_seq`),
      endpoints: db.prepare(`SELECT ${EP_COLS} FROM endpoints e ORDER BY e.connected_seq`),
      byNetwork: db.prepare(`SELECT ${EP_COLS} FROM endpoints e WHERE e.network_id = ? ORDER BY e.connected_seq`),
      byContainer: db.prepare(`SELECT ${EP_COLS} FROM endpoints e WHERE e.container_id = ? ORDER BY e.connected_seq`),
      peers: db.prepare(
        `SELECT n.name AS networkName, e.container_name AS containerName, e.ipv4, e.ipv6, e.aliases, e.connected_seq AS connectedSeq
           FROM endpoints e JOIN networks n ON n.id = e.network_id
          WHERE e.network_id = ? AND e.ipv4 IS NOT NULL
          ORDER BY e.connected_seq`,
      ),
      onNetwork: db.prepare('SELECT container_id AS id FROM endpoints WHERE network_id = ?'),
      containerByName: db.prepare(`SELECT ${CTR_COLS} FROM containers WHERE name = ?`),
      addressesOn: db.prepare('SELECT ipv4 FROM endpoints WHERE network_id = ? AND ipv4 IS NOT NULL').pluck(),
      addressHolder: db.prepare('SELECT container_name FROM endpoints WHERE network_id = ? AND ipv4 = ?').pluck(),
      addresses6On: db.prepare('SELECT ipv6 FROM endpoints WHERE network_id = ? AND ipv6 IS NOT NULL').pluck(),
      address6Holder: db.prepare('SELECT container_name FROM endpoints WHERE network_id = ? AND ipv6 = ?').pluck(),
      hosts: db.prepare(`SELECT ${selectList(HOST_COLUMNS)} FROM hosts ORDER BY id`),
      hostIfnameUsed: db.prepare('SELECT 1 FROM endpoints WHERE host_ifname = ?').pluck(),
      findNetwork: refLookup(db, 'networks', NET_COLS, 'network', toNetwork),
      findContainer: refLookup(db, 'containers', CTR_COLS, 'container', toContainer),
      withPorts: db.prepare(`SELECT ${CTR_COLS} FROM containers WHERE ports != '[]' ORDER BY created_seq`),
      published: db.prepare(
        `SELECT c.ports, e.ipv4, e.ipv6, e.bridge, n.subnet, n.subnet6
           FROM containers c
           JOIN endpoints e ON e.container_id = c.id AND e.default_route = 1 AND e.ipv4 IS NOT NULL
           JOIN networks n ON n.id = e.network_id
          WHERE c.ports != '[]'
          ORDER BY c.created_seq`,
      ),
      creationOrder: db.prepare(
        `SELECT 'network' AS kind, id, created_seq AS seq FROM networks
         UNION ALL SELECT 'container', id, created_seq FROM containers
         UNION ALL SELECT 'endpoint', id, connected_seq FROM endpoints
         ORDER BY seq`,
      ),
    }
  }

  /** Every live network, container and endpoint, in the order the log created them. */
  creationOrder(): { kind: 'network' | 'container' | 'endpoint'; id: string }[] {
    return this.st.creationOrder.all() as { kind: 'network' | 'container' | 'endpoint'; id: string }[]
  }

  networks(): NetworkRow[] {
    return (this.st.networks.all() as Raw[]).map(toNetwork)
  }

  findNetwork(ref: string): NetworkRow | undefined {
    return this.st.findNetwork(ref)
  }

  containers(): ContainerRow[] {
    return (this.st.containers.all() as Raw[]).map(toContainer)
  }

  /** The containers that publish ports. */
  containersWithPorts(): ContainerRow[] {
    return (this.st.withPorts.all() as Raw[]).map(toContainer)
  }

  /**
   * Where each container's published ports lead: the address of its endpoint holding the
   * default route (docker publishes on the network that gives the container its way out).
   */
  publishedPorts(): PublishedRow[] {
    return (this.st.published.all() as Raw[]).map((r) => ({ ...(r as unknown as PublishedRow), ports: JSON.parse(r.ports as string) }))
  }

  findContainer(ref: string): ContainerRow | undefined {
    return this.st.findContainer(ref.replace(/^\//, ''))
  }

  /** The container with exactly this name (no ID matching). */
  containerNamed(name: string): ContainerRow | undefined {
    const row = this.st.containerByName.get(name) as Raw | undefined
    return row && toContainer(row)
  }

  endpoints(): EndpointRow[] {
    return (this.st.endpoints.all() as Raw[]).map(toEndpoint)
  }

  endpointsOfNetwork(networkId: string): EndpointRow[] {
    return (this.st.byNetwork.all(networkId) as Raw[]).map(toEndpoint)
  }

  endpointsOfContainer(containerId: string): EndpointRow[] {
    return (this.st.byContainer.all(containerId) as Raw[]).map(toEndpoint)
  }

  /** Every container with an address on the network, in connection order: a hosts file section. */
  peersOnNetwork(networkId: string): PeerRow[] {
    return (this.st.peers.all(networkId) as Raw[]).map((r) => ({ ...(r as unknown as PeerRow), aliases: JSON.parse(r.aliases as string) }))
  }

  /** The IPv4 addresses endpoints hold on the network. */
  addressesOnNetwork(networkId: string): string[] {
    return this.st.addressesOn.all(networkId) as string[]
  }

  /** The name of the container holding this address on the network (on any host), if any. */
  addressHolder(networkId: string, ipv4: string): string | undefined {
    return this.st.addressHolder.get(networkId, ipv4) as string | undefined
  }

  /** The IPv6 addresses endpoints hold on the network. */
  addresses6OnNetwork(networkId: string): string[] {
    return this.st.addresses6On.all(networkId) as string[]
  }

  /** The name of the container holding this IPv6 address on the network, if any. */
  address6Holder(networkId: string, ipv6: string): string | undefined {
    return this.st.address6Holder.get(networkId, ipv6) as string | undefined
  }

  hostIfnameInUse(name: string): boolean {
    return this.st.hostIfnameUsed.get(name) !== undefined
  }

  /** The hosts of the cluster, as the log last saw them. */
  hosts(): HostRow[] {
    return (this.st.hosts.all() as Raw[]).map(toHost)
  }

  containersOnNetwork(networkId: string): string[] {
    return (this.st.onNetwork.all(networkId) as { id: string }[]).map((r) => r.id)
  }
}
