import { describe, expect, it } from 'vitest'
import { decideConnect } from '../../src/core/connect.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideContainerRemove } from '../../src/core/container-remove.js'
import { decideDisconnect } from '../../src/core/disconnect.js'
import { decideNetworkCreate, type NetworkCreateRequest } from '../../src/core/network-create.js'
import { decideNetworkRemove } from '../../src/core/network-remove.js'
import type { EndpointConnected, EndpointDisconnected, NetworkCreated } from '../../src/events/types.js'
import { memoryState } from './memory-state.js'

const net = (name: string, more: Partial<NetworkCreateRequest> = {}): NetworkCreateRequest => ({
  name, driver: 'bridge', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [], ...more,
})
const run = (name: string, network = 'bridge', more: { ip?: string; aliases?: string[] } = {}) => ({ name, network, aliases: [], ...more })

describe('network create', () => {
  it('takes the first free default pool, gateway .1, bridge pb-<12 hex>', () => {
    const s = memoryState()
    const [e] = s.apply((c) => decideNetworkCreate(net('isolated_nw'), c))
    const p = e.payload as NetworkCreated
    expect(p).toMatchObject({ subnet: '172.18.0.0/16', gateway: '172.18.0.1', driver: 'bridge', scope: 'local' })
    expect(p.bridge).toBe(`pb-${p.id.slice(0, 12)}`)
    const [e2] = s.apply((c) => decideNetworkCreate(net('second'), c))
    expect((e2.payload as NetworkCreated).subnet).toBe('172.19.0.0/16')
  })

  it('avoids subnets used by host routes', () => {
    const s = memoryState()
    const [e] = s.apply((c) => decideNetworkCreate(net('n', { hostRoutes: ['172.18.4.0/24', '0.0.0.0/0'] }), c))
    expect((e.payload as NetworkCreated).subnet).toBe('172.19.0.0/16')
  })

  it('honours --subnet, --gateway, --ip-range, --internal, labels and options', () => {
    const s = memoryState()
    const [e] = s.apply((c) =>
      decideNetworkCreate(net('db', { subnet: '10.10.0.0/16', gateway: '10.10.0.254', ipRange: '10.10.5.0/24', internal: true, labels: { a: 'b' }, options: { 'com.docker.network.bridge.name': 'br-db', 'com.docker.network.driver.mtu': '1400' } }), c),
    )
    expect(e.payload).toMatchObject({ subnet: '10.10.0.0/16', gateway: '10.10.0.254', ipRange: '10.10.5.0/24', internal: true, bridge: 'br-db', mtu: 1400, labels: { a: 'b' } })
  })

  it.each([
    [net('bridge'), 'network with name bridge already exists'],
    [net('-bad'), 'invalid network name "-bad"'],
    [net('a b'), 'invalid network name "a b"'],
    [net('x', { subnet: '10.0.0.0/33' }), 'invalid CIDR address: 10.0.0.0/33'],
    [net('x', { subnet: 'nonsense' }), 'invalid CIDR address: nonsense'],
    [net('x', { subnet: '10.0.0.1/24' }), 'host bits are set'],
    [net('x', { subnet: '10.0.0.0/24', gateway: '10.0.1.1' }), 'no matching subnet for gateway 10.0.1.1'],
    [net('x', { subnet: '172.17.5.0/24' }), 'Pool overlaps with other one on this address space (network bridge uses 172.17.0.0/16)'],
    [net('x', { driver: 'host' }), 'only one instance of "host" network is allowed'],
    [net('x', { driver: 'weave' }), 'plugin "weave" not found'],
    [net('x', { gateway: '10.0.0.1' }), '--gateway needs --subnet'],
  ])('refuses %j', (req, message) => {
    const s = memoryState()
    expect(() => decideNetworkCreate(req, s.ctx)).toThrow(message)
  })

  it('reports exhaustion of the default pools', () => {
    const s = memoryState()
    for (let i = 0; i < 30; i++) s.apply((c) => decideNetworkCreate(net(`n${i}`), c))
    expect(() => decideNetworkCreate(net('one-too-many'), s.ctx)).toThrow('could not find an available, non-overlapping IPv4 address pool')
  })
})

describe('containers and endpoints', () => {
  it('replays the seed: addresses, MACs, eth numbering, default route', () => {
    const s = memoryState()
    const c1 = s.apply((c) => decideContainerCreate(run('container1'), c))[1].payload as EndpointConnected
    const c2 = s.apply((c) => decideContainerCreate(run('container2'), c))[1].payload as EndpointConnected
    expect([c1.ipv4, c1.mac, c1.ifname, c1.prefixLen]).toEqual(['172.17.0.2', '02:42:ac:11:00:02', 'eth0', 16])
    expect([c2.ipv4, c2.mac]).toEqual(['172.17.0.3', '02:42:ac:11:00:03'])
    expect(c1.defaultRoute).toEqual({ gateway: '172.17.0.1', gateway6: null, ifname: 'eth0' })
    s.apply((c) => decideNetworkCreate(net('isolated_nw'), c))
    const c3 = s.apply((c) => decideContainerCreate(run('container3', 'isolated_nw'), c))[1].payload as EndpointConnected
    expect([c3.ipv4, c3.mac]).toEqual(['172.18.0.2', '02:42:ac:12:00:02'])
    const e = s.apply((c) => decideConnect({ network: 'isolated_nw', container: 'container2', aliases: [] }, c))[0].payload as EndpointConnected
    expect([e.ifname, e.ipv4, e.defaultRoute]).toEqual(['eth1', '172.18.0.3', null])
    expect(s.state.endpointsOfContainer(c2.containerId).map((x) => x.ifname)).toEqual(['eth0', 'eth1'])
  })

  it('refuses what docker refuses, with docker words', () => {
    const s = memoryState()
    s.apply((c) => decideContainerCreate(run('container1'), c))
    s.apply((c) => decideNetworkCreate(net('isolated_nw', { subnet: '10.30.0.0/30' }), c))
    expect(() => decideContainerCreate(run('container1'), s.ctx)).toThrow('Conflict. The container name "/container1" is already in use')
    expect(() => decideContainerCreate(run('x'), s.ctx)).not.toThrow()
    expect(() => decideConnect({ network: 'bridge', container: 'container1', aliases: [] }, s.ctx)).toThrow('endpoint with name container1 already exists in network bridge')
    expect(() => decideConnect({ network: 'nope', container: 'container1', aliases: [] }, s.ctx)).toThrow('network nope not found')
    expect(() => decideConnect({ network: 'bridge', container: 'nope', aliases: [] }, s.ctx)).toThrow('No such container: nope')
    expect(() => decideDisconnect({ network: 'isolated_nw', container: 'container1' }, s.ctx)).toThrow('container container1 is not connected to network isolated_nw')
    expect(() => decideConnect({ network: 'isolated_nw', container: 'container1', ip: '10.31.0.2', aliases: [] }, s.ctx)).toThrow("does not belong to network isolated_nw's subnet")
    expect(() => decideConnect({ network: 'isolated_nw', container: 'container1', ip: '10.30.0.1', aliases: [] }, s.ctx)).toThrow('Address already in use')
    s.apply((c) => decideContainerCreate(run('nonet', 'none'), c))
    s.apply((c) => decideDisconnect({ network: 'none', container: 'nonet' }, c))
    expect(() => decideConnect({ network: 'bridge', container: 'nonet', ip: '172.17.0.9', aliases: [] }, s.ctx)).toThrow('user specified IP address is supported on user defined networks only')
    s.apply((c) => decideConnect({ network: 'isolated_nw', container: 'container1', aliases: [] }, c))
    s.apply((c) => decideContainerCreate(run('container2'), c))
    expect(() => decideConnect({ network: 'isolated_nw', container: 'container2', aliases: [] }, s.ctx)).toThrow('no available IPv4 addresses on network isolated_nw')
    expect(() => decideNetworkRemove('isolated_nw', s.ctx)).toThrow('network isolated_nw has active endpoints')
    expect(() => decideNetworkRemove('bridge', s.ctx)).toThrow('bridge is a pre-defined network and cannot be removed')
  })

  it('keeps host and none containers off other networks', () => {
    const s = memoryState()
    const [created] = s.apply((c) => decideContainerCreate(run('h', 'host'), c))
    expect(created.payload).toMatchObject({ netnsKind: 'host', netnsPath: null })
    s.apply((c) => decideContainerCreate(run('n', 'none'), c))
    expect(() => decideConnect({ network: 'bridge', container: 'h', aliases: [] }, s.ctx)).toThrow('host network')
    expect(() => decideConnect({ network: 'bridge', container: 'n', aliases: [] }, s.ctx)).toThrow('private (none) mode')
    s.apply((c) => decideContainerCreate(run('b'), c))
    expect(() => decideConnect({ network: 'host', container: 'b', aliases: [] }, s.ctx)).toThrow('host network')
  })

  it('moves the default route when its network is disconnected', () => {
    const s = memoryState()
    s.apply((c) => decideNetworkCreate(net('second'), c))
    s.apply((c) => decideContainerCreate(run('c'), c))
    s.apply((c) => decideConnect({ network: 'second', container: 'c', aliases: [] }, c))
    const [e] = s.apply((c) => decideDisconnect({ network: 'bridge', container: 'c' }, c))
    expect((e.payload as EndpointDisconnected).defaultRouteMovesTo).toEqual({ gateway: '172.18.0.1', gateway6: null, ifname: 'eth1' })
    expect(s.state.endpointsOfContainer((e.payload as EndpointDisconnected).containerId)[0].defaultRoute).toBe(true)
    // eth0 is free again: the next connect takes it, as the lowest unused name.
    const [again] = s.apply((c) => decideConnect({ network: 'bridge', container: 'c', aliases: [] }, c))
    expect((again.payload as EndpointConnected).ifname).toBe('eth0')
  })

  it('removing a container disconnects every endpoint first, then lets the network go', () => {
    const s = memoryState()
    s.apply((c) => decideNetworkCreate(net('isolated_nw'), c))
    s.apply((c) => decideContainerCreate(run('c', 'isolated_nw'), c))
    s.apply((c) => decideConnect({ network: 'bridge', container: 'c', aliases: [] }, c))
    const events = s.apply((c) => decideContainerRemove('c', c))
    expect(events.map((e) => e.type)).toEqual(['EndpointDisconnected', 'EndpointDisconnected', 'ContainerRemoved'])
    expect(s.apply((c) => decideNetworkRemove('isolated_nw', c)).map((e) => e.type)).toEqual(['NetworkRemoved'])
  })
})
