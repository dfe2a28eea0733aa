import { readFileSync, writeFileSync } from 'node:fs'
import { crashPoint } from './crash-point.js'
import { withNetns } from './netns.js'

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward'

/**
 * Turns on IPv4 forwarding in the netns of the calling thread (/proc/sys/net resolves the
 * namespace at open time, and these sync calls run on this thread). Skips the write when already on.
 */
export function enableIpv4Forwarding(): void {
  if (ipv4ForwardingEnabled()) return
  crashPoint()
  writeFileSync(IP_FORWARD, '1')
}

export function ipv4ForwardingEnabled(): boolean {
  return readFileSync(IP_FORWARD, 'utf8').trim() === '1'
}

/**
 * Turns IPv6 off in the namespace at netnsPath, as docker does for networks without IPv6: on
 * one interface (before it goes up: no link-local address, no router solicitations), or, with
 * ifname `default`, on every interface created there from then on. Not free: for an existing
 * interface the kernel takes its rtnl lock, and the first IPv6 setting touched in a new
 * namespace costs about 1.4 ms (measured), so callers ask first (Rtnl.findLink). A kernel
 * without IPv6 has nothing to turn off.
 */
export function disableIpv6(netnsPath: string, ifname: string): void {
  crashPoint()
  withNetns(netnsPath, () => {
    try {
      writeFileSync(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`, '1')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  })
}

/** Turns IPv6 on for one interface of a network with IPv6 (one made after 'default' went off is born without). */
export function enableIpv6(netnsPath: string, ifname: string): void {
  crashPoint()
  withNetns(netnsPath, () => writeFileSync(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`, '0'))
}

const IP6_FORWARD = '/proc/sys/net/ipv6/conf/all/forwarding'

/** Turns on IPv6 forwarding in the netns of the calling thread, for networks with IPv6 that reach out. */
export function enableIpv6Forwarding(): void {
  if (readFileSync(IP6_FORWARD, 'utf8').trim() === '1') return
  crashPoint()
  writeFileSync(IP6_FORWARD, '1')
}
