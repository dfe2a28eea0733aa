import type { EventPayloads, EventType } from './types.js'

type Raw = Record<string, unknown>

/**
 * Every payload version ever written, turned into the next one: an event read from the log
 * is lifted step by step to today's shape (SCHEMA_VERSIONS in schema.ts), so everything past
 * the store sees one shape only, while the stored bytes stay as the hash chain covers them.
 * Pure and cheap: a replay of a million old events goes through here.
 */
/** v3 of an endpoint event: IPv6 beside IPv4, none before. */
const noIpv6 = (p: Raw) => ({ ...p, ipv6: null, prefixLen6: null, gateway6: null })
const route3 = (r: unknown) => (r === null ? null : { ...(r as Raw), gateway6: null })

const STEPS: { [T in EventType]?: Record<number, (p: Raw) => Raw> } = {
  // v2 added the driver's own part (an overlay's VNI, say): none for what v1 could hold.
  // v3 added IPv6 (--ipv6): off before.
  NetworkCreated: { 1: (p) => ({ ...p, driverState: null }), 2: (p) => ({ ...p, enableIpv6: false, subnet6: null, gateway6: null, ipRange6: null }) },
  NetworkRemoved: { 1: (p) => ({ ...p, driverState: null }) },
  // v2 added published ports: v1 had none.
  ContainerCreated: { 1: (p) => ({ ...p, ports: [] }) },
  // v2 also names the host holding an endpoint (networks spanning hosts): v1's were all local.
  EndpointConnected: { 1: (p) => ({ ...p, host: null, driverState: null }), 2: (p) => ({ ...noIpv6(p), defaultRoute: route3(p.defaultRoute) }) },
  // v2 also records the prefix length, as the connect does; v1 did not know it.
  EndpointDisconnected: {
    1: (p) => ({ ...p, prefixLen: null, host: null, driverState: null }),
    2: (p) => ({ ...noIpv6(p), defaultRouteMovesTo: route3(p.defaultRouteMovesTo) }),
  },
}

/** The payload of a `type` event written in `version`, in today's shape. */
export function upcast<T extends EventType>(type: T, version: number, payload: Raw): EventPayloads[T] {
  const steps = STEPS[type]
  let p = payload
  for (let at = version; steps?.[at]; at++) p = steps[at]!(p)
  return p as unknown as EventPayloads[T]
}
