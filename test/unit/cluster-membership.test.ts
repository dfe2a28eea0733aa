import { describe, expect, it } from 'vitest'
import { decideHostJoined, decideHostLeft, decideOrphanDisconnects } from '../../src/core/cluster-membership.js'
import { isGlobal } from '../../src/cluster/stream.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { memoryState } from './memory-state.js'

const cluster = { host: 'h1', advertise: '10.99.0.1', otherHosts: [{ name: 'h2', networks: [{ name: 'theirs', subnet: '10.0.0.0/24' }] }] }
const net = (name: string, driver: string, more = {}) => ({ name, driver, internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [], ...more })

describe('hosts of a cluster in the log', () => {
  it('a host joins once, leaves once, and joins again at its new address', () => {
    const s = memoryState()
    expect(s.apply((c) => decideHostJoined('h2', '10.99.0.2', c))).toHaveLength(1)
    expect(decideHostJoined('h2', '10.99.0.2', s.ctx)).toEqual([])
    expect(s.state.hosts()).toEqual([{ name: 'h2', advertise: '10.99.0.2', up: true }])
    expect(s.apply((c) => decideHostLeft('h2', 'no heartbeat for 8 s', c))).toHaveLength(1)
    expect(decideHostLeft('h2', 'again', s.ctx)).toEqual([])
    expect(s.state.hosts()).toEqual([{ name: 'h2', advertise: '10.99.0.2', up: false }])
    s.apply((c) => decideHostJoined('h2', '10.99.0.9', c))
    expect(s.state.hosts()).toEqual([{ name: 'h2', advertise: '10.99.0.9', up: true }])
  })
})

describe('which events go to the cluster stream', () => {
  it('an overlay network and its endpoints do; a bridge network, containers and failures do not', () => {
    const s = memoryState()
    const ctx = { ...s.ctx, cluster }
    const overlay = decideNetworkCreate(net('multi', 'overlay'), ctx)
    expect(overlay.map((e) => isGlobal(e, s.state))).toEqual([true])
    s.append(overlay)
    const run = decideContainerCreate({ name: 'c1', network: 'multi', aliases: [] }, ctx)
    expect(run.map((e) => [e.type, isGlobal(e, s.state)])).toEqual([['ContainerCreated', false], ['EndpointConnected', true]])
    expect(decideNetworkCreate(net('local', 'bridge'), ctx).map((e) => isGlobal(e, s.state))).toEqual([false])
    expect(isGlobal({ type: 'HostLeft', payload: { host: 'h2', reason: 'x' } }, s.state)).toBe(true)
  })

  it('a network spanning hosts takes neither the name nor the subnet of another host local network', () => {
    const s = memoryState()
    const ctx = { ...s.ctx, cluster }
    expect(() => decideNetworkCreate(net('theirs', 'overlay'), ctx)).toThrow('network with name theirs already exists on host h2')
    expect(() => decideNetworkCreate(net('x', 'overlay', { subnet: '10.0.0.0/16' }), ctx)).toThrow('(network theirs of host h2 uses 10.0.0.0/24)')
    const [created] = decideNetworkCreate(net('x', 'overlay'), ctx)
    expect(created!.payload).toMatchObject({ subnet: '10.0.1.0/24', scope: 'global' })
  })
})

describe('claims that landed after their command gave up', () => {
  it("an endpoint this host holds without its container is disconnected; other hosts' and kept containers' are not", () => {
    const s = memoryState()
    const ctx = { ...s.ctx, cluster }
    s.append(decideNetworkCreate(net('multi', 'overlay'), ctx))
    s.append(decideContainerCreate({ name: 'kept', network: 'multi', aliases: [] }, ctx))
    // The run rolled back here: only its global event, the endpoint, reached the log (through the stream).
    const rolledBack = decideContainerCreate({ name: 'ghost', network: 'multi', aliases: [] }, ctx)
    s.append(rolledBack.filter((e) => e.type === 'EndpointConnected'))
    const theirs = decideContainerCreate({ name: 'remote', network: 'multi', aliases: [] }, { ...ctx, cluster: { ...cluster, host: 'h2' } })
    s.append(theirs.filter((e) => e.type === 'EndpointConnected'))
    const undo = decideOrphanDisconnects('h1', s.ctx)
    expect(undo.map((e) => [e.type, (e.payload as { containerName: string }).containerName])).toEqual([['EndpointDisconnected', 'ghost']])
    s.append(undo)
    expect(s.state.endpoints().map((e) => e.containerName)).toEqual(['kept', 'remote'])
    expect(decideOrphanDisconnects('h1', s.ctx)).toEqual([])
  })
})
