import { UserError } from '../core/errors.js'
import type { NetworkRow, StateQueries } from '../projections/queries.js'
import { isHostAddress, lowestFree } from './allocate.js'
import { parseCidr, parseIp } from './cidr.js'
import { contains6, formatIpv6, lowestFree6, networkOf6, parseCidr6, parseIpv6 } from './ipv6.js'

/**
 * Where a new endpoint's address comes from. The local allocator reads this host's
 * projections; a network whose addresses are claimed across hosts brings its own (the cluster
 * hands out blocks of its subnet, see src/cluster/). Decide functions ask ctx.allocator.
 */
export interface AddressAllocator {
  /**
   * An IPv4 address for a new endpoint of `net`: `requested` when the network may give it
   * (a user network, in its subnet, not the gateway, not held), otherwise the lowest free one.
   * Refuses with docker's words (UserError).
   */
  ipv4(net: NetworkRow, requested: string | undefined): number
}

/**
 * An IPv6 address for a new endpoint of a network with IPv6, from the projections: `requested`
 * when it is free in the subnet, else the lowest free one. Canonical text (RFC 5952).
 */
export function localIpv6(state: StateQueries, net: NetworkRow, requested: string | undefined): string {
  const subnet = parseCidr6(net.subnet6!)!
  if (requested !== undefined) {
    const ip = parseIpv6(requested)
    if (ip === undefined) throw new UserError(`invalid IPv6 address: ${requested}`)
    const text = formatIpv6(ip)
    if (!contains6(subnet, ip) || ip === networkOf6(subnet)) {
      throw new UserError(`invalid address ${requested}: it does not belong to network ${net.name}'s subnet ${net.subnet6}`)
    }
    if (text === net.gateway6) throw new UserError(`Address already in use: ${text} is the gateway of network ${net.name}`)
    const holder = state.address6Holder(net.id, text)
    if (holder) throw new UserError(`Address already in use: ${text} is taken by container ${holder} on network ${net.name}`)
    return text
  }
  const used = new Set(state.addresses6OnNetwork(net.id).map((a) => parseIpv6(a)!))
  used.add(parseIpv6(net.gateway6!)!)
  const ip = lowestFree6(subnet, used, net.ipRange6 ? parseCidr6(net.ipRange6) : undefined)
  if (ip === undefined) throw new UserError(`no available IPv6 addresses on network ${net.name} (${net.ipRange6 ?? net.subnet6})`)
  return formatIpv6(ip)
}

/** Addresses of this host's networks, from the projections: lowest free first, as docker's IPAM. */
export function localAllocator(state: StateQueries): AddressAllocator {
  return {
    ipv4(net, requested) {
      const subnet = parseCidr(net.subnet!)!
      if (requested !== undefined) {
        const ip = parseIp(requested)
        if (ip === undefined) throw new UserError(`invalid IPv4 address: ${requested}`)
        if (net.builtin) throw new UserError('user specified IP address is supported on user defined networks only')
        if (!isHostAddress(subnet, ip)) {
          throw new UserError(`invalid address ${requested}: it does not belong to network ${net.name}'s subnet ${net.subnet}`)
        }
        if (requested === net.gateway) throw new UserError(`Address already in use: ${requested} is the gateway of network ${net.name}`)
        const holder = state.addressHolder(net.id, requested)
        if (holder) throw new UserError(`Address already in use: ${requested} is taken by container ${holder} on network ${net.name}`)
        return ip
      }
      const used = new Set(state.addressesOnNetwork(net.id).map((ip) => parseIp(ip)!))
      used.add(parseIp(net.gateway!)!)
      const ip = lowestFree(subnet, used, net.ipRange ? parseCidr(net.ipRange) : undefined)
      if (ip === undefined) throw new UserError(`no available IPv4 addresses on network ${net.name} (${net.ipRange ?? net.subnet}); disconnect a container or use a larger --subnet`)
      return ip
    },
  }
}
