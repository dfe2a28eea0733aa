/**
 * Event types: immutable, past-tense facts. Each payload carries everything needed to
 * re-apply it to the kernel (no "look it up later"), so replay never depends on the clock,
 * random numbers or the kernel.
 */

export interface NetworkCreated {
  id: string
  name: string
  driver: DriverName
  scope: 'local' | 'global'
  created: string
  subnet: string | null
  gateway: string | null
  ipRange: string | null
  internal: boolean
  attachable: boolean
  builtin: boolean
  /** Linux bridge device, for bridge networks. */
  bridge: string | null
  mtu: number
  labels: Record<string, string>
  options: Record<string, string>
}

export type DriverName = 'bridge' | 'host' | 'null'

export interface NetworkRemoved {
  id: string
  name: string
  driver: DriverName
  bridge: string | null
}

/** How a container's network namespace came to be. */
export type NetnsKind = 'own' | 'path' | 'pid' | 'host'

export interface ContainerCreated {
  id: string
  name: string
  created: string
  hostname: string
  netnsKind: NetnsKind
  /** Where the namespace is: our own bind mount, an adopted path, /proc/PID/ns/net, or null for the host. */
  netnsPath: string | null
  netnsInode: number | null
  networkMode: string
}

export interface ContainerRemoved {
  id: string
  name: string
  netnsKind: NetnsKind
  netnsPath: string | null
}

export interface DefaultRoute {
  gateway: string
  ifname: string
}

/** What identifies an endpoint in both its connect and disconnect events. */
interface EndpointFacts {
  id: string
  networkId: string
  networkName: string
  containerId: string
  containerName: string
  driver: DriverName
  /** Null for host and null networks, which have no interface of their own. */
  ifname: string | null
  hostIfname: string | null
  ipv4: string | null
  gateway: string | null
  /** The netns to configure: recorded so replay needs no lookup. */
  netnsPath: string | null
}

export interface EndpointConnected extends EndpointFacts {
  bridge: string | null
  prefixLen: number | null
  mac: string | null
  mtu: number
  /** The network's, so a connect that has to recreate the bridge sets it up the same way. */
  internal: boolean
  aliases: string[]
  /** Set when this endpoint becomes the container's default route. */
  defaultRoute: DefaultRoute | null
}

export interface EndpointDisconnected extends EndpointFacts {
  /** The route that replaces this endpoint's default route, if it had one. */
  defaultRouteMovesTo: DefaultRoute | null
  /** With gateway, lets a failed disconnect put the default route back. */
  hadDefaultRoute: boolean
}

export interface OperationFailed {
  command: string
  error: string
}

export interface EventPayloads {
  NetworkCreated: NetworkCreated
  NetworkRemoved: NetworkRemoved
  ContainerCreated: ContainerCreated
  ContainerRemoved: ContainerRemoved
  EndpointConnected: EndpointConnected
  EndpointDisconnected: EndpointDisconnected
  OperationFailed: OperationFailed
}

export type EventType = keyof EventPayloads

/** An event as decided, before it is stored. */
export type NewEvent = { [T in EventType]: { type: T; payload: EventPayloads[T] } }[EventType]

export interface Actor {
  uid: number
  user: string
  sudoUser: string | null
  pid: number
  argv: string[]
}

/** What projectors need of a stored event: its facts and its place in the log, not who or when. */
export type ProjectableEvent = NewEvent & { seq: number; hash: string }

/** An event as stored in the log. */
export type StoredEvent = ProjectableEvent & {
  time: string
  host: string
  actor: Actor
  prevHash: string
}

export const EVENT_TYPES: readonly EventType[] = [
  'NetworkCreated',
  'NetworkRemoved',
  'ContainerCreated',
  'ContainerRemoved',
  'EndpointConnected',
  'EndpointDisconnected',
  'OperationFailed',
]
