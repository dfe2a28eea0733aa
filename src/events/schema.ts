/**
 * The one source of every event payload's shape: the TypeScript types (src/events/types.ts
 * infers them from here) and the check every event passes before it is appended or imported
 * from another host. Each type's current version is in SCHEMA_VERSIONS; older versions still
 * in logs are turned into the current shape on read by src/events/upcast.ts (the stored bytes
 * are never rewritten: the hash chain covers them).
 *
 * Loaded only where events are appended (valibot, a few milliseconds): reads never need it.
 */
import * as v from 'valibot'
import { CIDR4, HEX64, IFNAME, IPV4, MAC, NAME, ONE_LINE, PATH, isCidr6, isDnsName, isIpv6 } from './formats.js'

const id = v.pipe(v.string(), v.regex(HEX64, 'must be 64 hex digits'))
const name = v.pipe(v.string(), v.regex(NAME, 'must be a docker name'))
const ifname = v.pipe(v.string(), v.regex(IFNAME, 'must be an interface name'))
const ipv4 = v.pipe(v.string(), v.regex(IPV4, 'must be an IPv4 address'))
const cidr4 = v.pipe(v.string(), v.regex(CIDR4, 'must be an IPv4 CIDR'))
const ipv6 = v.pipe(v.string(), v.check(isIpv6, 'must be an IPv6 address in its canonical form'))
const cidr6 = v.pipe(v.string(), v.check(isCidr6, 'must be an IPv6 CIDR in its canonical form'))
const mac = v.pipe(v.string(), v.regex(MAC, 'must be a MAC address'))
const path = v.pipe(v.string(), v.regex(PATH, 'must be an absolute path on one line'))
const line = v.pipe(v.string(), v.regex(ONE_LINE, 'must be one line'))
const alias = v.pipe(v.string(), v.check(isDnsName, 'must be a DNS name'))
const count = v.pipe(v.number(), v.integer(), v.minValue(0))
const time = v.pipe(v.string(), v.isoTimestamp())
const strings = v.record(v.string(), v.string())
/** A default route: the IPv4 gateway, and the IPv6 one when the network has IPv6. */
const route = v.nullable(v.strictObject({ gateway: ipv4, gateway6: v.nullable(ipv6), ifname }))
const driver = v.picklist(['bridge', 'host', 'null', 'overlay'])

/**
 * What only the network's driver knows (an overlay's VNI and VXLAN device, the tunnel end
 * point of an endpoint): a flat record the driver reads and checks; null for drivers with none.
 */
const driverState = v.nullable(v.record(v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9]*$/)), v.union([line, v.number()])))

export const NetworkCreated = v.strictObject({
  id,
  name,
  driver,
  scope: v.picklist(['local', 'global']),
  created: time,
  subnet: v.nullable(cidr4),
  gateway: v.nullable(ipv4),
  ipRange: v.nullable(cidr4),
  /** IPv6 beside IPv4 (--ipv6): its own subnet, gateway and range. */
  enableIpv6: v.boolean(),
  subnet6: v.nullable(cidr6),
  gateway6: v.nullable(ipv6),
  ipRange6: v.nullable(cidr6),
  internal: v.boolean(),
  attachable: v.boolean(),
  builtin: v.boolean(),
  /** Linux bridge device, for drivers that have one. */
  bridge: v.nullable(ifname),
  mtu: count,
  labels: strings,
  options: strings,
  driverState,
})

export const NetworkRemoved = v.strictObject({ id, name, driver, bridge: v.nullable(ifname), driverState })

const port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535))

/**
 * One published port: what `-p` asked for (host address '' and port 0 when left out, as
 * docker's HostConfig.PortBindings shows them) and what was bound (the address, '0.0.0.0' for
 * every one, and the port, chosen at the decision so that replay binds the same).
 */
export const PortBinding = v.strictObject({
  proto: v.picklist(['tcp', 'udp']),
  containerPort: port,
  hostIp: v.union([v.literal(''), ipv4, ipv6]),
  hostPort: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)),
  bindIp: v.union([ipv4, ipv6]),
  bindPort: port,
})

export const ContainerCreated = v.strictObject({
  id,
  name,
  created: time,
  hostname: name,
  /** How its network namespace came to be. */
  netnsKind: v.picklist(['own', 'path', 'pid', 'host']),
  /** Where the namespace is: our own bind mount, an adopted path, /proc/PID/ns/net, or null for the host. */
  netnsPath: v.nullable(path),
  netnsInode: v.nullable(count),
  networkMode: name,
  /** Its published ports, which belong to the container whatever networks it joins. */
  ports: v.array(PortBinding),
})

export const ContainerRemoved = v.strictObject({ id, name, netnsKind: ContainerCreated.entries.netnsKind, netnsPath: v.nullable(path) })

/** What identifies an endpoint in both its connect and disconnect events. */
const endpointFacts = {
  id,
  networkId: id,
  networkName: name,
  containerId: id,
  containerName: name,
  driver,
  /** Null for host and null networks, which have no interface of their own. */
  ifname: v.nullable(ifname),
  hostIfname: v.nullable(ifname),
  ipv4: v.nullable(ipv4),
  prefixLen: v.nullable(v.pipe(count, v.maxValue(32))),
  gateway: v.nullable(ipv4),
  /** Its IPv6 address, prefix and gateway, on a network with IPv6. */
  ipv6: v.nullable(ipv6),
  prefixLen6: v.nullable(v.pipe(count, v.maxValue(128))),
  gateway6: v.nullable(ipv6),
  /** The netns to configure: recorded so replay needs no lookup. */
  netnsPath: v.nullable(path),
  /** The cluster host holding the endpoint's container, on a network that spans hosts; null on a local one. */
  host: v.nullable(name),
  driverState,
}

export const EndpointConnected = v.strictObject({
  ...endpointFacts,
  bridge: v.nullable(ifname),
  mac: v.nullable(mac),
  mtu: count,
  /** The network's, so a connect that has to recreate the bridge sets it up the same way. */
  internal: v.boolean(),
  aliases: v.array(alias),
  /** Set when this endpoint becomes the container's default route. */
  defaultRoute: route,
})

export const EndpointDisconnected = v.strictObject({
  ...endpointFacts,
  /** The route that replaces this endpoint's default route, if it had one. */
  defaultRouteMovesTo: route,
  /** With gateway, lets a failed disconnect put the default route back. */
  hadDefaultRoute: v.boolean(),
})

export const OperationFailed = v.strictObject({ command: v.string(), error: v.string() })

/** A host of the cluster is up, with the address other hosts reach its endpoints at (its VXLAN tunnel end point). */
export const HostJoined = v.strictObject({ host: name, advertise: ipv4 })

/** A host of the cluster stopped answering (its lease or heartbeat lapsed) or left: its endpoints are unreachable until it joins again. */
export const HostLeft = v.strictObject({ host: name, reason: line })

export const PAYLOADS = { NetworkCreated, NetworkRemoved, ContainerCreated, ContainerRemoved, EndpointConnected, EndpointDisconnected, OperationFailed, HostJoined, HostLeft }

/** The version each type is written in now; src/events/upcast.ts turns every older one into it. */
export const SCHEMA_VERSIONS = {
  NetworkCreated: 3,
  NetworkRemoved: 2,
  ContainerCreated: 2,
  ContainerRemoved: 1,
  EndpointConnected: 3,
  EndpointDisconnected: 3,
  OperationFailed: 1,
  HostJoined: 1,
  HostLeft: 1,
} as const satisfies Record<keyof typeof PAYLOADS, number>

/** Throws when a payload is not exactly of its type's current shape: a field missing, of the wrong form, or one too many. */
export function validatePayload(type: keyof typeof PAYLOADS, payload: unknown): void {
  const schema = PAYLOADS[type]
  if (!schema) throw new Error(`unknown event type ${String(type)}`)
  const result = v.safeParse(schema, payload)
  if (!result.success) {
    const issue = result.issues[0]
    const where = v.getDotPath(issue) ?? '(payload)'
    throw new Error(`invalid ${type} payload: ${where} ${issue.message}, got ${JSON.stringify(issue.input)}`)
  }
}
