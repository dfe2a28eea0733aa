import { formatCidr6, formatIpv6, parseCidr6, parseIpv6 } from '../ipam/ipv6.js'

/**
 * The shapes of the values events carry, as patterns: shared by the commands that check what
 * users type (with their own messages) and by the event schemas, which check every event
 * appended or imported from another host, so that nothing that reaches a hosts file, a rule or
 * a log line can hold more than the value it claims to be.
 */

/** Docker's rule for container and network names (at most 128 characters). */
export const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/

/** One DNS label: letters, digits, `_` or `-` (not at either end), 1 to 63 of them. */
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/

/** A DNS name as an alias: labels joined by dots, 253 characters in all. */
export function isDnsName(text: string): boolean {
  return text.length > 0 && text.length <= 253 && text.split('.').every((l) => LABEL.test(l))
}

export const HEX64 = /^[0-9a-f]{64}$/
export const IFNAME = /^[a-zA-Z0-9_.-]{1,15}$/
export const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
export const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`)
export const CIDR4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}/(?:3[0-2]|[12]?[0-9])$`)

/** An absolute path with no control characters (it is printed in the audit trail). */
export const PATH = /^\/[^\x00-\x1f\x7f]*$/

/** Text shown on one line: no control characters. */
export const ONE_LINE = /^[^\x00-\x1f\x7f]*$/

/** An IPv6 address in RFC 5952's canonical form (the only one events hold, so they compare as text). */
export function isIpv6(text: string): boolean {
  const n = parseIpv6(text)
  return n !== undefined && formatIpv6(n) === text
}

/** An IPv6 prefix, canonical, host bits clear. */
export function isCidr6(text: string): boolean {
  const c = parseCidr6(text)
  return c !== undefined && formatCidr6(c) === text
}
