import type { ContainerRow, PeerRow } from '../projections/queries.js'

const LOCAL_LINES = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
]

/**
 * A container's /etc/hosts: localhost lines, its own address and hostname, then for each of
 * its networks every container there as `IP NAME` and `IP NAME.NETWORK` (libnetwork's two
 * records per peer), plus `IP ALIAS` and `IP ALIAS.NETWORK` for network-scoped aliases.
 */
export function renderHosts(self: ContainerRow, peers: PeerRow[]): string {
  const lines = [...LOCAL_LINES]
  const own = peers.find((p) => p.containerName === self.name)
  if (own) lines.push(`${own.ipv4}\t${self.hostname}`)
  for (const p of peers) {
    for (const name of [p.containerName, ...p.aliases]) {
      lines.push(`${p.ipv4}\t${name}`, `${p.ipv4}\t${name}.${p.networkName}`)
    }
  }
  return lines.join('\n') + '\n'
}
