import { Address4 } from 'ip-address'

/** An IPv4 subnet as two uint32 bounds; all address maths in patchbay works on these. */
export interface Cidr {
  base: number
  prefix: number
}

export function parseIp(text: string): number | undefined {
  if (text.includes('/') || !Address4.isValid(text)) return undefined
  return Number(new Address4(text).bigInt())
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
