/**
 * Published ports (`run -p`): what a user typed, checked and resolved against the host and the
 * other containers into the bindings a ContainerCreated event records. Pure: the host's
 * addresses, listening sockets and ephemeral range come in as facts (app/host-facts.ts).
 */
import { HOST_BINDING_OPTION } from '../drivers/bridge/options.js'
import { driverFor } from '../drivers/registry.js'
import type { PortBinding } from '../events/types.js'
import { parseIp } from '../ipam/cidr.js'
import { formatIpv6, parseIpv6 } from '../ipam/ipv6.js'
import type { ContainerRow, NetworkRow } from '../projections/queries.js'
import { UserError } from './errors.js'

export type Proto = PortBinding['proto']

/** One port as asked for: host address and port as given ('' and 0 when left out). */
export type PortRequest = Pick<PortBinding, 'proto' | 'containerPort' | 'hostIp' | 'hostPort'>

/** A socket of the host's namespace holding a port (TCP listening, UDP bound). */
export interface ListeningSocket {
  proto: Proto
  ip: string
  port: number
}

/** What a decision about published ports needs to know of the host. */
export interface HostPortFacts {
  /** The host's addresses (IPv4, and global IPv6): a binding to one it lacks would never receive anything. */
  addresses: string[]
  listening: ListeningSocket[]
  /** Where a port left out is taken from (the kernel's ip_local_port_range). */
  ephemeral: { first: number; last: number }
}

const ANY = '0.0.0.0'

/** A port number or an inclusive range of them, "80" or "8000-8010". */
function parsePorts(spec: string, what: 'host port' | 'container port', text: string): number[] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text)
  const first = m ? Number(m[1]) : NaN
  const last = m?.[2] !== undefined ? Number(m[2]) : first
  for (const p of [first, last]) {
    if (!(p >= 1 && p <= 65535)) throw new UserError(`invalid ${what} in -p ${spec}: ${text} (ports are 1-65535${what === 'host port' ? '; leave it out for a free one' : ''})`)
  }
  if (last < first) throw new UserError(`invalid ${what} range in -p ${spec}: ${text} (the end is before the start)`)
  return Array.from({ length: last - first + 1 }, (_, i) => first + i)
}

/** A host address as -p gives it: IPv4, or IPv6 in brackets (kept in canonical form). */
function parseHostIp(spec: string, text: string): string {
  if (text === '' || parseIp(text) !== undefined) return text
  const v6 = /^\[(.+)\]$/.exec(text)
  const n = v6 ? parseIpv6(v6[1]!) : undefined
  if (n === undefined) throw new UserError(`invalid host address in -p ${spec}: ${text} (an IPv4 address, or an IPv6 one in brackets)`)
  return formatIpv6(n)
}

/**
 * Parses one `-p` as docker takes it: `[HOSTIP:][HOSTPORT:]CONTAINERPORT[/tcp|udp]` (an IPv6
 * HOSTIP in brackets), with ranges of equal length on both sides (`8000-8001:80-81`). One
 * request per port.
 */
export function parsePublish(spec: string): PortRequest[] {
  const slash = spec.lastIndexOf('/')
  const proto = slash < 0 ? 'tcp' : spec.slice(slash + 1)
  if (proto !== 'tcp' && proto !== 'udp') throw new UserError(`invalid protocol in -p ${spec}: ${proto} (tcp or udp)`)
  const body = slash < 0 ? spec : spec.slice(0, slash)
  // An IPv6 host address holds colons of its own: the ports are what follows its bracket.
  const close = body.startsWith('[') ? body.indexOf(']') + 1 : 0
  const parts = close > 0 ? [body.slice(0, close), ...body.slice(close + 1).split(':')] : body.split(':')
  if (parts.length > 3 || (close > 0 && (parts.length !== 3 || body[close] !== ':'))) throw new UserError(`invalid -p ${spec}: expected [HOSTIP:][HOSTPORT:]CONTAINERPORT[/PROTO]`)
  const [hostText0, hostText, containerText] = parts.length === 3 ? parts : parts.length === 2 ? ['', parts[0]!, parts[1]!] : ['', '', parts[0]!]
  const hostIp = parseHostIp(spec, hostText0!)
  const containerPorts = parsePorts(spec, 'container port', containerText!)
  const hostPorts = hostText === '' ? containerPorts.map(() => 0) : parsePorts(spec, 'host port', hostText!)
  if (hostPorts.length !== containerPorts.length) {
    throw new UserError(`invalid -p ${spec}: the host range has ${hostPorts.length} ports, the container range ${containerPorts.length}`)
  }
  return containerPorts.map((containerPort, i) => ({ proto, containerPort, hostIp: hostIp!, hostPort: hostPorts[i]! }))
}

/** "0.0.0.0:8080/tcp", "[::1]:53/udp": how an error names a host binding. */
const shown = (ip: string, port: number, proto: Proto) => `${ip.includes(':') ? `[${ip}]` : ip}:${port}${proto === 'udp' ? '/udp' : ''}`

/** Two bindings of one protocol and port collide unless both name different addresses. */
const overlaps = (a: { ip: string; port: number; proto: Proto }, b: { ip: string; port: number; proto: Proto }) =>
  a.proto === b.proto && a.port === b.port && (a.ip === b.ip || a.ip === ANY || b.ip === ANY)

/**
 * The bindings a new container's `-p`s get on its first network: each host port checked free
 * (of other containers' bindings and the host's sockets), a left-out one the lowest free port
 * of the ephemeral range, a left-out address the network's host_binding_ipv4.
 */
export function decidePorts(reqs: PortRequest[], net: NetworkRow, facts: HostPortFacts, others: ContainerRow[]): PortBinding[] {
  if (reqs.length === 0) return []
  const driver = driverFor(net.driver)
  if (net.internal) throw new UserError(`cannot publish ports on network ${net.name}: it is internal (nothing outside the network reaches it)`)
  if (!driver.addressed || driver.sharesHost) throw new UserError(`cannot publish ports on network ${net.name}: driver ${net.driver} gives the container no address of its own`)
  const held = others.flatMap((c) => c.ports.map((b) => ({ ip: b.bindIp, port: b.bindPort, proto: b.proto, by: `container ${c.name}` })))
  for (const s of facts.listening) held.push({ ...s, ip: s.ip === '::' ? ANY : s.ip, by: `a process on the host listening on ${shown(s.ip, s.port, s.proto)}` })
  const bindings: PortBinding[] = []
  for (const req of reqs) {
    const bindIp = req.hostIp || (net.options[HOST_BINDING_OPTION] ?? ANY)
    if (bindIp !== ANY && !facts.addresses.includes(bindIp)) throw new UserError(`cannot publish on ${bindIp}: it is not an address of this host`)
    if (bindIp.includes(':') && !net.enableIpv6) throw new UserError(`cannot publish on ${bindIp}: network ${net.name} has no IPv6 (create it with --ipv6)`)
    let bindPort = req.hostPort
    if (bindPort === 0) {
      bindPort = facts.ephemeral.first
      while (bindPort <= facts.ephemeral.last && held.some((h) => overlaps(h, { ip: bindIp, port: bindPort, proto: req.proto }))) bindPort++
      if (bindPort > facts.ephemeral.last) throw new UserError(`no free host port for ${req.containerPort}/${req.proto} in ${facts.ephemeral.first}-${facts.ephemeral.last}`)
    } else {
      const holder = held.find((h) => overlaps(h, { ip: bindIp, port: bindPort, proto: req.proto }))
      if (holder) throw new UserError(`Bind for ${shown(bindIp, bindPort, req.proto)} failed: port is already allocated (by ${holder.by})`)
    }
    bindings.push({ ...req, bindIp, bindPort })
    held.push({ ip: bindIp, port: bindPort, proto: req.proto, by: 'another -p of this command' })
  }
  return bindings
}
