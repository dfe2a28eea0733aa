import { readFileSync, writeFileSync } from 'node:fs'
import { crashPoint } from './crash-point.js'

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
