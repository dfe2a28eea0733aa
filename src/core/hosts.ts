import type { ContainerRow, PeerRow, StateQueries } from '../projections/queries.js'

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
  return (c) => {
    // Networks in creation order, as docker lists them; the first address names the container itself.
    const mine = state.endpointsOfContainer(c.id).sort((a, b) => order.get(a.networkId)! - order.get(b.networkId)!)
    return renderHosts(c, mine.find((e) => e.ipv4 !== null)?.ipv4 ?? null, mine.map((e) => sectionOf(e.networkId)))
  }
}
