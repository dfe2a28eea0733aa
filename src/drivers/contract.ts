import type { DecideContext } from '../core/context.js'
import type { ObservedNetns } from '../kernel/ops.js'
import type { DriverName, DriverState, EndpointConnected, EndpointDisconnected, NetworkCreated, NetworkRemoved } from '../events/types.js'
import type { FirewallNetwork } from '../firewall/ruleset.js'
import type { Cidr } from '../ipam/cidr.js'
import type { KernelOps } from '../kernel/ops.js'
import type { EndpointRow, NetworkRow } from '../projections/queries.js'
import type { UndoStack } from './kernel-session.js'

/** What the driver decides for a new network, written into its NetworkCreated event. */
export interface NetworkPlan {
  /** The Linux bridge its endpoints join, for drivers that have one. */
  bridge: string | null
  mtu: number
  /** What only this driver keeps of the network (an overlay's VNI and VXLAN device). */
  driverState: DriverState
}

/** What a new network asks of its driver: the request and the networks that exist. */
export interface NetworkPlanInput {
  id: string
  options: Record<string, string>
  ctx: DecideContext
}

/** What the driver decides for a new endpoint, written into its EndpointConnected event. */
export interface EndpointPlan {
  /** The host side of the endpoint's veth pair, for drivers that make one. */
  hostIfname: string | null
  /** What only this driver keeps of the endpoint (the tunnel end point other hosts reach it at). */
  driverState: DriverState
}

/** Something restore must rebuild: why, and what to call the device in its report. */
export interface NetworkProblem {
  /** The device as restore names it: `bridge pb0`. */
  device: string
  /** How restore counts it in its summary: `bridge` (2 bridges). */
  noun: string
  why: string
}

/**
 * A network driver, in the spirit of netavark's NetworkDriver and libnetwork's driverapi: the
 * only place that knows what a `bridge`, `host` or `null` network is. The decide functions,
 * the effects runner, restore and the firewall ask it; none of them tests a driver's name.
 * Kernel methods have ensure semantics: applying the same event twice, or over a half-done
 * attempt, converges; each step pushes its compensation onto `undo` before the next runs.
 */
export interface NetworkDriver {
  readonly name: DriverName
  /** local: its networks live on this host; global: on every host of a cluster. */
  readonly scope: 'local' | 'global'
  /** The `-o` keys it takes, each with what it does; any other key is refused. */
  readonly options: Readonly<Record<string, string>>
  /** Users may create networks of it (host and null have their one builtin network only). */
  readonly userCreatable: boolean
  /** Its endpoints get an interface, an address, a MAC and possibly the default route. */
  readonly addressed: boolean
  /** Its endpoints share the host's namespace (the host driver): only a container made on it joins. */
  readonly sharesHost: boolean
  /** The longest prefix a subnet of its networks may have (a bridge needs a /30: gateway and one address). */
  readonly maxPrefixLen: number
  /** Whether its networks may have IPv6 beside IPv4 (--ipv6). */
  readonly dualStack: boolean
  /** Where a network without --subnet gets one: the first of these that overlaps nothing in use. */
  pools(): Cidr[]

  /** Devices and MTU of a new network, from its options; refuses bad options (UserError). */
  planNetwork(input: NetworkPlanInput): NetworkPlan
  /** Devices of a new endpoint on `net`; the id is the endpoint's. */
  planEndpoint(net: NetworkRow, endpointId: string, ctx: DecideContext): EndpointPlan

  createNetwork(p: NetworkCreated, k: KernelOps, undo: UndoStack): Promise<void>
  removeNetwork(p: NetworkRemoved, k: KernelOps, undo: UndoStack): Promise<void>
  connect(p: EndpointConnected, k: KernelOps, undo: UndoStack): Promise<void>
  disconnect(p: EndpointDisconnected, k: KernelOps, undo: UndoStack): Promise<void>

  /**
   * For restore: what is wrong with the network's own devices, or undefined when they are
   * whole (or it needs none here). `local`: the network's endpoints on this host.
   */
  networkProblem(net: NetworkRow, local: EndpointRow[], host: ObservedNetns, linkGroup: number): NetworkProblem | undefined
  /** For restore: makes the network's devices whole again (as networkProblem found them). */
  repairNetwork(net: NetworkRow, local: EndpointRow[], k: KernelOps): Promise<void>
  /** For restore: why the endpoint must be built again, or undefined when its links are whole. */
  endpointProblem(ep: EndpointRow, net: NetworkRow, host: ObservedNetns, inside: ObservedNetns): string | undefined
  /** The host links restore keeps for this network and its endpoints (anything else stamped as ours goes). */
  hostLinks(net: NetworkRow, endpoints: EndpointRow[]): string[]
  /** The network's part of the firewall (isolation, masquerading), or undefined when it has none. */
  firewall(net: NetworkRow): FirewallNetwork | undefined

  /**
   * An endpoint of one of its networks on another host appeared, or went: program (or withdraw)
   * what reaches it from here. Nothing to do for local drivers; FDB and neighbour entries for
   * a VXLAN overlay. Ensure semantics: joining twice converges, leaving what is gone is fine.
   */
  joinRemote(net: NetworkRow, peer: RemotePeer, k: KernelOps): Promise<void>
  leaveRemote(net: NetworkRow, peer: RemotePeer, k: KernelOps): Promise<void>
  /**
   * The remote peers this host's kernel holds for the network now (none when it has no device
   * for them here): what the effects runner, restore and the daemon's repair loop compare with
   * the peers the log says there are.
   */
  programmedPeers(net: NetworkRow, k: KernelOps): Promise<RemotePeer[]>
  /** What this host's kernel must know of an endpoint another host holds (drivers of networks spanning hosts). */
  peerOf?(ep: Pick<EndpointRow, 'mac' | 'ipv4' | 'driverState'>): RemotePeer | undefined
}

/** An endpoint another host holds, as far as this host's kernel must know it. */
export interface RemotePeer {
  mac: string
  ipv4: string
  /** The address of the host that holds it (its VXLAN tunnel end point). */
  vtep: string
}
