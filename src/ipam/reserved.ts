import { type Cidr, overlaps, parseCidr } from './cidr.js'

/**
 * IPv4 ranges no network may use: the kernel treats them specially (loopback, multicast,
 * link-local) or routes none of them (this network, the reserved class E block and the
 * limited broadcast address in it). A bridge on 127.0.0.0/8 would sit beside `lo`, a gateway
 * in 224.0.0.0/4 would be a multicast group.
 */
const RESERVED: [cidr: string, what: string][] = [
  ['0.0.0.0/8', '"this network" range'],
  ['127.0.0.0/8', 'loopback range'],
  ['169.254.0.0/16', 'link-local range'],
  ['224.0.0.0/4', 'multicast range'],
  ['240.0.0.0/4', 'reserved range (with the broadcast address 255.255.255.255)'],
]

const ranges = RESERVED.map(([text, what]) => ({ cidr: parseCidr(text)!, text, what }))

/** The reserved range `c` overlaps, as `CIDR, the WHAT`, or undefined when it overlaps none. */
export function reservedOverlap(c: Cidr): string | undefined {
  const hit = ranges.find((r) => overlaps(r.cidr, c))
  return hit && `${hit.text}, the ${hit.what}`
}
