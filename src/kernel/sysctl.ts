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
 * Turns IPv6 off on one interface of the namespace at netnsPath, as docker does for networks
 * without IPv6: no link-local address, no router solicitations. Must run before the link goes
 * up. Costly (it takes the kernel's rtnl lock): callers ask first whether it is on, and in a
 * namespace made by patchbay it never is (see disableIpv6ByDefault).
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

/** Interfaces created in the namespace at netnsPath from now on start with IPv6 off. */
export function disableIpv6ByDefault(netnsPath: string): void {
  crashPoint()
  withNetns(netnsPath, () => {
    try {
      writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', '1')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  })
}
