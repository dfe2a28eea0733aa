/**
 * Event types: immutable, past-tense facts. Each payload carries everything needed to
 * re-apply it to the kernel (no "look it up later"), so replay never depends on the clock,
 * random numbers or the kernel. The payloads' shapes come from src/events/schema.ts (types
 * only here: nothing at run time); this file adds the envelope every stored event has.
 */
import type { InferOutput } from 'valibot'
import type * as S from './schema.js'

export type NetworkCreated = InferOutput<typeof S.NetworkCreated>
export type NetworkRemoved = InferOutput<typeof S.NetworkRemoved>
export type ContainerCreated = InferOutput<typeof S.ContainerCreated>
export type PortBinding = InferOutput<typeof S.PortBinding>
export type ContainerRemoved = InferOutput<typeof S.ContainerRemoved>
export type EndpointConnected = InferOutput<typeof S.EndpointConnected>
export type EndpointDisconnected = InferOutput<typeof S.EndpointDisconnected>
export type OperationFailed = InferOutput<typeof S.OperationFailed>
export type HostJoined = InferOutput<typeof S.HostJoined>
export type HostLeft = InferOutput<typeof S.HostLeft>

export type DriverName = NetworkCreated['driver']
export type NetnsKind = ContainerCreated['netnsKind']
export type DefaultRoute = NonNullable<EndpointConnected['defaultRoute']>
export type DriverState = NetworkCreated['driverState']

export interface EventPayloads {
  NetworkCreated: NetworkCreated
  NetworkRemoved: NetworkRemoved
  ContainerCreated: ContainerCreated
  ContainerRemoved: ContainerRemoved
  EndpointConnected: EndpointConnected
  EndpointDisconnected: EndpointDisconnected
  OperationFailed: OperationFailed
  HostJoined: HostJoined
  HostLeft: HostLeft
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

/** Where an event imported from the cluster was decided: that host, and its place in that host's log. */
export interface Origin {
  host: string
  seq: number
}

/** What projectors need of a stored event: its facts and its place in the log, not who or when. */
export type ProjectableEvent = NewEvent & { seq: number; hash: string }

/** An event as stored in the log, its payload in today's shape (see upcast.ts). */
export type StoredEvent = ProjectableEvent & {
  time: string
  /** The version its payload was written in (SCHEMA_VERSIONS of its day). */
  schema: number
  host: string
  actor: Actor
  /** Set on events imported from another host. */
  origin: Origin | null
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
  'HostJoined',
  'HostLeft',
]
