import type { StoredEvent } from '../events/types.js'
import type { ContainerRow, EndpointRow, PeerRow, StateQueries } from '../projections/queries.js'

const LOCAL_LINES = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
].join('\n')

/**
 * One network's part of every member's hosts file: `IP NAME` and `IP NAME.NETWORK` per
 * container and alias (libnetwork's two records), for its IPv4 address and, on a network with
 * IPv6, its IPv6 one (a name resolves to both families).
 */
export function renderPeerSection(peers: PeerRow[]): string {
  let text = ''
  for (const p of peers) {
    for (const name of [p.containerName, ...p.aliases]) {
      text += `${p.ipv4}\t${name}\n${p.ipv4}\t${name}.${p.networkName}\n`
      if (p.ipv6) text += `${p.ipv6}\t${name}\n${p.ipv6}\t${name}.${p.networkName}\n`
    }
  }
  return text
}

/**
 * A container's /etc/hosts: localhost lines, its own address and hostname, then its peers'
 * lines (see peerLines).
 */
export function renderHosts(self: ContainerRow, own: { ipv4: string | null; ipv6: string | null } | undefined, peerLines: string[]): string {
  const mine = (own?.ipv4 ? `${own.ipv4}\t${self.hostname}\n` : '') + (own?.ipv6 ? `${own.ipv6}\t${self.hostname}\n` : '')
  return `${LOCAL_LINES}\n${mine}${peerLines.join('')}`
}

/** A network's members in connection order: when each joined, and its lines. */
interface Members {
  seqs: number[]
  lines: string[]
  /** All of them, rendered once: the whole file body of a container on this network alone. */
  all: string
}

/**
 * The peer lines of a container on these networks, in the order they were added to its file
 * (docker 1.9 kept /etc/hosts this way): when it joined a network, that network's members so
 * far (itself included), then every later member as it joined. Any connect is then only new
 * lines at the end of the files of the network's members (see hostsAppends).
 */
function peerLines(mine: EndpointRow[], membersOf: (networkId: string) => Members): string[] {
  if (mine.length === 1) return [membersOf(mine[0]!.networkId).all]
  const items: [seq: number, text: string][] = []
  for (const m of mine) {
    const { seqs, lines } = membersOf(m.networkId)
    let upTo = 0
    while (upTo < seqs.length && seqs[upTo]! <= m.connectedSeq) upTo++
    items.push([m.connectedSeq, lines.slice(0, upTo).join('')])
    for (let i = upTo; i < seqs.length; i++) items.push([seqs[i]!, lines[i]!])
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, text]) => text)
}

/**
 * Renders the hosts files of many containers, reading and rendering each network's members
 * once: on a network of N containers, rewriting all N files reads N rows and renders N lines.
 * With `few`, each container's endpoints are looked up on their own instead of all at once.
 */
export function hostsRenderer(state: StateQueries, { few = false } = {}): (c: ContainerRow) => string {
  const order = new Map(state.networks().map((n, i) => [n.id, i]))
  const members = new Map<string, Members>()
  const membersOf = (networkId: string): Members => {
    let m = members.get(networkId)
    if (m === undefined) {
      const peers = state.peersOnNetwork(networkId)
      const lines = peers.map((p) => renderPeerSection([p]))
      members.set(networkId, (m = { seqs: peers.map((p) => p.connectedSeq), lines, all: lines.join('') }))
    }
    return m
  }
  // Every endpoint in one query, grouped by container: one file per container, no query each.
  let byContainer: Map<string, EndpointRow[]> | undefined
  const endpointsOf = (id: string): EndpointRow[] => {
    if (few) return state.endpointsOfContainer(id)
    if (!byContainer) {
      byContainer = new Map()
      for (const e of state.endpoints()) byContainer.set(e.containerId, [...(byContainer.get(e.containerId) ?? []), e])
    }
    return byContainer.get(id) ?? []
  }
  return (c) => {
    const mine = endpointsOf(c.id)
    // The address of its first network in creation order, as docker lists them, names the container itself.
    const own = [...mine].sort((a, b) => order.get(a.networkId)! - order.get(b.networkId)!).find((e) => e.ipv4 !== null)
    return renderHosts(c, own, peerLines(mine, membersOf))
  }
}

/**
 * The hosts-file change a single connect makes for the other members of its network: the
 * newcomer's lines at the end of each of their files (see peerLines). Text to append, by
 * container id; anyone not listed (the newcomer itself) gets a full render. Keeps a connect
 * on a network of N containers from rewriting N whole files of N lines.
 */
export function hostsAppends(state: StateQueries, events: StoredEvent[]): Map<string, string> {
  const appends = new Map<string, string>()
  const connects = events.filter((e): e is Extract<StoredEvent, { type: 'EndpointConnected' }> => e.type === 'EndpointConnected')
  if (connects.length !== 1 || connects[0].payload.ipv4 === null) return appends
  const p = connects[0].payload
  const lines = renderPeerSection([{ networkName: p.networkName, containerName: p.containerName, ipv4: p.ipv4!, ipv6: p.ipv6, aliases: p.aliases, connectedSeq: connects[0].seq }])
  for (const id of state.containersOnNetwork(p.networkId)) if (id !== p.containerId) appends.set(id, lines)
  return appends
}
