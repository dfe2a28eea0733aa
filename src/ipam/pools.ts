import { type Cidr, overlaps } from './cidr.js'

const ip = (a: number, b: number): number => ((a << 24) | (b << 16)) >>> 0

/** The default bridge network's fixed subnet, as docker0's. */
export const DEFAULT_BRIDGE_SUBNET: Cidr = { base: ip(172, 17), prefix: 16 }

/**
 * Docker's local default pools after 172.17/16: 172.18–31.0.0/16, then 192.168.0.0/16 in /20 steps.
 */
export function defaultPools(): Cidr[] {
  const pools: Cidr[] = []
  for (let b = 18; b <= 31; b++) pools.push({ base: ip(172, b), prefix: 16 })
  for (let c = 0; c < 256; c += 16) pools.push({ base: (ip(192, 168) | (c << 8)) >>> 0, prefix: 20 })
  return pools
}

/** The first of `pools` that overlaps nothing `taken` (networks, routes of the host). */
export function pickPool(taken: Cidr[], pools: Cidr[] = defaultPools()): Cidr | undefined {
  return pools.find((p) => !taken.some((t) => overlaps(p, t)))
}
