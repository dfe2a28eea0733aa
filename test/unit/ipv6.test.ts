import { Address6 } from 'ip-address'
import { describe, expect, it } from 'vitest'
import { contains6, formatIpv6, hasHostBits6, lowestFree6, parseCidr6, parseIpv6 } from '../../src/ipam/ipv6.js'

/** Deterministic pseudo-random 128-bit numbers with long zero runs, the hard cases for `::`. */
function* samples(n: number): Generator<bigint> {
  let x = 0x9e3779b97f4a7c15n
  for (let i = 0; i < n; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 128n) - 1n)
    const zeroMask = x & 0xffn
    let v = x
    for (let g = 0; g < 8; g++) if ((zeroMask >> BigInt(g)) & 1n) v &= ~(0xffffn << BigInt(16 * g))
    yield v
  }
}

describe('IPv6 maths, held against the ip-address package', () => {
  it('prints the canonical form ip-address prints, and parses it back', () => {
    for (const v of samples(2000)) {
      const text = formatIpv6(v)
      expect(text).toBe(Address6.fromBigInt(v).correctForm())
      expect(parseIpv6(text)).toBe(v)
      expect(parseIpv6(new Address6(text).canonicalForm())).toBe(v)
    }
  })

  it('parses what RFC 4291 allows and refuses what it does not, as ip-address does', () => {
    for (const t of ['::', '::1', 'fd00::', 'FD00:0:0::1', '1:2:3:4:5:6:7:8', '1::8', '0:0:0:0:0:0:0:0']) {
      expect(parseIpv6(t), t).toBe(new Address6(t).bigInt())
    }
    for (const t of ['', ':', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '12345::', '1:2:3:4:5:6:7::8', 'fd00::1 ', '1:2:3:4:5:6:7']) {
      expect(parseIpv6(t), t).toBeUndefined()
      expect(Address6.isValid(t), t).toBe(false)
    }
  })

  it('prefixes: host bits, containment, the lowest free address after the anycast one', () => {
    const net = parseCidr6('fd00:1::/64')!
    expect(hasHostBits6(net)).toBe(false)
    expect(hasHostBits6(parseCidr6('fd00:1::1/64')!)).toBe(true)
    expect(contains6(net, parseIpv6('fd00:1::ffff')!)).toBe(true)
    expect(contains6(net, parseIpv6('fd00:2::1')!)).toBe(false)
    const used = new Set([parseIpv6('fd00:1::1')!, parseIpv6('fd00:1::2')!])
    expect(formatIpv6(lowestFree6(net, used)!)).toBe('fd00:1::3')
    expect(formatIpv6(lowestFree6(net, used, parseCidr6('fd00:1::100/120')!)!)).toBe('fd00:1::100')
    expect(lowestFree6(parseCidr6('fd00::/127')!, new Set([parseIpv6('fd00::1')!]))).toBeUndefined()
  })
})
