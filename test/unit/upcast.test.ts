import { describe, expect, it } from 'vitest'
import { PAYLOADS, SCHEMA_VERSIONS, validatePayload } from '../../src/events/schema.js'
import { upcast } from '../../src/events/upcast.js'
import { EVENT_TYPES } from '../../src/events/types.js'

const h = (c: string) => c.repeat(64)

/** One payload of each type as the build before versions wrote it (v1). */
const V1 = {
  NetworkCreated: { id: h('a'), name: 'n1', driver: 'bridge', scope: 'local', created: '2026-11-27T10:00:00.000Z', subnet: '172.18.0.0/16', gateway: '172.18.0.1', ipRange: null, internal: false, attachable: false, builtin: false, bridge: 'pb-aaaaaaaaaaaa', mtu: 1500, labels: {}, options: {} },
  NetworkRemoved: { id: h('a'), name: 'n1', driver: 'bridge', bridge: 'pb-aaaaaaaaaaaa' },
  ContainerCreated: { id: h('b'), name: 'c1', created: '2026-11-27T10:00:00.000Z', hostname: 'bbbbbbbbbbbb', netnsKind: 'own', netnsPath: `/run/patchbay/x/netns/${h('b')}`, netnsInode: null, networkMode: 'n1' },
  ContainerRemoved: { id: h('b'), name: 'c1', netnsKind: 'own', netnsPath: `/run/patchbay/x/netns/${h('b')}` },
  EndpointConnected: { id: h('c'), networkId: h('a'), networkName: 'n1', containerId: h('b'), containerName: 'c1', driver: 'bridge', ifname: 'eth0', hostIfname: 'vethccccccc', bridge: 'pb-aaaaaaaaaaaa', ipv4: '172.18.0.2', prefixLen: 16, gateway: '172.18.0.1', mac: '02:42:ac:12:00:02', mtu: 1500, internal: false, aliases: ['db'], defaultRoute: { gateway: '172.18.0.1', ifname: 'eth0' }, netnsPath: `/run/patchbay/x/netns/${h('b')}` },
  EndpointDisconnected: { id: h('c'), networkId: h('a'), networkName: 'n1', containerId: h('b'), containerName: 'c1', driver: 'bridge', ifname: 'eth0', hostIfname: 'vethccccccc', ipv4: '172.18.0.2', gateway: '172.18.0.1', netnsPath: `/run/patchbay/x/netns/${h('b')}`, defaultRouteMovesTo: null, hadDefaultRoute: true },
  OperationFailed: { command: 'network create', error: 'create bridge x: file exists' },
  HostJoined: { host: 'node1', advertise: '10.99.0.1' },
  HostLeft: { host: 'node1', reason: 'its lease expired' },
}

describe('upcasting', () => {
  it('turns every version-1 payload into one the current schema takes', () => {
    for (const type of EVENT_TYPES) {
      const current = upcast(type, 1, V1[type])
      expect(() => validatePayload(type, current), type).not.toThrow()
    }
  })

  it('leaves a payload of the current version as it is', () => {
    for (const type of EVENT_TYPES) {
      const now = upcast(type, 1, V1[type])
      expect(upcast(type, SCHEMA_VERSIONS[type], now)).toEqual(now)
    }
  })

  it('a v1 disconnect knows no prefix length; a v1 network no driver part', () => {
    expect(upcast('EndpointDisconnected', 1, V1.EndpointDisconnected)).toMatchObject({ prefixLen: null, driverState: null })
    expect(upcast('NetworkCreated', 1, V1.NetworkCreated)).toMatchObject({ driverState: null })
  })

  it('a v1 container published no ports', () => {
    expect(upcast('ContainerCreated', 1, V1.ContainerCreated)).toMatchObject({ ports: [] })
  })

  it('the schema refuses what must never reach a file, a rule or a log line', () => {
    const ep = upcast('EndpointConnected', 1, V1.EndpointConnected)
    const bad: [string, object][] = [
      ['aliases.0', { aliases: ['zz\n6.6.6.6 c1'] }],
      ['containerName', { containerName: 'c1\nx' }],
      ['ipv4', { ipv4: '172.18.0.256' }],
      ['hostIfname', { hostIfname: 'veth with space' }],
      ['netnsPath', { netnsPath: '/run/x\n' }],
      ['mac', { mac: '02:42:ac:12:00' }],
    ]
    for (const [field, change] of bad) expect(() => validatePayload('EndpointConnected', { ...ep, ...change }), field).toThrow(new RegExp(`^invalid EndpointConnected payload: ${field.replace('.', '\\.')} `))
    expect(() => validatePayload('EndpointConnected', { ...ep, extra: 1 })).toThrow(/invalid EndpointConnected payload/)
    expect(Object.keys(PAYLOADS)).toEqual([...EVENT_TYPES])
  })
})
