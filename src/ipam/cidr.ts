/** An IPv4 subnet as two uint32 bounds; all address maths in patchbay works on these. */
export interface Cidr {
  base: number
  prefix: number
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
/** Dotted quad, each part 0-255 without leading zeros (ip-address's rule, which this replaced). */
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`)

/** "a.b.c.d" as a uint32. Plain arithmetic: IPAM parses every address of a network per decision. */
export function parseIp(text: string): number | undefined {
  const m = IPV4.exec(text)
  if (!m) return undefined
  return ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4])
}

/** Parses "a.b.c.d/n"; host bits must be zero, as docker requires of --subnet and --ip-range. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text)
  if (!m) return undefined
  const ip = parseIp(m[1])
  const prefix = Number(m[2])
  if (ip === undefined || prefix > 32) return undefined
  return { base: ip, prefix }
}

export function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
}

export function networkOf(c: Cidr): number {
  return (c.base & mask(c.prefix)) >>> 0
}

export function hasHostBits(c: Cidr): boolean {
  return networkOf(c) !== c.base
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix)
}

export function lastOf(c: Cidr): number {
  return networkOf(c) + size(c) - 1
}

export function contains(c: Cidr, ip: number): boolean {
  return ip >= networkOf(c) && ip <= lastOf(c)
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return networkOf(a) <= lastOf(b) && networkOf(b) <= lastOf(a)
}

export function formatIp(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.')
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(networkOf(c))}/${c.prefix}`
}

/** Docker's MAC scheme: 02:42 followed by the four bytes of the IPv4 address. */
export function macForIp(ip: number): string {
  const bytes = [2, 0x42, ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255]
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')
}
