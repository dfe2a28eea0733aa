import type { EventType } from './types.js'

type Field = 'str' | 'str?' | 'num' | 'num?' | 'bool' | 'map' | 'list' | 'route?'

const hex64 = /^[0-9a-f]{64}$/

/** The fields each payload must have; checked on every append so a bug cannot poison the log. */
const SCHEMAS: Record<EventType, Record<string, Field>> = {
  NetworkCreated: {
    id: 'str', name: 'str', driver: 'str', scope: 'str', created: 'str', subnet: 'str?', gateway: 'str?',
    ipRange: 'str?', internal: 'bool', attachable: 'bool', builtin: 'bool', bridge: 'str?', mtu: 'num',
    labels: 'map', options: 'map',
  },
  NetworkRemoved: { id: 'str', name: 'str', driver: 'str', bridge: 'str?' },
  ContainerCreated: {
    id: 'str', name: 'str', created: 'str', hostname: 'str', netnsKind: 'str', netnsPath: 'str?',
    netnsInode: 'num?', networkMode: 'str',
  },
  ContainerRemoved: { id: 'str', name: 'str', netnsKind: 'str', netnsPath: 'str?' },
  EndpointConnected: {
    id: 'str', networkId: 'str', networkName: 'str', containerId: 'str', containerName: 'str', driver: 'str',
    ifname: 'str?', hostIfname: 'str?', bridge: 'str?', ipv4: 'str?', prefixLen: 'num?', gateway: 'str?',
    mac: 'str?', mtu: 'num', internal: 'bool', aliases: 'list', defaultRoute: 'route?', netnsPath: 'str?',
  },
  EndpointDisconnected: {
    id: 'str', networkId: 'str', networkName: 'str', containerId: 'str', containerName: 'str', driver: 'str',
    ifname: 'str?', hostIfname: 'str?', ipv4: 'str?', gateway: 'str?', netnsPath: 'str?', defaultRouteMovesTo: 'route?', hadDefaultRoute: 'bool',
  },
  OperationFailed: { command: 'str', error: 'str' },
}

const ID_FIELDS = new Set(['id', 'networkId', 'containerId'])

function fits(kind: Field, v: unknown): boolean {
  const optional = kind.endsWith('?')
  if (optional && v === null) return true
  switch (kind.replace('?', '')) {
    case 'str':
      return typeof v === 'string'
    case 'num':
      return typeof v === 'number' && Number.isFinite(v)
    case 'bool':
      return typeof v === 'boolean'
    case 'map':
      return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
    case 'list':
      return Array.isArray(v) && v.every((x) => typeof x === 'string')
    case 'route': {
      const r = v as { gateway?: unknown; ifname?: unknown }
      return typeof v === 'object' && v !== null && typeof r.gateway === 'string' && typeof r.ifname === 'string'
    }
  }
  return false
}

/** Throws when a payload lacks a field, has one of the wrong type, or has one not in its schema. */
export function validatePayload(type: EventType, payload: object): void {
  const schema = SCHEMAS[type]
  if (!schema) throw new Error(`unknown event type ${type}`)
  for (const [key, kind] of Object.entries(schema)) {
    const v = (payload as Record<string, unknown>)[key]
    if (!fits(kind, v)) throw new Error(`invalid ${type} payload: ${key} must be ${kind}, got ${JSON.stringify(v)}`)
    if (ID_FIELDS.has(key) && type !== 'OperationFailed' && !hex64.test(v as string)) {
      throw new Error(`invalid ${type} payload: ${key} must be 64 hex digits`)
    }
  }
  for (const key of Object.keys(payload)) {
    if (!(key in schema)) throw new Error(`invalid ${type} payload: unexpected field ${key}`)
  }
}
