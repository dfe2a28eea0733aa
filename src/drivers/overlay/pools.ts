import type { Cidr } from '../../ipam/cidr.js'

let pools: Cidr[] | undefined

/** docker's global default pool: 10.0.0.0/8 in /24 steps, in order (10.0.0.0/24, 10.0.1.0/24, …). */
export function overlayPools(): Cidr[] {
  pools ??= Array.from({ length: 1 << 16 }, (_, i) => ({ base: ((10 << 24) | (i << 8)) >>> 0, prefix: 24 }))
  return pools
}
