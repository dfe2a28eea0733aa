import { readFileSync, writeFileSync } from 'node:fs'

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward'

/**
 * Turns on IPv4 forwarding in the netns of the calling thread (/proc/sys/net resolves the
 * namespace at open time, and these sync calls run on this thread). Skips the write when already on.
 */
export function enableIpv4Forwarding(): void {
  if (readFileSync(IP_FORWARD, 'utf8').trim() !== '1') writeFileSync(IP_FORWARD, '1')
}
