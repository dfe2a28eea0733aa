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

/** One network's part of every member's hosts file: `IP NAME` and `IP NAME.NETWORK` per container and alias (libnetwork's two records). */
export function renderPeerSection(peers: PeerRow[]): string {
  let text = ''
  for (const p of peers) {
    for (const name of [p.containerName, ...p.aliases]) text += `${p.ipv4}\t${name}\n${p.ipv4}\t${name}.${p.networkName}\n`
  }
  return text
}

/**
 * A container's /etc/hosts: localhost lines, its own address and hostname, then the section
 * of each of its networks.
 */
export function renderHosts(self: ContainerRow, ownIp: string | null, sections: string[]): string {
  return `${LOCAL_LINES}\n${ownIp ? `${ownIp}\t${self.hostname}\n` : ''}${sections.join('')}`
}

/**
 * Renders the hosts files of many containers, rendering each network's section once: on a
 * network of N containers, rewriting all N files reads N rows and renders N lines, not N².
 */
export function hostsRenderer(state: StateQueries): (c: ContainerRow) => string {
  const order = new Map(state.networks().map((n, i) => [n.id, i]))
  const sections = new Map<string, string>()
  const sectionOf = (networkId: string): string => {
    let text = sections.get(networkId)
    if (text === undefined) sections.set(networkId, (text = renderPeerSection(state.peersOnNetwork(networkId))))
    return text
  }
  // Every endpoint in one query, grouped by container: one file per container, no query each.
  let byContainer: Map<string, EndpointRow[]> | undefined
  const endpointsOf = (id: string): EndpointRow[] => {
    if (!byContainer) {
      byContainer = new Map()
      for (const e of state.endpoints()) byContainer.set(e.containerId, [...(byContainer.get(e.containerId) ?? []), e])
    }
    return byContainer.get(id) ?? []
  }
  return (c) => {
    // Networks in creation order, as docker lists them; the first address names the container itself.
    const mine = [...endpointsOf(c.id)].sort((a, b) => order.get(a.networkId)! - order.get(b.networkId)!)
    return renderHosts(c, mine.find((e) => e.ipv4 !== null)?.ipv4 ?? null, mine.map((e) => sectionOf(e.networkId)))
  }
}

/**
 * The hosts-file change a single connect makes for the other containers on its network, when it
 * is a pure append: the newcomer's lines close that network's section (sections follow network
 * creation order, peers connection order), which ends the file when the network is the
 * container's last one. Text to append, by container id; anyone not listed gets a full render.
 * Keeps a connect on a network of N containers from rewriting N whole files of N lines.
 */
export function hostsAppends(state: StateQueries, events: StoredEvent[]): Map<string, string> {
  const appends = new Map<string, string>()
  const connects = events.filter((e): e is Extract<StoredEvent, { type: 'EndpointConnected' }> => e.type === 'EndpointConnected')
  if (connects.length !== 1 || connects[0].payload.ipv4 === null) return appends
  const p = connects[0].payload
  const lines = renderPeerSection([{ networkName: p.networkName, containerName: p.containerName, ipv4: p.ipv4!, aliases: p.aliases }])
  const order = new Map(state.networks().map((n, i) => [n.id, i]))
  const lastNetwork = new Map<string, number>()
  for (const e of state.endpoints()) lastNetwork.set(e.containerId, Math.max(lastNetwork.get(e.containerId) ?? -1, order.get(e.networkId)!))
  for (const id of state.containersOnNetwork(p.networkId)) {
    if (id !== p.containerId && lastNetwork.get(id) === order.get(p.networkId)) appends.set(id, lines)
  }
  return appends
}
