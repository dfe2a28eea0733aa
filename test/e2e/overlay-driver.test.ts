/**
 * The overlay driver on the real kernel: two "host" namespaces joined by a veth underlay, each
 * running the driver through a KernelSession as patchbay would when started there, one
 * container namespace per host. The events come from the decide functions, the second
 * endpoint planned as host b (its own advertise address); each host connects its own endpoint
 * and joins the other's. Every namespace is pinned under /run/netns/pbo-<id>-* and removed in
 * afterAll, also after a failure.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideDisconnect } from '../../src/core/disconnect.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import { decideNetworkRemove } from '../../src/core/network-remove.js'
import type { RemotePeer } from '../../src/drivers/contract.js'
import { KernelSession, UndoStack } from '../../src/drivers/kernel-session.js'
import { driverFor } from '../../src/drivers/registry.js'
import type { EndpointConnected, EndpointDisconnected, NetworkCreated, NetworkRemoved } from '../../src/events/types.js'
import { memoryState } from '../unit/memory-state.js'
import { asHost, iproute, joinUnderlay, kernelNamespaces, ping } from './kernel-hosts.js'
import { hostCmd, isRoot } from './sandbox.js'

const overlay = driverFor('overlay')
const LINK_GROUP = 0x7062_0f0f

interface Host {
  name: string
  path: string
  vtep: string
  k: KernelSession
  /** The container namespace this test made on the host. */
  container: string
  ep: EndpointConnected
}

const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward'

const peerOf = (ep: EndpointConnected): RemotePeer => ({ mac: ep.mac!, ipv4: ep.ipv4!, vtep: String(ep.driverState!.vtep) })

/** The links of a namespace by name, as iproute2 lists them. */
function linkNames(nsPath: string): string[] {
  return (JSON.parse(iproute(nsPath, ['ip', '-j', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname).sort()
}

describe.skipIf(!isRoot)('overlay driver on the real kernel', () => {
  const ns = kernelNamespaces('pbo')
  const s = memoryState()
  let net!: NetworkCreated
  let a!: Host
  let b!: Host
  /** The machine's own setting, which nothing here may change. */
  const forwarding = readFileSync(IP_FORWARD, 'utf8')

  /** A driver call on host h, made as patchbay started in h's namespace makes it. */
  const on = <T>(h: Host, fn: (k: KernelSession) => Promise<T>): Promise<T> => asHost(h.path, () => fn(h.k))

  beforeAll(async () => {
    const paths = [ns.netns('a'), ns.netns('b')] as const
    const vteps = await joinUnderlay(ns, paths[0], paths[1], '10.97.0')
    s.ctx.cluster = { host: 'a', advertise: vteps[0], otherHosts: [] }
    net = s.apply((c) => decideNetworkCreate({ name: 'ov', driver: 'overlay', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [] }, c))[0]!.payload as NetworkCreated
    const hosts = paths.map((path, i) => {
      const name = 'ab'[i]!
      s.ctx.cluster = { host: name, advertise: vteps[i]!, otherHosts: [] }
      const container = ns.netns(`${name}c`)
      const ep = s.apply((c) => decideContainerCreate({ name: `c${name}`, network: 'ov', aliases: [] }, c))[1]!.payload as EndpointConnected
      // Its namespace is the one made here, not where patchbay would make it.
      return { name, path, vtep: vteps[i]!, k: new KernelSession(LINK_GROUP), container, ep: { ...ep, netnsPath: container } }
    })
    ;[a, b] = hosts
    for (const h of hosts) {
      await on(h, async (k) => {
        const undo = new UndoStack()
        await overlay.createNetwork(net, k, undo)
        await overlay.connect(h.ep, k, undo)
      })
    }
  })

  afterAll(() => {
    for (const h of [a, b]) h?.k.close()
    ns.cleanup()
  })

  it('a local endpoint makes the bridge, the VXLAN device (VNI, VTEP, port, nolearning, proxy, MTU) in it and the veth', () => {
    expect(net).toMatchObject({ subnet: '10.0.0.0/24', mtu: 1450, driverState: { vni: 256, vxlan: 'pbvx-256' } })
    expect(b.ep.driverState).toEqual({ vni: 256, vxlan: 'pbvx-256', vtep: '10.97.0.2' })
    const [vx] = JSON.parse(iproute(b.path, ['ip', '-d', '-j', 'link', 'show', 'pbvx-256'])) as {
      mtu: number
      master?: string
      flags: string[]
      group: string
      linkinfo: { info_kind: string; info_data: { id: number; local: string; port: number; learning: boolean; proxy?: boolean } }
    }[]
    expect(vx!.linkinfo).toMatchObject({ info_kind: 'vxlan', info_data: { id: 256, local: '10.97.0.2', port: 4789, learning: false, proxy: true } })
    expect(vx).toMatchObject({ mtu: 1450, master: net.bridge })
    expect(vx!.flags).toContain('UP')
    expect(linkNames(b.path)).toEqual([b.ep.hostIfname, net.bridge, 'lo', 'pbvx-256', 'u0'].sort())
    expect(iproute(b.container, ['ip', '-o', '-4', 'addr', 'show', 'eth0'])).toContain(`inet ${b.ep.ipv4}/24`)
    // Containers go out through their own host: forwarding on there, and only there.
    for (const h of [a, b]) expect(hostCmd(['nsenter', `--net=${h.path}`, '--', 'cat', IP_FORWARD]).stdout).toBe('1\n')
    expect(readFileSync(IP_FORWARD, 'utf8')).toBe(forwarding)
  })

  it('containers on two hosts reach each other once each host joins the other\'s endpoint; leaving cuts the path', async () => {
    expect(ping(a.container, b.ep.ipv4!, 1)).toBe(false) // nothing programmed: the ARP request dies at the device
    await on(a, (k) => overlay.joinRemote(net, peerOf(b.ep), k))
    await on(b, (k) => overlay.joinRemote(net, peerOf(a.ep), k))
    await on(b, (k) => overlay.joinRemote(net, peerOf(a.ep), k)) // twice: converges
    expect(ping(a.container, b.ep.ipv4!)).toBe(true)
    expect(ping(b.container, a.ep.ipv4!)).toBe(true)
    expect(await on(a, (k) => overlay.programmedPeers(net, k))).toEqual([{ mac: b.ep.mac, ipv4: b.ep.ipv4, vtep: '10.97.0.2' }])
    expect(await on(b, (k) => overlay.programmedPeers(net, k))).toEqual([{ mac: a.ep.mac, ipv4: a.ep.ipv4, vtep: '10.97.0.1' }])

    await on(a, (k) => overlay.leaveRemote(net, peerOf(b.ep), k))
    await on(a, (k) => overlay.leaveRemote(net, peerOf(b.ep), k)) // twice: fine
    expect(await on(a, (k) => overlay.programmedPeers(net, k))).toEqual([])
    expect(ping(a.container, b.ep.ipv4!, 1)).toBe(false)
  })

  it('disconnect and network removal leave no links behind on either host', async () => {
    for (const h of [a, b]) {
      const gone = s.apply((c) => decideDisconnect({ network: 'ov', container: `c${h.name}` }, c))[0]!.payload as EndpointDisconnected
      await on(h, async (k) => {
        await overlay.disconnect({ ...gone, netnsPath: h.container }, k, new UndoStack())
        await k.settle()
      })
      expect(linkNames(h.container)).toEqual(['lo'])
    }
    const removed = s.apply((c) => decideNetworkRemove('ov', c))[0]!.payload as NetworkRemoved
    for (const h of [a, b]) {
      await on(h, async (k) => {
        await overlay.removeNetwork(removed, k, new UndoStack())
        await k.settle()
        expect(await overlay.programmedPeers(net, k)).toEqual([])
      })
      expect(linkNames(h.path)).toEqual(['lo', 'u0'])
    }
  })
})
