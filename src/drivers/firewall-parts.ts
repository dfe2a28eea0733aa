import { renderRuleset } from '../firewall/ruleset.js'
import type { NetworkRow } from '../projections/queries.js'
import { driverFor } from './registry.js'

/** patchbay's nftables table for a set of networks: each network's part as its driver gives it. */
export function rulesetFor(networks: readonly NetworkRow[]): string {
  return renderRuleset(networks.flatMap((n) => driverFor(n.driver).firewall(n) ?? []))
}
