/**
 * The overlay driver against the kernel in memory (fake-kernel.ts): what a network and its
 * endpoints plan, what a local endpoint builds (bridge, VXLAN device, veth), how the remote
 * peers are programmed on the VXLAN device, and what restore is told and repairs.
 */
import { describe, expect, it } from 'vitest'
import type { ClusterFacts } from '../../src/core/context.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideDisconnect } from '../../src/core/disconnect.js'
import { decideNetworkCreate, type NetworkCreateRequest } from '../../src/core/network-create.js'
import { decideNetworkRemove } from '../../src/core/network-remove.js'
import type { RemotePeer } from '../../src/drivers/contract.js'
import { applyEvent } from '../../src/drivers/index.js'
import { UndoStack } from '../../src/drivers/kernel-session.js'
import { driverFor, driverNamed } from '../../src/drivers/registry.js'
import type { EndpointConnected, NetworkCreated, NewEvent, StoredEvent } from '../../src/events/types.js'
import { formatCidr } from '../../src/ipam/cidr.js'
import type { EndpointRow } from '../../src/projections/queries.js'
import { FakeKernel } from './fake-kernel.js'
import { memoryState } from './memory-state.js'

const overlay = driverFor('overlay')
const CLUSTER: ClusterFacts = { host: 'h1', advertise: '10.98.0.1', otherHosts: [] }
const VNI_OPTION = 'com.docker.network.driver.overlay.vxlanid_list'

const net = (name: string, more: Partial<NetworkCreateRequest> = {}): NetworkCreateRequest => ({
  name, driver: 'overlay', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [], ...more,
})

/** A state whose host is h1 of a cluster. */
function clustered() {
  const s = memoryState()
  s.ctx.cluster = CLUSTER
  return s
}

async function apply(k: FakeKernel, events: StoredEvent[] | NewEvent[]): Promise<void> {
  const undo = new UndoStack()
  for (const e of events) await applyEvent(e, k, undo)
  await k.settle()
}

/** An overlay network with one local container on it, applied to `k`. */
async function withLocalEndpoint(s: ReturnType<typeof clustered>, k: FakeKernel, subnet = '10.0.9.0/24') {
  await apply(k, s.apply((c) => decideNetworkCreate(net('ov', { subnet }), c)))
  const events = s.apply((c) => decideContainerCreate({ name: 'c1', network: 'ov', aliases: [] }, c))
  await apply(k, events)
  const connected = events[1]
  return { ov: s.state.findNetwork('ov')!, ep: connected!.payload as EndpointConnected }
}

const peer: RemotePeer = { mac: '02:42:0a:00:09:07', ipv4: '10.0.9.7', vtep: '10.98.0.2' }

describe('overlay driver: planning', () => {
  it('refuses without a cluster, naming the flags that make one', () => {
    const s = memoryState()
    expect(() => decideNetworkCreate(net('ov'), s.ctx)).toThrow(
      'driver "overlay" needs a cluster store: start patchbay daemon --cluster-store consul://HOST:PORT (or etcd://HOST:PORT) --cluster-advertise ADDR on this host',
    )
    expect(driverNamed('overlay')).toBe(overlay)
  })

  it('a network: global, bridge pb-<12 hex>, MTU 1450, the lowest free VNI from 256 and its VXLAN device, a /24 of 10.0.0.0/8', () => {
    const s = clustered()
    const [a] = s.apply((c) => decideNetworkCreate(net('a'), c))
    const p = a!.payload as NetworkCreated
    expect(p).toMatchObject({ driver: 'overlay', scope: 'global', subnet: '10.0.0.0/24', gateway: '10.0.0.1', bridge: `pb-${p.id.slice(0, 12)}`, mtu: 1450 })
    expect(p.driverState).toEqual({ vni: 256, vxlan: 'pbvx-256' })
    const [b] = s.apply((c) => decideNetworkCreate(net('b', { options: { 'com.docker.network.driver.mtu': '1400' } }), c))
    expect(b!.payload).toMatchObject({ subnet: '10.0.1.0/24', mtu: 1400, driverState: { vni: 257, vxlan: 'pbvx-257' } })
    s.apply((c) => decideNetworkCreate(net('x', { options: { [VNI_OPTION]: '258' } }), c))
    s.apply((c) => decideNetworkCreate(net('y', { options: { [VNI_OPTION]: '16777215' } }), c))
    expect(s.state.findNetwork('y')!.driverState).toEqual({ vni: 16777215, vxlan: 'pbvx-16777215' })
    expect(s.apply((c) => decideNetworkCreate(net('c'), c))[0]!.payload).toMatchObject({ driverState: { vni: 259 } })
    // A removed network's VNI is free again, and the lowest.
    s.apply((c) => decideNetworkRemove('a', c))
    expect(s.apply((c) => decideNetworkCreate(net('d'), c))[0]!.payload).toMatchObject({ driverState: { vni: 256 } })
  })

  it('refuses a VNI in use, out of range or not a number, and keys it does not take', () => {
    const s = clustered()
    s.apply((c) => decideNetworkCreate(net('a', { options: { [VNI_OPTION]: '300' } }), c))
    expect(() => decideNetworkCreate(net('b', { options: { [VNI_OPTION]: '300' } }), s.ctx)).toThrow('vxlan id 300 is already used by network a')
    for (const bad of ['0', '16777216', 'abc', '3,4', '-1', '']) {
      expect(() => decideNetworkCreate(net('b', { options: { [VNI_OPTION]: bad } }), s.ctx)).toThrow(
        `invalid ${VNI_OPTION} ${bad}: must be an integer from 1 to 16777215`,
      )
    }
    expect(() => decideNetworkCreate(net('b', { options: { 'com.docker.network.bridge.name': 'br0' } }), s.ctx)).toThrow(
      `unknown option com.docker.network.bridge.name for driver overlay: it takes com.docker.network.driver.mtu, ${VNI_OPTION}`,
    )
  })

  it('refuses a bridge name another network has', () => {
    const s = clustered()
    s.apply((c) => decideNetworkCreate(net('br', { driver: 'bridge', options: { 'com.docker.network.bridge.name': 'pb-aaaaaaaaaaaa' } }), c))
    expect(() => overlay.planNetwork({ id: 'a'.repeat(64), options: {}, ctx: s.ctx })).toThrow('bridge pb-aaaaaaaaaaaa is already used by network br')
  })

  it('takes its pools from 10.0.0.0/8 in /24 steps, in order', () => {
    const pools = overlay.pools().map(formatCidr)
    expect(pools.slice(0, 3)).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'])
    expect(pools[256]).toBe('10.1.0.0/24')
    expect(pools.at(-1)).toBe('10.255.255.0/24')
    expect(pools).toHaveLength(65536)
  })

  it('an endpoint: a host veth named as on a bridge, the VTEP other hosts reach it at, and its network\'s VNI and device', () => {
    const s = clustered()
    s.apply((c) => decideNetworkCreate(net('ov'), c))
    const [, connected] = s.apply((c) => decideContainerCreate({ name: 'c1', network: 'ov', aliases: [] }, c))
    const p = connected!.payload as EndpointConnected
    expect(p).toMatchObject({ host: 'h1', hostIfname: `veth${p.id.slice(0, 7)}`, mtu: 1450, ipv4: '10.0.0.2', mac: '02:42:0a:00:00:02' })
    expect(p.driverState).toEqual({ vni: 256, vxlan: 'pbvx-256', vtep: '10.98.0.1' })
    s.ctx.cluster = undefined
    expect(() => decideContainerCreate({ name: 'c2', network: 'ov', aliases: [] }, s.ctx)).toThrow('driver "overlay" needs a cluster store')
  })
})

describe('overlay driver: kernel', () => {
  it('a network alone makes nothing in the kernel; its first local endpoint makes the bridge, the VXLAN device in it and the veth', async () => {
    const s = clustered()
    const k = new FakeKernel()
    await apply(k, s.apply((c) => decideNetworkCreate(net('ov', { subnet: '10.0.9.0/24' }), c)))
    expect(k.changes).toEqual([])
    expect(k.firewallDirty).toBe(true)
    const events = s.apply((c) => decideContainerCreate({ name: 'c1', network: 'ov', aliases: [] }, c))
    await apply(k, events)
    const ep = events[1]!.payload as EndpointConnected
    const host = k.netns(null).links
    const bridge = host.find((l) => l.name === ep.bridge)!
    expect(bridge).toMatchObject({ kind: 'bridge', up: true, mtu: 1450, group: k.linkGroup })
    expect(k.netns(null).addresses).toEqual([{ index: bridge.index, cidr: '10.0.9.1/24' }])
    expect(host.find((l) => l.name === 'pbvx-256')).toMatchObject({
      kind: 'vxlan', up: true, mtu: 1450, master: bridge.index, group: k.linkGroup,
      vxlan: { vni: 256, local: '10.98.0.1', port: 4789, learning: false, proxy: true },
    })
    expect(host.find((l) => l.name === ep.hostIfname)).toMatchObject({ kind: 'veth', master: bridge.index, mtu: 1450, group: k.linkGroup })
    const inside = k.netns(ep.netnsPath)
    const eth0 = inside.links.find((l) => l.name === 'eth0')!
    expect(eth0).toMatchObject({ mac: '02:42:0a:00:09:02', up: true, mtu: 1450 })
    expect(inside.addresses).toEqual([{ index: eth0.index, cidr: '10.0.9.2/24' }])
    expect(inside.routes).toEqual([{ dst: '0.0.0.0/0', gateway: '10.0.9.1', ifindex: eth0.index }])
    expect(k.forwarding).toBe(true)
  })

  it('a second local endpoint reuses the bridge and the VXLAN device, also in a new session', async () => {
    const s = clustered()
    const k = new FakeKernel()
    await withLocalEndpoint(s, k)
    k.ensured.clear() // another process: it finds the devices in the kernel
    const made = k.changes.length
    await apply(k, s.apply((c) => decideContainerCreate({ name: 'c2', network: 'ov', aliases: [] }, c)))
    expect(k.changes.slice(made).filter((c) => c.includes('create bridge') || c.includes('create vxlan'))).toEqual([])
    expect(k.netns(null).links.filter((l) => l.kind === 'vxlan')).toHaveLength(1)
    expect(k.netns(null).links.filter((l) => l.kind === 'veth')).toHaveLength(2)
  })

  it('undo after a failed later step leaves no veth, VXLAN device or bridge behind', async () => {
    const s = clustered()
    const k = new FakeKernel()
    const events = [...s.apply((c) => decideNetworkCreate(net('ov'), c)), ...s.apply((c) => decideContainerCreate({ name: 'c1', network: 'ov', aliases: [] }, c))]
    const undo = new UndoStack()
    for (const e of events) await applyEvent(e, k, undo)
    expect(k.netns(null).links.map((l) => l.kind)).toEqual([undefined, 'bridge', 'vxlan', 'veth'])
    expect(await undo.unwind()).toEqual([])
    expect(k.netns(null).links.map((l) => l.name)).toEqual(['lo'])
  })

  it('joinRemote programs the FDB and neighbour entries; replace converges over a stale VTEP; leave twice is fine', async () => {
    const s = clustered()
    const k = new FakeKernel()
    const { ov } = await withLocalEndpoint(s, k)
    const vx = k.netns(null).links.find((l) => l.name === 'pbvx-256')!.index
    await overlay.joinRemote(ov, { ...peer, vtep: '10.98.0.9' }, k)
    await overlay.joinRemote(ov, peer, k)
    await overlay.joinRemote(ov, peer, k)
    expect(k.netns(null).fdb.get(vx)).toEqual([{ mac: peer.mac, dst: '10.98.0.2' }])
    expect(k.netns(null).neighbours.get(vx)).toEqual([{ ip: peer.ipv4, mac: peer.mac, permanent: true }])
    expect(await overlay.programmedPeers(ov, k)).toEqual([peer])

    await overlay.leaveRemote(ov, peer, k)
    expect(await overlay.programmedPeers(ov, k)).toEqual([])
    expect(k.netns(null).neighbours.get(vx)).toEqual([])
    const made = k.changes.length
    await overlay.leaveRemote(ov, peer, k)
    expect(k.changes.slice(made)).toEqual([])
  })

  it('a late leave of an address that moved to another host keeps the new holder\'s entries', async () => {
    const s = clustered()
    const k = new FakeKernel()
    const { ov } = await withLocalEndpoint(s, k)
    const moved = { ...peer, vtep: '10.98.0.3' }
    await overlay.joinRemote(ov, moved, k)
    await overlay.leaveRemote(ov, peer, k)
    expect(await overlay.programmedPeers(ov, k)).toEqual([moved])
  })

  it('a half-done leave (FDB entry gone, neighbour left) is finished by leaving again', async () => {
    const s = clustered()
    const k = new FakeKernel()
    const { ov } = await withLocalEndpoint(s, k)
    await overlay.joinRemote(ov, peer, k)
    const vx = k.netns(null).links.find((l) => l.name === 'pbvx-256')!.index
    await k.host().deleteFdbEntry(vx, peer.mac, peer.vtep)
    await overlay.leaveRemote(ov, peer, k)
    expect(k.netns(null).neighbours.get(vx)).toEqual([])
  })

  it('without a local endpoint there is no device: join and leave do nothing, no peers are programmed', async () => {
    const s = clustered()
    const k = new FakeKernel()
    await apply(k, s.apply((c) => decideNetworkCreate(net('ov'), c)))
    const ov = s.state.findNetwork('ov')!
    await overlay.joinRemote(ov, peer, k)
    await overlay.leaveRemote(ov, peer, k)
    expect(k.changes).toEqual([])
    expect(await overlay.programmedPeers(ov, k)).toEqual([])
  })

  it('disconnect deletes the veth; removing the network deletes the VXLAN device and the bridge, and only ours', async () => {
    const s = clustered()
    const k = new FakeKernel()
    const { ov, ep } = await withLocalEndpoint(s, k)
    await apply(k, s.apply((c) => decideDisconnect({ network: 'ov', container: 'c1' }, c)))
    expect(k.netns(null).links.map((l) => l.name)).toEqual(['lo', ov.bridge, 'pbvx-256'])
    expect(k.netns(ep.netnsPath).links.map((l) => l.name)).toEqual(['lo'])
    k.firewallDirty = false
    await apply(k, s.apply((c) => decideNetworkRemove('ov', c)))
    expect(k.netns(null).links.map((l) => l.name)).toEqual(['lo'])
    expect(k.firewallDirty).toBe(true)

    // A device of that name patchbay did not make stays.
    await apply(k, s.apply((c) => decideNetworkCreate(net('ov2'), c)))
    await k.host().ensureVxlan('pbvx-256', { vni: 256, local: '10.98.0.1' })
    await apply(k, s.apply((c) => decideNetworkRemove('ov2', c)))
    expect(k.netns(null).links.map((l) => l.name)).toEqual(['lo', 'pbvx-256'])
  })
})

describe('overlay driver: restore', () => {
  it('tells what is wrong with the bridge and the VXLAN device, and repairs them', async () => {
    const s = clustered()
    const k = new FakeKernel(undefined, true)
    const { ov } = await withLocalEndpoint(s, k)
    const local = s.state.endpointsOfNetwork(ov.id)
    const problem = () => overlay.networkProblem(ov, local, k.observed(null), k.linkGroup)
    const repair = async () => {
      k.ensured.clear()
      await overlay.repairNetwork(ov, local, k)
      expect(problem()).toBeUndefined()
    }
    expect(problem()).toBeUndefined()
    // No local endpoint: this host needs no devices, whatever it has.
    await k.host().deleteLink('pbvx-256')
    expect(overlay.networkProblem(ov, [], k.observed(null), k.linkGroup)).toBeUndefined()
    expect(problem()).toEqual({ device: `overlay ${ov.bridge}`, noun: 'overlay', why: 'pbvx-256: create' })
    await repair()

    const links = () => k.netns(null).links
    Object.assign(links().find((l) => l.name === ov.bridge)!, { up: false })
    Object.assign(links().find((l) => l.name === 'pbvx-256')!, { up: false, master: undefined, mtu: 1500, group: 0 })
    expect(problem()!.why).toBe(`bridge: set up; pbvx-256: set up, set mtu 1450, enslave to ${ov.bridge}, mark as patchbay's`)
    await repair()

    // This host's advertise address changed under the device: it is made again, empty.
    await overlay.joinRemote(ov, peer, k)
    links().find((l) => l.name === 'pbvx-256')!.vxlan!.local = '10.98.0.5'
    expect(problem()!.why).toBe('pbvx-256: recreate (local 10.98.0.5, not 10.98.0.1)')
    await repair()
    expect(await overlay.programmedPeers(ov, k)).toEqual([])

    Object.assign(links().find((l) => l.name === 'pbvx-256')!.vxlan!, { vni: 7, learning: true, proxy: false })
    expect(problem()!.why).toBe('pbvx-256: recreate (vni 7, not 256, learning on, proxy ARP off)')
    await repair()

    await k.host().deleteLink('pbvx-256')
    await k.host().ensureBridge('pbvx-256')
    expect(problem()!.why).toBe('pbvx-256: replace the bridge link of that name')
  })

  it('checks an endpoint\'s veth as a bridge network does', async () => {
    const s = clustered()
    const k = new FakeKernel()
    const { ov } = await withLocalEndpoint(s, k)
    const [ep] = s.state.endpointsOfNetwork(ov.id)
    const inside = () => k.observed(s.state.findContainer('c1')!.netnsPath)
    expect(overlay.endpointProblem(ep!, ov, k.observed(null), inside())).toBeUndefined()
    await k.host().deleteLink(ep!.hostIfname!)
    expect(overlay.endpointProblem(ep!, ov, k.observed(null), inside())).toBe('veth missing')
  })

  it('keeps the bridge, the VXLAN device and the endpoints\' host veths; gives its firewall part; tells a remote endpoint\'s peer', async () => {
    const s = clustered()
    const k = new FakeKernel()
    const { ov } = await withLocalEndpoint(s, k)
    const [mine] = s.state.endpointsOfNetwork(ov.id)
    // As another host planned it: its own veth name there, its own VTEP.
    const remote: EndpointRow = { ...mine!, id: 'f'.repeat(64), host: 'h2', hostIfname: 'vethfffffff', ipv4: peer.ipv4, mac: peer.mac, driverState: { vni: 256, vxlan: 'pbvx-256', vtep: peer.vtep } }
    expect(overlay.hostLinks(ov, [mine!, remote])).toEqual([ov.bridge, 'pbvx-256', mine!.hostIfname, 'vethfffffff'])
    expect(overlay.firewall(ov)).toEqual({ bridge: ov.bridge, subnet: '10.0.9.0/24', internal: false, masquerade: true })
    expect(overlay.peerOf!(remote)).toEqual(peer)
  })
})
