import { type Cidr, contains, parseCidr, parseIp } from '../ipam/cidr.js'

/**
 * A container's resolv.conf: the host's, without the nameservers a container cannot reach.
 * Docker drops loopback nameservers (they would be the container's own loopback); patchbay
 * also drops those the host has no route to, so a lookup of an unknown name fails at once
 * instead of sending queries that can go nowhere (as in a sandbox with no route out).
 * IPv6 nameservers go too: containers get no IPv6 address.
 */
export function renderResolvConf(hostText: string, hostRoutes: string[]): string {
  const routes = hostRoutes.map((r) => parseCidr(r)).filter((c): c is Cidr => c !== undefined)
  const reachable = (ip: number): boolean => (ip >>> 24) !== 127 && routes.some((r) => contains(r, ip))
  const kept = hostText.split('\n').filter((line) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(line)
    if (!m) return line.trim() !== '' && !line.trimStart().startsWith('#')
    const ip = parseIp(m[1])
    return ip !== undefined && reachable(ip)
  })
  return ['# written by patchbay: the host resolv.conf, less nameservers containers cannot reach', ...kept].join('\n') + '\n'
}
