/**
 * Each driver's plan, apply, undo and repair against the kernel in memory (fake-kernel.ts):
 * what a bridge network and its endpoints make, that applying twice converges, that a failed
 * step's compensations leave nothing behind, and what restore is told is wrong.
 */
import { describe, expect, it } from 'vitest'
import { decideConnect } from '../../src/core/connect.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideContainerRemove } from '../../src/core/container-remove.js'
import { decideDisconnect } from '../../src/core/disconnect.js'
import { decideNetworkCreate, type NetworkCreateRequest } from '../../src/core/network-create.js'
import { applyEvent } from '../../src/drivers/index.js'
import { UndoStack } from '../../src/drivers/kernel-session.js'
import { driverFor, driverNamed } from '../../src/drivers/registry.js'
import type { NewEvent, StoredEvent } from '../../src/events/types.js'
import { FakeKernel } from './fake-kernel.js'
import { memoryState } from './memory-state.js'

const net = (name: string, more: Partial<NetworkCreateRequest> = {}): NetworkCreateRequest => ({
  name, driver: 'bridge', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [], ...more,
})

/** Decides and applies, as a mutation does; returns the events. */
async function apply(_s: ReturnType<typeof memoryState>, k: FakeKernel, events: StoredEvent[] | NewEvent[]): Promise<void> {
  const undo = new UndoStack()
  for (const e of events) await applyEvent(e, k, undo)
  await k.settle()
}

describe('bridge driver', () => {
  it('a network is a bridge, up, with the gateway address, stamped as ours; forwarding on', async () => {
    const s = memoryState()
    const k = new FakeKernel()
    const events = s.apply((c) => decideNetworkCreate(net('iso', { subnet: '10.9.0.0/24' }), c))
    await apply(s, k, events)
    const bridge = `pb-${(events[0]!.payload as { id: string }).id.slice(0, 12)}`
    expect(k.changes).toEqual([`host: create bridge ${bridge}`, 'host: ip_forward on', `host: address 10.9.0.1/24 on ${bridge}`])
    const link = k.netns(null).links.find((l) => l.name === bridge)!
    expect(link).toMatchObject({ kind: 'bridge', up: true, mtu: 1500, group: k.linkGroup })
    expect(k.firewallDirty).toBe(true)
  })

  it('applying the same events again changes nothing', async () => {
    const s = memoryState()
    const k = new FakeKernel()
    const events = [...s.apply((c) => decideNetworkCreate(net('iso'), c)), ...s.apply((c) => decideContainerCreate({ name: 'c1', network: 'iso', aliases: [] }, c))]
    await apply(s, k, events)
    const made = k.changes.length
    k.ensured.clear()
    await apply(s, k, events.slice(0, 2))
    expect(k.changes.slice(made)).toEqual([])
    // The endpoint's veth is made again from scratch (a leftover host end is replaced): still one pair.
    await apply(s, k, events.slice(2))
    expect(k.netns(null).links.filter((l) => l.kind === 'veth')).toHaveLength(1)
  })

  it('an endpoint is a veth from the bridge into the container: MAC, address, up, default route, IPv6 off', async () => {
    const s = memoryState()
    const k = new FakeKernel()
    await apply(s, k, s.apply((c) => decideNetworkCreate(net('iso', { subnet: '10.9.0.0/24' }), c)))
    const [created, connected] = s.apply((c) => decideContainerCreate({ name: 'c1', network: 'iso', aliases: [] }, c))
    await apply(s, k, [created!, connected!])
    const ep = connected!.payload as { netnsPath: string; hostIfname: string; bridge: string }
    const inside = k.netns(ep.netnsPath)
    const eth0 = inside.links.find((l) => l.name === 'eth0')!
    expect(eth0).toMatchObject({ mac: '02:42:0a:09:00:02', up: true })
    expect(inside.addresses).toEqual([{ index: eth0.index, cidr: '10.9.0.2/24' }])
    expect(inside.routes).toEqual([{ dst: '0.0.0.0/0', gateway: '10.9.0.1', ifindex: eth0.index }])
    expect(inside.ipv6Off).toEqual(new Set(['default']))
    const hostEnd = k.netns(null).links.find((l) => l.name === ep.hostIfname)!
    expect(hostEnd.master).toBe(k.netns(null).links.find((l) => l.name === ep.bridge)!.index)
    expect(hostEnd.group).toBe(k.linkGroup)
  })

  it('a disconnect deletes the veth and moves the default route to the next network', async () => {
    const s = memoryState()
    const k = new FakeKernel()
    await apply(s, k, s.apply((c) => decideNetworkCreate(net('a', { subnet: '10.1.0.0/24' }), c)))
    await apply(s, k, s.apply((c) => decideNetworkCreate(net('b', { subnet: '10.2.0.0/24' }), c)))
    await apply(s, k, s.apply((c) => decideContainerCreate({ name: 'c1', network: 'a', aliases: [] }, c)))
    await apply(s, k, s.apply((c) => decideConnect({ network: 'b', container: 'c1', aliases: [] }, c)))
    const [gone] = s.apply((c) => decideDisconnect({ network: 'a', container: 'c1' }, c))
    await apply(s, k, [gone!])
    const p = gone!.payload as { netnsPath: string; hostIfname: string }
    const inside = k.netns(p.netnsPath)
    expect(inside.links.map((l) => l.name)).toEqual(['lo', 'eth1'])
    expect(inside.routes).toEqual([{ dst: '0.0.0.0/0', gateway: '10.2.0.1', ifindex: inside.links[1]!.index }])
    expect(k.netns(null).links.some((l) => l.name === p.hostIfname)).toBe(false)
  })

  it('undo after a failed later step leaves no veth and no bridge behind', async () => {
    const s = memoryState()
    const k = new FakeKernel()
    const events = [...s.apply((c) => decideNetworkCreate(net('iso'), c)), ...s.apply((c) => decideContainerCreate({ name: 'c1', network: 'iso', aliases: [] }, c))]
    const undo = new UndoStack()
    for (const e of events) await applyEvent(e, k, undo)
    expect(k.netns(null).links.length).toBe(3)
    expect(await undo.unwind()).toEqual([])
    expect(k.netns(null).links.map((l) => l.name)).toEqual(['lo'])
    expect(k.namespaces.size).toBe(1)
  })

  it('rm takes the container namespace; its veth goes with it', async () => {
    const s = memoryState()
    const k = new FakeKernel()
    await apply(s, k, s.apply((c) => decideContainerCreate({ name: 'c1', network: 'bridge', aliases: [] }, c)))
    await apply(s, k, s.apply((c) => decideContainerRemove('c1', c)))
    expect(k.namespaces.size).toBe(1)
    expect(k.netns(null).links.map((l) => l.name)).toEqual(['lo', 'pb0'])
  })

  it('tells restore what is wrong with a network and an endpoint', async () => {
    const s = memoryState()
    const k = new FakeKernel()
    await apply(s, k, s.apply((c) => decideNetworkCreate(net('iso', { subnet: '10.9.0.0/24' }), c)))
    await apply(s, k, s.apply((c) => decideContainerCreate({ name: 'c1', network: 'iso', aliases: [] }, c)))
    const iso = s.state.findNetwork('iso')!
    const [ep] = s.state.endpointsOfNetwork(iso.id)
    const bridge = driverFor('bridge')
    expect(bridge.networkProblem(iso, [], k.observed(null), k.linkGroup)).toBeUndefined()
    const inside = k.observed(s.state.findContainer('c1')!.netnsPath)
    expect(bridge.endpointProblem(ep!, iso, k.observed(null), inside)).toBeUndefined()
    k.netns(null).links.find((l) => l.name === iso.bridge)!.up = false
    k.netns(null).addresses.length = 0
    expect(bridge.networkProblem(iso, [], k.observed(null), k.linkGroup)).toEqual({ device: `bridge ${iso.bridge}`, noun: 'bridge', why: 'set up, add gateway 10.9.0.1/24' })
    await k.host().deleteLink(ep!.hostIfname!)
    expect(bridge.endpointProblem(ep!, iso, k.observed(null), k.observed(s.state.findContainer('c1')!.netnsPath))).toBe('veth missing')
    expect(bridge.hostLinks(iso, [ep!])).toEqual([iso.bridge, ep!.hostIfname])
  })

  it('plans devices and options: a name and MTU from -o, an unknown key refused with the known ones', () => {
    const s = memoryState()
    const [e] = s.apply((c) => decideNetworkCreate(net('db', { options: { 'com.docker.network.bridge.name': 'br-db', 'com.docker.network.driver.mtu': '1400' } }), c))
    expect(e!.payload).toMatchObject({ bridge: 'br-db', mtu: 1400 })
    expect(() => decideNetworkCreate(net('x', { options: { 'com.example.opt': '1' } }), s.ctx)).toThrow(
      'unknown option com.example.opt for driver bridge: it takes com.docker.network.bridge.name, com.docker.network.driver.mtu, com.docker.network.bridge.enable_icc, com.docker.network.bridge.enable_ip_masquerade, com.docker.network.bridge.host_binding_ipv4',
    )
    expect(() => decideNetworkCreate(net('x', { options: { 'com.docker.network.bridge.name': 'br-db' } }), s.ctx)).toThrow('bridge br-db is already used by network db')
    expect(() => decideNetworkCreate(net('x', { options: { 'com.docker.network.bridge.name': 'a name' } }), s.ctx)).toThrow('invalid com.docker.network.bridge.name a name')
  })

  it('contributes its network to the firewall', () => {
    const s = memoryState()
    s.apply((c) => decideNetworkCreate(net('iso', { subnet: '10.9.0.0/24', internal: true }), c))
    const iso = s.state.findNetwork('iso')!
    expect(driverFor('bridge').firewall(iso)).toEqual({ bridge: iso.bridge, subnet: '10.9.0.0/24', subnet6: null, internal: true, masquerade: true })
    s.apply((c) => decideNetworkCreate(net('routed', { subnet: '10.8.0.0/24', options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false' } }), c))
    expect(driverFor('bridge').firewall(s.state.findNetwork('routed')!)).toMatchObject({ masquerade: false })
  })
})

describe('bridge options', () => {
  it('take docker\'s boolean spellings and an IPv4 host binding; anything else is refused naming the option', () => {
    const s = memoryState()
    for (const [key, bad] of [['enable_icc', 'no'], ['enable_ip_masquerade', 'yes'], ['host_binding_ipv4', '10.0.0.300']] as const) {
      const option = `com.docker.network.bridge.${key}`
      expect(() => decideNetworkCreate(net('x', { options: { [option]: bad } }), s.ctx)).toThrow(`invalid ${option} ${bad}`)
    }
    expect(() => s.apply((c) => decideNetworkCreate(net('ok', { options: { 'com.docker.network.bridge.enable_icc': 'False', 'com.docker.network.bridge.host_binding_ipv4': '127.0.0.1' } }), c))).not.toThrow()
  })

  it('with inter-container communication off, every endpoint\'s port is isolated on the bridge, and restore sees it undone', async () => {
    const s = memoryState()
    const k = new FakeKernel()
    await apply(s, k, s.apply((c) => decideNetworkCreate(net('quiet', { subnet: '10.7.0.0/24', options: { 'com.docker.network.bridge.enable_icc': 'false' } }), c)))
    const [created, connected] = s.apply((c) => decideContainerCreate({ name: 'c1', network: 'quiet', aliases: [] }, c))
    expect(connected!.payload).toMatchObject({ driverState: { isolated: 1 } })
    await apply(s, k, [created!, connected!])
    const events = s.state.endpointsOfNetwork(s.state.findNetwork('quiet')!.id)
    const hostIfname = events[0]!.hostIfname!
    expect(k.changes).toContain(`host: isolate ${hostIfname} on`)
    const quiet = s.state.findNetwork('quiet')!
    const inside = () => k.observed(s.state.findContainer('c1')!.netnsPath)
    expect(driverFor('bridge').endpointProblem(events[0]!, quiet, k.observed(null), inside())).toBeUndefined()
    k.netns(null).links.find((l) => l.name === hostIfname)!.isolated = false
    expect(driverFor('bridge').endpointProblem(events[0]!, quiet, k.observed(null), inside())).toBe('port isolation off')
  })
})

describe('host and null drivers', () => {
  it('make nothing in the kernel, have no firewall part and cannot be created again', async () => {
    const s = memoryState()
    const k = new FakeKernel()
    await apply(s, k, s.apply((c) => decideContainerCreate({ name: 'h', network: 'host', aliases: [] }, c)))
    await apply(s, k, s.apply((c) => decideContainerCreate({ name: 'n', network: 'none', aliases: [] }, c)))
    expect(k.changes.filter((c) => !c.includes('netns') && !c.includes('ipv6') && !c.includes('up lo'))).toEqual([])
    for (const name of ['host', 'null'] as const) {
      expect(driverFor(name).firewall(s.state.findNetwork(name === 'null' ? 'none' : name)!)).toBeUndefined()
      expect(() => driverNamed(name)).toThrow(`only one instance of "${name}" network is allowed`)
    }
  })
})
