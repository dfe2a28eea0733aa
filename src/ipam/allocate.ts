import { type Cidr, contains, lastOf, networkOf } from './cidr.js'

/**
 * Lowest free host address in `range` (or the whole subnet), skipping the network and
 * broadcast addresses of `subnet` and every address in `used` (the gateway included).
 */
export function lowestFree(subnet: Cidr, used: ReadonlySet<number>, range?: Cidr): number | undefined {
  const from = Math.max(networkOf(range ?? subnet), networkOf(subnet) + 1)
  const last = subnet.prefix >= 31 ? lastOf(subnet) : lastOf(subnet) - 1
  const to = Math.min(lastOf(range ?? subnet), last)
  for (let ip = from; ip <= to; ip++) if (!used.has(ip)) return ip
  return undefined
}

/** Whether `ip` may be handed to an endpoint of `subnet` at all (not network or broadcast). */
export function isHostAddress(subnet: Cidr, ip: number): boolean {
  if (!contains(subnet, ip)) return false
  if (subnet.prefix >= 31) return true
  return ip !== networkOf(subnet) && ip !== lastOf(subnet)
}
