import { readFileSync } from 'node:fs'
import { formatIpv6 } from '../ipam/ipv6.js'

/**
 * The ports this network namespace's sockets hold, from /proc/net (which resolves the reading
 * thread's namespace), and the kernel's ephemeral port range: a published port must not take
 * one a process already has.
 */

export interface BoundSocket {
  proto: 'tcp' | 'udp'
  ip: string
  port: number
}

/** TCP_LISTEN in /proc/net/tcp's `st` column. */
const TCP_LISTEN = '0A'

/** A /proc/net address: hex words in host byte order, 8 digits for IPv4, 32 for IPv6. */
function addressOf(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((w) => Buffer.from(w, 'hex').readUInt32LE(0))
  const v4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
  if (words.length === 1) return v4(words[0]!)
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return v4(words[3]!)
  return formatIpv6(words.reduce((n, w) => (n << 32n) | BigInt(w), 0n))
}

function readTable(file: string, proto: BoundSocket['proto']): BoundSocket[] {
  let text: string
  try {
    text = readFileSync(`/proc/net/${file}`, 'utf8')
  } catch (err) {
    // A kernel without IPv6 has no tcp6/udp6.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return text
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const [, local, , state] = line.trim().split(/\s+/)
      if (!local || (proto === 'tcp' && state !== TCP_LISTEN)) return []
      const [hex, port] = local.split(':')
      const n = parseInt(port!, 16)
      return n === 0 ? [] : [{ proto, ip: addressOf(hex!), port: n }]
    })
}

/** Listening TCP sockets and bound UDP sockets, IPv4 and IPv6. */
export function boundSockets(): BoundSocket[] {
  return [...readTable('tcp', 'tcp'), ...readTable('tcp6', 'tcp'), ...readTable('udp', 'udp'), ...readTable('udp6', 'udp')]
}

/** net.ipv4.ip_local_port_range, where docker too picks a port left out of `-p`. */
export function ephemeralPortRange(): { first: number; last: number } {
  const [first, last] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number)
  return { first: first!, last: last! }
}
