import type { NetworkCreated, NewEvent } from '../events/types.js'
import { type Cidr, contains, formatCidr, formatIp, hasHostBits, networkOf, overlaps, parseCidr, parseIp } from '../ipam/cidr.js'
import { isHostAddress } from '../ipam/allocate.js'
import { pickPool } from '../ipam/pools.js'
import { reservedOverlap } from '../ipam/reserved.js'
import { DEFAULT_MTU } from './builtin-networks.js'
import type { DecideContext } from './context.js'
import { UserError } from './errors.js'
import { checkName } from './names.js'

export interface NetworkCreateRequest {
  name: string
  driver: string
  subnet?: string
  gateway?: string
  ipRange?: string
  internal: boolean
  attachable: boolean
  labels: Record<string, string>
  options: Record<string, string>
  /** Destinations of the host's routes: automatic pools avoid them, as docker's do. */
  hostRoutes: string[]
}

const BRIDGE_NAME_OPT = 'com.docker.network.bridge.name'
const MTU_OPT = 'com.docker.network.driver.mtu'
const IFNAME = /^[a-zA-Z0-9_.-]{1,15}$/

function parseSubnet(flag: string, text: string): Cidr {
  const c = parseCidr(text)
  if (!c) throw new UserError(`invalid CIDR address: ${text}`)
  if (hasHostBits(c)) throw new UserError(`invalid ${flag} ${text}: host bits are set (did you mean ${formatCidr(c)}?)`)
  const reserved = reservedOverlap(c)
  if (reserved) throw new UserError(`invalid ${flag} ${text}: it overlaps ${reserved}, which containers cannot be routed on; choose another subnet`)
  return c
}

function chooseSubnet(req: NetworkCreateRequest, ctx: DecideContext): Cidr {
  const existing = ctx.state.networks().filter((n) => n.subnet !== null)
  if (req.subnet !== undefined) {
    const subnet = parseSubnet('--subnet', req.subnet)
    if (subnet.prefix > 30) throw new UserError(`invalid --subnet ${req.subnet}: a bridge network needs at least a /30`)
    const clash = existing.find((n) => overlaps(parseCidr(n.subnet!)!, subnet))
    if (clash) {
      throw new UserError(`invalid pool request: Pool overlaps with other one on this address space (network ${clash.name} uses ${clash.subnet})`)
    }
    return subnet
  }
  if (req.gateway !== undefined) throw new UserError('--gateway needs --subnet: give the subnet the gateway belongs to')
  if (req.ipRange !== undefined) throw new UserError('--ip-range needs --subnet: give the subnet the range belongs to')
  const taken = [...existing.map((n) => n.subnet!), ...req.hostRoutes]
    .map((s) => parseCidr(s))
    .filter((c): c is Cidr => c !== undefined && c.prefix > 0)
  const pool = pickPool(taken)
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

function chooseMtu(options: Record<string, string>): number {
  const text = options[MTU_OPT]
  if (text === undefined) return DEFAULT_MTU
  const mtu = Number(text)
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new UserError(`invalid ${MTU_OPT} ${text}: must be an integer from 68 to 65535`)
  return mtu
}

function chooseBridge(id: string, options: Record<string, string>, ctx: DecideContext): string {
  const name = options[BRIDGE_NAME_OPT] ?? `pb-${id.slice(0, 12)}`
  if (!IFNAME.test(name)) throw new UserError(`invalid ${BRIDGE_NAME_OPT} ${name}: at most 15 of [a-zA-Z0-9_.-]`)
  const user = ctx.state.networks().find((n) => n.bridge === name)
  if (user) throw new UserError(`bridge ${name} is already used by network ${user.name}`)
  return name
}

/** Decides a new bridge network: validates the request and picks subnet, gateway and bridge. */
export function decideNetworkCreate(req: NetworkCreateRequest, ctx: DecideContext): NewEvent[] {
  checkName('network', req.name)
  if (ctx.state.networks().some((n) => n.name === req.name)) throw new UserError(`network with name ${req.name} already exists`)
  if (req.driver === 'host' || req.driver === 'null') {
    throw new UserError(`only one instance of "${req.driver}" network is allowed`)
  }
  if (req.driver === 'overlay') {
    throw new UserError('driver "overlay" needs a cluster store (multi-host networking), which this version does not have yet; use -d bridge')
  }
  if (req.driver !== 'bridge') throw new UserError(`plugin "${req.driver}" not found: the drivers are bridge, host and null`)

  const subnet = chooseSubnet(req, ctx)
  const id = ctx.newId()
  const payload: NetworkCreated = {
    id,
    name: req.name,
    driver: 'bridge',
    scope: 'local',
    created: ctx.now,
    subnet: formatCidr(subnet),
    gateway: chooseGateway(subnet, req.gateway),
    ipRange: chooseRange(subnet, req.ipRange),
    internal: req.internal,
    attachable: req.attachable,
    builtin: false,
    bridge: chooseBridge(id, req.options, ctx),
    mtu: chooseMtu(req.options),
    labels: req.labels,
    options: req.options,
  }
  return [{ type: 'NetworkCreated', payload }]
}
