import type { EventPayloads, EventType } from './types.js'

type Raw = Record<string, unknown>

/**
 * Every payload version ever written, turned into the next one: an event read from the log
 * is lifted step by step to today's shape (SCHEMA_VERSIONS in schema.ts), so everything past
 * the store sees one shape only, while the stored bytes stay as the hash chain covers them.
 * Pure and cheap: a replay of a million old events goes through here.
 */
const STEPS: { [T in EventType]?: Record<number, (p: Raw) => Raw> } = {
  // v2 added the driver's own part (an overlay's VNI, say): none for what v1 could hold.
  NetworkCreated: { 1: (p) => ({ ...p, driverState: null }) },
  NetworkRemoved: { 1: (p) => ({ ...p, driverState: null }) },
  // v2 also names the host holding an endpoint (networks spanning hosts): v1's were all local.
  EndpointConnected: { 1: (p) => ({ ...p, host: null, driverState: null }) },
  // v2 also records the prefix length, as the connect does; v1 did not know it.
  EndpointDisconnected: { 1: (p) => ({ ...p, prefixLen: null, host: null, driverState: null }) },
}

/** The payload of a `type` event written in `version`, in today's shape. */
export function upcast<T extends EventType>(type: T, version: number, payload: Raw): EventPayloads[T] {
  const steps = STEPS[type]
  let p = payload
  for (let at = version; steps?.[at]; at++) p = steps[at]!(p)
  return p as unknown as EventPayloads[T]
}
