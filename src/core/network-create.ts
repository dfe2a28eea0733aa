import type { NetworkCreated, NewEvent } from '../events/types.js'
import { type Cidr, contains, formatCidr, formatIp, hasHostBits, networkOf, overlaps, parseCidr, parseIp } from '../ipam/cidr.js'
import { isHostAddress } from '../ipam/allocate.js'
import { type Cidr6, contains6, formatCidr6, formatIpv6, hasHostBits6, networkOf6, overlaps6, parseCidr6, parseIpv6 } from '../ipam/ipv6.js'
import { pickPool } from '../ipam/pools.js'
import { reservedOverlap } from '../ipam/reserved.js'
import type { NetworkDriver } from '../drivers/contract.js'
import { driverNamed } from '../drivers/registry.js'
import type { DecideContext } from './context.js'
import { UserError } from './errors.js'
import { checkName } from './names.js'

export interface NetworkCreateRequest {
  name: string
  driver: string
  subnet?: string
  gateway?: string
  ipRange?: string
  /** --ipv6, with the IPv6 --subnet, --gateway and --ip-range. */
  ipv6?: boolean
  subnet6?: string
  gateway6?: string
  ipRange6?: string
  internal: boolean
  attachable: boolean
  labels: Record<string, string>
  options: Record<string, string>
  /** Destinations of the host's routes: automatic pools avoid them, as docker's do. */
  hostRoutes: string[]
}

function parseSubnet(flag: string, text: string): Cidr {
  const c = parseCidr(text)
  if (!c) throw new UserError(`invalid CIDR address: ${text}`)
  if (hasHostBits(c)) throw new UserError(`invalid ${flag} ${text}: host bits are set (did you mean ${formatCidr(c)}?)`)
  const reserved = reservedOverlap(c)
  if (reserved) throw new UserError(`invalid ${flag} ${text}: it overlaps ${reserved}, which containers cannot be routed on; choose another subnet`)
  return c
}

/**
 * The subnets a new network must not overlap, each with whose it is: this host's networks (of
 * every scope), and for a network spanning hosts also every other host's local ones.
 */
function subnetsInUse(driver: NetworkDriver, ctx: DecideContext): { subnet: string; holder: string }[] {
  const here = ctx.state.networks().flatMap((n) => (n.subnet ? [{ subnet: n.subnet, holder: `network ${n.name}` }] : []))
  if (driver.scope === 'local') return here
  const elsewhere = (ctx.cluster?.otherHosts ?? []).flatMap((h) => h.networks.flatMap((n) => (n.subnet ? [{ subnet: n.subnet, holder: `network ${n.name} of host ${h.name}` }] : [])))
  return [...here, ...elsewhere]
}

function chooseSubnet(req: NetworkCreateRequest, driver: NetworkDriver, ctx: DecideContext): Cidr {
  const existing = subnetsInUse(driver, ctx)
  if (req.subnet !== undefined) {
    const subnet = parseSubnet('--subnet', req.subnet)
    if (subnet.prefix > driver.maxPrefixLen) throw new UserError(`invalid --subnet ${req.subnet}: a ${driver.name} network needs at least a /${driver.maxPrefixLen}`)
    const clash = existing.find((n) => overlaps(parseCidr(n.subnet)!, subnet))
    if (clash) {
      throw new UserError(`invalid pool request: Pool overlaps with other one on this address space (${clash.holder} uses ${clash.subnet})`)
    }
    return subnet
  }
  if (req.gateway !== undefined) throw new UserError('--gateway needs --subnet: give the subnet the gateway belongs to')
  if (req.ipRange !== undefined) throw new UserError('--ip-range needs --subnet: give the subnet the range belongs to')
  const taken = [...existing.map((n) => n.subnet), ...req.hostRoutes]
    .map((s) => parseCidr(s))
    .filter((c): c is Cidr => c !== undefined && c.prefix > 0)
  const pool = pickPool(taken, driver.pools())
  if (!pool) {
    throw new UserError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network; remove unused networks or give --subnet')
  }
  return pool
}

function chooseGateway(subnet: Cidr, gateway: string | undefined): string {
  if (gateway === undefined) return formatIp(networkOf(subnet) + 1)
  const ip = parseIp(gateway)
  if (ip === undefined) throw new UserError(`invalid --gateway ${gateway}: not an IPv4 address`)
  if (!isHostAddress(subnet, ip)) throw new UserError(`no matching subnet for gateway ${gateway} (subnet is ${formatCidr(subnet)})`)
  return gateway
}

function chooseRange(subnet: Cidr, ipRange: string | undefined): string | null {
  if (ipRange === undefined) return null
  const range = parseSubnet('--ip-range', ipRange)
  if (!contains(subnet, networkOf(range)) || range.prefix < subnet.prefix) {
    throw new UserError(`no matching subnet for range ${ipRange} (subnet is ${formatCidr(subnet)})`)
  }
  return formatCidr(range)
}

type Ipv6Part = Pick<NetworkCreated, 'enableIpv6' | 'subnet6' | 'gateway6' | 'ipRange6'>

function parseSubnet6(flag: string, text: string): Cidr6 {
  const c = parseCidr6(text)
  if (!c) throw new UserError(`invalid CIDR address: ${text}`)
  if (hasHostBits6(c)) throw new UserError(`invalid ${flag} ${text}: host bits are set (did you mean ${formatCidr6(c)}?)`)
  return c
}

/** The IPv6 half of a dual-stack network: its subnet (given: there is no default IPv6 pool), gateway (the first address unless given) and range. */
function chooseIpv6(req: NetworkCreateRequest, driver: NetworkDriver, ctx: DecideContext): Ipv6Part {
  if (!req.ipv6) {
    if (req.subnet6 ?? req.gateway6 ?? req.ipRange6) throw new UserError(`IPv6 addresses need --ipv6 (got ${req.subnet6 ?? req.gateway6 ?? req.ipRange6})`)
    return { enableIpv6: false, subnet6: null, gateway6: null, ipRange6: null }
  }
  if (!driver.dualStack) throw new UserError(`--ipv6 is not supported on ${driver.name} networks (bridge networks have it)`)
  if (req.subnet6 === undefined) throw new UserError('--ipv6 needs an IPv6 --subnet as well (for example --subnet fd00:1::/64)')
  const subnet = parseSubnet6('--subnet', req.subnet6)
  if (subnet.prefix > 126) throw new UserError(`invalid --subnet ${req.subnet6}: an IPv6 network needs at least a /126`)
  const clash = ctx.state.networks().find((n) => n.subnet6 && overlaps6(parseCidr6(n.subnet6)!, subnet))
  if (clash) throw new UserError(`invalid pool request: Pool overlaps with other one on this address space (network ${clash.name} uses ${clash.subnet6})`)
  let gateway = networkOf6(subnet) + 1n
  if (req.gateway6 !== undefined) {
    const ip = parseIpv6(req.gateway6)
    if (ip === undefined) throw new UserError(`invalid --gateway ${req.gateway6}: not an IPv6 address`)
    if (!contains6(subnet, ip) || ip === networkOf6(subnet)) throw new UserError(`no matching subnet for gateway ${req.gateway6} (subnet is ${formatCidr6(subnet)})`)
    gateway = ip
  }
  let ipRange6: string | null = null
  if (req.ipRange6 !== undefined) {
    const range = parseSubnet6('--ip-range', req.ipRange6)
    if (!contains6(subnet, networkOf6(range)) || range.prefix < subnet.prefix) throw new UserError(`no matching subnet for range ${req.ipRange6} (subnet is ${formatCidr6(subnet)})`)
    ipRange6 = formatCidr6(range)
  }
  return { enableIpv6: true, subnet6: formatCidr6(subnet), gateway6: formatIpv6(gateway), ipRange6 }
}

/** Checks the -o keys against what the driver takes: a key it does not know is never stored silently. */
function checkOptions(driver: NetworkDriver, options: Record<string, string>): void {
  const known = Object.keys(driver.options)
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new UserError(`unknown option ${key} for driver ${driver.name}: it takes ${known.length ? known.join(', ') : 'none'}`)
    }
  }
}

/** Decides a new network: validates the request, picks subnet and gateway; the driver picks its devices. */
export function decideNetworkCreate(req: NetworkCreateRequest, ctx: DecideContext): NewEvent[] {
  checkName('network', req.name)
  if (ctx.state.networks().some((n) => n.name === req.name)) throw new UserError(`network with name ${req.name} already exists`)
  const driver = driverNamed(req.driver)
  if (driver.scope === 'global') {
    const holder = ctx.cluster?.otherHosts.find((h) => h.networks.some((n) => n.name === req.name))
    if (holder) throw new UserError(`network with name ${req.name} already exists on host ${holder.name}`)
  }
  checkOptions(driver, req.options)
  const subnet = chooseSubnet(req, driver, ctx)
  const ipv6 = chooseIpv6(req, driver, ctx)
  const id = ctx.newId()
  const { bridge, mtu, driverState } = driver.planNetwork({ id, options: req.options, ctx })
  const payload: NetworkCreated = {
    id,
    name: req.name,
    driver: driver.name,
    scope: driver.scope,
    created: ctx.now,
    subnet: formatCidr(subnet),
    gateway: chooseGateway(subnet, req.gateway),
    ipRange: chooseRange(subnet, req.ipRange),
    ...ipv6,
    internal: req.internal,
    attachable: req.attachable,
    builtin: false,
    bridge,
    mtu,
    labels: req.labels,
    options: req.options,
    driverState,
  }
  return [{ type: 'NetworkCreated', payload }]
}
