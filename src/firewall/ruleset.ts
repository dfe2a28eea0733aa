/**
 * Renders patchbay's whole nftables table from the networks and the published ports. Pure: no OS calls.
 * The output replaces the table atomically when fed to `nft -f -` (see applyNftRuleset):
 * declaring the table first makes the delete valid even on the first run, and nft applies the
 * whole file as one transaction, so there is never a moment without isolation rules.
 */

import { IPV4 } from '../events/formats.js'

export interface FirewallNetwork {
  bridge: string
  /** IPv4 CIDR, e.g. 172.18.0.0/16 */
  subnet: string
  /** internal networks get no route out: no masquerade, no forwarding to or from other interfaces */
  internal: boolean
  /** What leaves the host from the network takes the host's address (docker's enable_ip_masquerade). */
  masquerade: boolean
  /** Its IPv6 subnet, on a network with IPv6: masqueraded and isolated as the IPv4 one. */
  subnet6?: string | null
}

/** A published port: traffic to the host's bindIp:bindPort goes to address:port (docker's -p). */
export interface FirewallPort {
  proto: 'tcp' | 'udp'
  /** '0.0.0.0': every address of the host (IPv6 ones too when the container has IPv6); an IPv6 one: that address only. */
  bindIp: string
  bindPort: number
  address: string
  port: number
  /** The bridge behind which address sits, with its subnet: its containers reach the port through the host too. */
  bridge: string
  subnet: string
  /** The container's IPv6 address and subnet, when it has one: a port bound to every address is published over IPv6 too. */
  address6?: string | null
  subnet6?: string | null
}

export const TABLE_FAMILY = 'inet'
export const TABLE_NAME = 'patchbay'

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/

/** Names and subnets end up in nft source text, so anything unexpected is refused rather than quoted. */
function validate(n: Pick<FirewallNetwork, 'bridge' | 'subnet'>): void {
  if (!IFNAME.test(n.bridge)) throw new Error(`invalid bridge name for nftables: ${JSON.stringify(n.bridge)}`)
  const m = CIDR.exec(n.subnet)
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw new Error(`invalid IPv4 subnet for nftables: ${JSON.stringify(n.subnet)}`)
  }
}

const CIDR6_CHARS = /^[0-9a-f:]+\/\d{1,3}$/
const IPV6_CHARS = /^[0-9a-f:]+$/

/** IPv6 values arrive checked (events hold them canonical); here only their characters are held to what nft can take. */
function validate6(text: string | null | undefined, shape: RegExp): void {
  if (text !== null && text !== undefined && !shape.test(text)) throw new Error(`invalid IPv6 value for nftables: ${JSON.stringify(text)}`)
}

function validatePort(p: FirewallPort): void {
  validate(p)
  validate6(p.address6, IPV6_CHARS)
  validate6(p.subnet6, CIDR6_CHARS)
  if (!IPV4.test(p.address)) throw new Error(`invalid IPv4 address for nftables: ${JSON.stringify(p.address)}`)
  if (p.bindIp.includes(':')) validate6(p.bindIp, IPV6_CHARS)
  else if (!IPV4.test(p.bindIp)) throw new Error(`invalid IPv4 address for nftables: ${JSON.stringify(p.bindIp)}`)
  for (const n of [p.bindPort, p.port]) if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`invalid port for nftables: ${n}`)
  if (p.proto !== 'tcp' && p.proto !== 'udp') throw new Error(`invalid protocol for nftables: ${JSON.stringify(p.proto)}`)
}

/**
 * Published ports, as docker's DNAT and userland proxy make them, all in nftables: traffic to a
 * host address (`fib daddr type local`) is sent on to the container, whether it came in from
 * outside (prerouting) or from the host itself (output; not over loopback, which the kernel
 * does not route to another interface). A container reaching a port through the host, its own
 * network's included, is masqueraded so that the answer comes back the same way.
 */
function publishedChains(ports: readonly FirewallPort[]): { nat: string[]; hairpin: string[] } {
  if (ports.length === 0) return { nat: [], hairpin: [] }
  const dnat = ports.flatMap((p) => {
    if (p.bindIp.includes(':')) return p.address6 ? [`    ip6 daddr ${p.bindIp} ${p.proto} dport ${p.bindPort} dnat ip6 to [${p.address6}]:${p.port}`] : []
    const daddr = p.bindIp === '0.0.0.0' ? 'meta nfproto ipv4' : `ip daddr ${p.bindIp}`
    const v4 = `    ${daddr} ${p.proto} dport ${p.bindPort} dnat ip to ${p.address}:${p.port}`
    return p.address6 && p.bindIp === '0.0.0.0' ? [v4, `    meta nfproto ipv6 ${p.proto} dport ${p.bindPort} dnat ip6 to [${p.address6}]:${p.port}`] : [v4]
  })
  const bridges = new Map(ports.map((p) => [p.bridge, p]))
  return {
    nat: [
      '  chain published {',
      ...dnat,
      '  }',
      '  chain prerouting {',
      '    type nat hook prerouting priority dstnat; policy accept;',
      '    fib daddr type local jump published',
      '  }',
      '  chain output {',
      '    type nat hook output priority -100; policy accept;',
      '    ip daddr != 127.0.0.0/8 fib daddr type local jump published',
      ...(ports.some((p) => p.address6) ? ['    ip6 daddr != ::1 fib daddr type local jump published'] : []),
      '  }',
    ],
    hairpin: [...bridges]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([bridge, p]) => [
        `oifname "${bridge}" ip saddr ${p.subnet} ct status dnat masquerade`,
        ...(p.subnet6 ? [`oifname "${bridge}" ip6 saddr ${p.subnet6} ct status dnat masquerade`] : []),
      ]),
  }
}

export function renderRuleset(networks: readonly FirewallNetwork[], ports: readonly FirewallPort[] = []): string {
  networks.forEach(validate)
  for (const n of networks) validate6(n.subnet6, CIDR6_CHARS)
  ports.forEach(validatePort)
  const published = publishedChains(ports)
  const q = (name: string) => `"${name}"`
  const bridges = [...new Set(networks.map((n) => n.bridge))].sort()

  // A published port is reached from every network, as through docker's proxy (DNAT only
  // ever leads to a container's default-route endpoint, never into an internal network).
  const forward: string[] = ports.length > 0 ? ['ct status dnat accept'] : []
  for (const n of networks) {
    const br = q(n.bridge)
    if (n.internal) {
      // Nothing enters or leaves an internal network except between its own ports.
      forward.push(`iifname ${br} oifname != ${br} drop`, `oifname ${br} iifname != ${br} drop`)
    } else {
      // Docker's isolation: one network must not reach another through the host.
      forward.push(`iifname ${br} oifname @bridges oifname != ${br} drop`)
    }
  }
  const postrouting = [
    ...published.hairpin,
    ...networks.filter((n) => !n.internal && n.masquerade).flatMap((n) => [
      `ip saddr ${n.subnet} oifname != @bridges masquerade`,
      ...(n.subnet6 ? [`ip6 saddr ${n.subnet6} oifname != @bridges masquerade`] : []),
    ]),
  ]

  const lines = [
    `table ${TABLE_FAMILY} ${TABLE_NAME} {}`,
    `delete table ${TABLE_FAMILY} ${TABLE_NAME}`,
    `table ${TABLE_FAMILY} ${TABLE_NAME} {`,
    '  set bridges {',
    '    type ifname',
    ...(bridges.length ? [`    elements = { ${bridges.map(q).join(', ')} }`] : []),
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    ...forward.map((r) => `    ${r}`),
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...postrouting.map((r) => `    ${r}`),
    '  }',
    ...published.nat,
    '}',
  ]
  return lines.join('\n') + '\n'
}


/** The table with no networks: chains and an empty set, no rules. */
export function renderEmpty(): string {
  return renderRuleset([])
}
