import { KernelError } from './errors.js'

/** An IPv4 CIDR split into what netlink messages need. */
export interface Ipv4Cidr {
  address: Buffer
  prefixLength: number
  /** Directed broadcast, or undefined for /31 and /32 where there is none (RFC 3021). */
  broadcast: Buffer | undefined
}

export function ipv4ToBuffer(text: string): Buffer {
  const parts = text.split('.')
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN))
  if (bytes.length !== 4 || bytes.some((b) => !(b >= 0 && b <= 255))) {
    throw new KernelError('EINVAL', `invalid IPv4 address: ${text}`)
  }
  return Buffer.from(bytes)
}

export function bufferToIpv4(buf: Buffer): string {
  return [...buf.subarray(0, 4)].join('.')
}

export function parseIpv4Cidr(cidr: string): Ipv4Cidr {
  const [ip, len, ...rest] = cidr.split('/')
  const prefixLength = /^\d{1,2}$/.test(len ?? '') ? Number(len) : NaN
  if (rest.length > 0 || !(prefixLength >= 0 && prefixLength <= 32)) {
    throw new KernelError('EINVAL', `invalid IPv4 CIDR: ${cidr}`)
  }
  const address = ipv4ToBuffer(ip!)
  let broadcast: Buffer | undefined
  if (prefixLength <= 30) {
    const hostMask = prefixLength === 0 ? 0xffffffff : (1 << (32 - prefixLength)) - 1
    broadcast = Buffer.alloc(4)
    broadcast.writeUInt32BE((address.readUInt32BE(0) | hostMask) >>> 0)
  }
  return { address, prefixLength, broadcast }
}
