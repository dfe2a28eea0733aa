import { describe, expect, it } from 'vitest'
import { isHostAddress, lowestFree } from '../../src/ipam/allocate.js'
import { formatCidr, formatIp, macForIp, overlaps, parseCidr, parseIp } from '../../src/ipam/cidr.js'
import { defaultPools, pickPool } from '../../src/ipam/pools.js'

const cidr = (s: string) => parseCidr(s)!
const ip = (s: string) => parseIp(s)!

describe('cidr parsing', () => {
  it('parses and formats', () => {
    expect(formatCidr(cidr('172.18.0.0/16'))).toBe('172.18.0.0/16')
    expect(formatIp(ip('10.1.2.3'))).toBe('10.1.2.3')
  })
  it('rejects bad input', () => {
    for (const bad of ['10.0.0.0/33', 'nonsense', '10.0.0/8', '10.0.0.0', '256.0.0.0/8', '010.0.0.0/8']) {
      expect(parseCidr(bad), bad).toBeUndefined()
    }
    expect(parseIp('10.0.0.1/24')).toBeUndefined()
  })
  it('detects overlaps', () => {
    expect(overlaps(cidr('10.10.0.0/16'), cidr('10.10.5.0/24'))).toBe(true)
    expect(overlaps(cidr('10.10.0.0/16'), cidr('10.11.0.0/16'))).toBe(false)
  })
})

describe('MAC from IPv4, as docker', () => {
  it('is 02:42 plus the address bytes', () => {
    expect(macForIp(ip('172.17.0.2'))).toBe('02:42:ac:11:00:02')
    expect(macForIp(ip('172.20.0.1'))).toBe('02:42:ac:14:00:01')
  })
})

describe('default pools', () => {
  it('are 172.18-31/16 then 192.168.x/20', () => {
    const pools = defaultPools().map(formatCidr)
    expect(pools[0]).toBe('172.18.0.0/16')
    expect(pools[13]).toBe('172.31.0.0/16')
    expect(pools[14]).toBe('192.168.0.0/20')
    expect(pools[15]).toBe('192.168.16.0/20')
    expect(pools).toHaveLength(30)
  })
  it('skips pools overlapping what is taken, including host routes', () => {
    expect(formatCidr(pickPool([cidr('172.18.0.0/16'), cidr('172.19.3.0/24')])!)).toBe('172.20.0.0/16')
    expect(pickPool(defaultPools())).toBeUndefined()
  })
})

describe('address allocation', () => {
  const subnet = cidr('172.18.0.0/16')
  it('takes the lowest free host address', () => {
    expect(formatIp(lowestFree(subnet, new Set([ip('172.18.0.1')]))!)).toBe('172.18.0.2')
    expect(formatIp(lowestFree(subnet, new Set([ip('172.18.0.1'), ip('172.18.0.2')]))!)).toBe('172.18.0.3')
  })
  it('reuses a freed address', () => {
    expect(formatIp(lowestFree(subnet, new Set([ip('172.18.0.1'), ip('172.18.0.3')]))!)).toBe('172.18.0.2')
  })
  it('stays inside --ip-range', () => {
    expect(formatIp(lowestFree(subnet, new Set(), cidr('172.18.5.0/24'))!)).toBe('172.18.5.0')
  })
  it('never hands out network or broadcast addresses and reports exhaustion', () => {
    const tiny = cidr('10.30.0.0/30')
    expect(lowestFree(tiny, new Set([ip('10.30.0.1'), ip('10.30.0.2')]))).toBeUndefined()
    expect(isHostAddress(tiny, ip('10.30.0.3'))).toBe(false)
    expect(isHostAddress(tiny, ip('10.30.0.0'))).toBe(false)
    expect(isHostAddress(tiny, ip('10.30.0.2'))).toBe(true)
  })
})
