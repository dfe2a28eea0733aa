import { type FirewallPort, renderRuleset } from '../firewall/ruleset.js'
import type { NetworkRow, PublishedRow } from '../projections/queries.js'
import { driverFor } from './registry.js'

/** patchbay's nftables table: each network's part as its driver gives it, and the published ports. */
export function rulesetFor(networks: readonly NetworkRow[], published: readonly PublishedRow[]): string {
  const ports = published.flatMap(({ ports, ipv4, ipv6, bridge, subnet, subnet6 }) =>
    ports.map((b): FirewallPort => ({ proto: b.proto, bindIp: b.bindIp, bindPort: b.bindPort, address: ipv4, port: b.containerPort, bridge, subnet, address6: ipv6, subnet6 })),
  )
  return renderRuleset(networks.flatMap((n) => driverFor(n.driver).firewall(n) ?? []), ports)
}
