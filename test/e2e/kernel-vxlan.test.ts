/**
 * Overlay plumbing on the real kernel: two "host" namespaces joined by a veth underlay, each
 * with a bridge, a VXLAN device (VNI 300) enslaved to it and one "container" namespace behind
 * a veth. The FDB and neighbour entries that join the two are programmed only through Rtnl.
 * Every namespace is pinned under /run/netns/pbh-<id>-* and removed in afterAll, also after a failure.
 */
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KernelError } from '../../src/kernel/errors.js'
import type { Rtnl } from '../../src/kernel/netlink.js'
import type { VxlanOptions } from '../../src/kernel/ops.js'
import { iproute, joinUnderlay, kernelNamespaces, ping as pingFrom } from './kernel-hosts.js'
import { isRoot } from './sandbox.js'

const VNI = 300

interface Side {
  name: string
  host: Rtnl
  hostPath: string
  containerPath: string
  /** underlay address: the VTEP */
  vtep: string
  ip: string
  mac: string
  br: number
  vx: number
}

/** One ICMP echo between the two containers (both live in this file's namespaces). */
function ping(from: Side, to: Side, waitSeconds = 2): boolean {
  return pingFrom(from.containerPath, to.ip, waitSeconds)
}

async function rejection(p: Promise<unknown>): Promise<KernelError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(KernelError)
    return err as KernelError
  }
  throw new Error('expected a rejection')
}

describe.skipIf(!isRoot)('VXLAN overlay plumbing on the real kernel', () => {
  const ns = kernelNamespaces('pbh')
  let a!: Side
  let b!: Side

  /** One host (on the underlay): bridge, vxlan in the bridge, and a container behind a veth. */
  async function buildHost(name: string, hostPath: string, vtep: string, last: number): Promise<Side> {
    const host = ns.open(hostPath)
    const br = (await host.ensureBridge('br0')).index
    const vx = await host.ensureVxlan('vx0', { vni: VNI, local: vtep, master: br })
    expect(vx.created).toBe(true)
    const containerPath = ns.netns(`${name}c`)
    const mac = `02:42:0a:c8:00:0${last}`
    await host.createVethPeerInNetns({ hostName: 'v0', peerName: 'eth0', peerNetnsPath: containerPath, peerMac: mac, master: br, hostMtu: 1450 })
    const inside = ns.open(containerPath)
    await inside.setLinkUp('lo')
    await inside.ensureAddress((await inside.linkIndex('eth0'))!, `10.200.0.${last}/24`)
    await inside.setLinkUp('eth0')
    return { name, host, hostPath, containerPath, vtep, ip: `10.200.0.${last}`, mac, br, vx: vx.index }
  }

  /** What the overlay's control plane does for each remote endpoint. */
  async function learnRemote(on: Side, remote: Side): Promise<void> {
    await on.host.replaceFdbEntry(on.vx, remote.mac, remote.vtep)
    await on.host.replaceNeighbour(on.vx, remote.ip, remote.mac)
  }

  beforeAll(async () => {
    const hostA = ns.netns('a')
    const hostB = ns.netns('b')
    const [vtepA, vtepB] = await joinUnderlay(ns, hostA, hostB, '10.98.0')
    a = await buildHost('a', hostA, vtepA, 2)
    b = await buildHost('b', hostB, vtepB, 3)
  })

  afterAll(() => ns.cleanup())

  it('creates the vxlan as asked, and listLinks reports its settings', async () => {
    const [link] = JSON.parse(iproute(a.hostPath, ['ip', '-d', '-j', 'link', 'show', 'vx0'])) as {
      mtu: number
      master?: string
      flags: string[]
      linkinfo: { info_kind: string; info_data: { id: number; local: string; port: number; learning: boolean; proxy?: boolean } }
    }[]
    expect(link!.linkinfo.info_kind).toBe('vxlan')
    expect(link!.linkinfo.info_data).toMatchObject({ id: VNI, local: '10.98.0.1', port: 4789, learning: false, proxy: true })
    expect(link!.mtu).toBe(1450)
    expect(link!.master).toBe('br0')
    expect(link!.flags).toContain('UP')

    const links = await b.host.listLinks()
    expect(links.find((l) => l.name === 'vx0')).toMatchObject({
      index: b.vx,
      kind: 'vxlan',
      master: b.br,
      up: true,
      mtu: 1450,
      vxlan: { vni: VNI, local: '10.98.0.2', port: 4789, learning: false, proxy: true },
    })
    expect(links.find((l) => l.name === 'br0')?.vxlan).toBeUndefined()
    expect(await a.host.ensureVxlan('vx0', { vni: VNI, local: a.vtep, master: a.br })).toEqual({ index: a.vx, created: false })
  })

  it('containers on two hosts reach each other once FDB and neighbour entries are programmed', async () => {
    expect(ping(a, b, 1)).toBe(false) // nothing programmed: the ARP request dies at the vxlan
    await learnRemote(a, b)
    await learnRemote(b, a)
    expect(ping(a, b)).toBe(true)
    expect(ping(b, a)).toBe(true)

    expect(await a.host.listFdbEntries(a.vx)).toEqual([{ mac: b.mac, dst: b.vtep }])
    expect(await b.host.listFdbEntries(b.vx)).toEqual([{ mac: a.mac, dst: a.vtep }])
    expect(await a.host.listNeighbours(a.vx)).toEqual([{ ip: b.ip, mac: b.mac, permanent: true }])
    expect(await b.host.listNeighbours(b.vx)).toEqual([{ ip: a.ip, mac: a.mac, permanent: true }])
    // iproute2 sees the same entries.
    expect(iproute(a.hostPath, ['bridge', 'fdb', 'show', 'dev', 'vx0'])).toContain(`${b.mac} dst ${b.vtep} self permanent`)
    expect(iproute(a.hostPath, ['ip', 'neigh', 'show', 'dev', 'vx0'])).toContain(`${b.ip} lladdr ${b.mac} PERMANENT`)
  })

  it('replace converges, also over stale entries', async () => {
    await learnRemote(a, b) // twice: no EEXIST, no duplicate
    await a.host.replaceFdbEntry(a.vx, b.mac, '10.98.0.9') // stale: another VTEP
    await a.host.replaceNeighbour(a.vx, b.ip, '02:42:0a:c8:00:99') // stale: another MAC
    expect(await a.host.listFdbEntries(a.vx)).toEqual([{ mac: b.mac, dst: '10.98.0.9' }])
    expect(await a.host.listNeighbours(a.vx)).toEqual([{ ip: b.ip, mac: '02:42:0a:c8:00:99', permanent: true }])
    await learnRemote(a, b)
    expect(await a.host.listFdbEntries(a.vx)).toEqual([{ mac: b.mac, dst: b.vtep }])
    expect(await a.host.listNeighbours(a.vx)).toEqual([{ ip: b.ip, mac: b.mac, permanent: true }])
    expect(ping(a, b)).toBe(true)
  })

  it('deleting the FDB entry cuts the path, putting it back restores it', async () => {
    expect(await a.host.deleteFdbEntry(a.vx, b.mac, '10.98.0.9')).toBe(false) // another VTEP: not this entry
    expect(await a.host.deleteFdbEntry(a.vx, b.mac, b.vtep)).toBe(true)
    expect(await a.host.deleteFdbEntry(a.vx, b.mac, b.vtep)).toBe(false)
    expect(await a.host.listFdbEntries(a.vx)).toEqual([])
    expect(ping(a, b, 1)).toBe(false)
    await a.host.replaceFdbEntry(a.vx, b.mac, b.vtep)
    expect(ping(a, b)).toBe(true)
  })

  it('the neighbour entry is what answers ARP for the remote container', async () => {
    expect(await a.host.deleteNeighbour(a.vx, b.ip)).toBe(true)
    expect(await a.host.deleteNeighbour(a.vx, b.ip)).toBe(false)
    expect(await a.host.listNeighbours(a.vx)).toEqual([])
    iproute(a.containerPath, ['ip', 'neigh', 'flush', 'dev', 'eth0']) // forget b's MAC: it must ask again
    expect(ping(a, b, 1)).toBe(false)
    await a.host.replaceNeighbour(a.vx, b.ip, b.mac)
    expect(ping(a, b)).toBe(true)
  })

  it('ensureVxlan refuses a different existing device and invalid arguments', async () => {
    const want: VxlanOptions = { vni: VNI, local: a.vtep, master: a.br }
    const otherVni = await rejection(a.host.ensureVxlan('vx0', { ...want, vni: 301 }))
    expect(otherVni.code).toBe('EEXIST')
    expect(otherVni.message).toBe('create vxlan vx0: a vxlan with that name exists with vni 300, not 301')
    expect((await rejection(a.host.ensureVxlan('vx0', { ...want, local: '10.98.0.7' }))).message).toMatch(/local 10\.98\.0\.1, not 10\.98\.0\.7$/)
    expect((await rejection(a.host.ensureVxlan('vx0', { ...want, port: 8472 }))).message).toMatch(/port 4789, not 8472$/)
    const bridge = await rejection(a.host.ensureVxlan('br0', want))
    expect(bridge.message).toBe('create vxlan br0: a bridge link with that name exists')
    // Not made by patchbay: iproute2's defaults learn and do not proxy ARP.
    iproute(a.hostPath, ['ip', 'link', 'add', 'vx9', 'type', 'vxlan', 'id', '301', 'local', a.vtep, 'dstport', '4789'])
    expect((await rejection(a.host.ensureVxlan('vx9', { ...want, vni: 301 }))).message).toMatch(/learning true, not false$/)

    for (const bad of [{ vni: 0 }, { vni: 1 << 24 }, { port: 0 }, { local: '10.98.0' }, { mtu: 0 }]) {
      const err = await rejection(a.host.ensureVxlan('vx1', { ...want, ...bad }))
      expect(err.code).toBe('EINVAL')
      expect(err.message).toMatch(/^create vxlan vx1: invalid /)
    }
    expect((await rejection(a.host.ensureVxlan('vx1', { ...want, local: 'fd00::1' }))).code).toBe('ENOTSUP')
    expect(await a.host.linkIndex('vx1')).toBeUndefined()
    // The refusals changed nothing.
    expect((await a.host.listLinks()).find((l) => l.name === 'vx0')?.vxlan).toEqual({ vni: VNI, local: a.vtep, port: 4789, learning: false, proxy: true })
    expect(ping(a, b)).toBe(true)
  })

  it('measures replaceFdbEntry + replaceNeighbour per endpoint (median of 50)', async () => {
    const N = 50
    const samples: number[] = []
    for (let i = 0; i < N; i++) {
      const mac = `02:42:0a:c9:00:${i.toString(16).padStart(2, '0')}`
      const t0 = performance.now()
      await a.host.replaceFdbEntry(a.vx, mac, b.vtep)
      await a.host.replaceNeighbour(a.vx, `10.201.0.${i + 2}`, mac)
      samples.push(performance.now() - t0)
    }
    samples.sort((x, y) => x - y)
    const median = (samples[N / 2 - 1]! + samples[N / 2]!) / 2
    console.log(`[vxlan cost, median of ${N}] replaceFdbEntry + replaceNeighbour per remote endpoint: ${median.toFixed(3)} ms`)
    expect(await a.host.listFdbEntries(a.vx)).toHaveLength(N + 1)
    expect(await a.host.listNeighbours(a.vx)).toHaveLength(N + 1)
  })
})
