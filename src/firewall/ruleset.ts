/**
 * Renders patchbay's whole nftables table from the list of networks. Pure: no OS calls.
 * The output replaces the table atomically when fed to `nft -f -` (see applyNftRuleset):
 * declaring the table first makes the delete valid even on the first run, and nft applies the
 * whole file as one transaction, so there is never a moment without isolation rules.
 */

export interface FirewallNetwork {
  bridge: string
  /** IPv4 CIDR, e.g. 172.18.0.0/16 */
  subnet: string
  /** internal networks get no route out: no masquerade, no forwarding to or from other interfaces */
  internal: boolean
  /** What leaves the host from the network takes the host's address (docker's enable_ip_masquerade). */
  masquerade: boolean
}

export const TABLE_FAMILY = 'inet'
export const TABLE_NAME = 'patchbay'

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/

/** Names and subnets end up in nft source text, so anything unexpected is refused rather than quoted. */
function validate(n: FirewallNetwork): void {
  if (!IFNAME.test(n.bridge)) throw new Error(`invalid bridge name for nftables: ${JSON.stringify(n.bridge)}`)
  const m = CIDR.exec(n.subnet)
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw new Error(`invalid IPv4 subnet for nftables: ${JSON.stringify(n.subnet)}`)
  }
}

export function renderRuleset(networks: readonly FirewallNetwork[]): string {
  networks.forEach(validate)
  const q = (name: string) => `"${name}"`
  const bridges = [...new Set(networks.map((n) => n.bridge))].sort()

  const forward: string[] = []
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
  const postrouting = networks
    .filter((n) => !n.internal && n.masquerade)
    .map((n) => `ip saddr ${n.subnet} oifname != @bridges masquerade`)

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
    '}',
  ]
  return lines.join('\n') + '\n'
}


/** The table with no networks: chains and an empty set, no rules. */
export function renderEmpty(): string {
  return renderRuleset([])
}
