import { describe, expect, it } from 'vitest'
import { type Paths, hostsFilePath, pathsFor } from '../../src/config/paths.js'
import { decideConnect } from '../../src/core/connect.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { hostsRenderer } from '../../src/core/hosts.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import { describeAction, planRestore } from '../../src/restore/plan.js'
import type { ObservedNetns } from '../../src/kernel/ops.js'
import type { Observed } from '../../src/restore/observe.js'
import { rulesetFor } from '../../src/drivers/firewall-parts.js'
import type { LinkInfo } from '../../src/kernel/ops.js'
import { memoryState } from './memory-state.js'

const paths: Paths = { ...pathsFor('/var/lib/patchbay-test'), netnsDir: '/run/patchbay/test/netns' }
const GROUP = paths.linkGroup

function seed() {
  const s = memoryState()
  s.apply((c) => decideContainerCreate({ name: 'c1', network: 'bridge', aliases: [] }, c))
  s.apply((c) => decideNetworkCreate({ name: 'iso', driver: 'bridge', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [] }, c))
  s.apply((c) => decideContainerCreate({ name: 'c2', network: 'iso', aliases: [] }, c))
  s.apply((c) => decideConnect({ network: 'iso', container: 'c1', aliases: [] }, c))
  return s
}

/** The kernel exactly as the tables want it: what a healthy host looks like to observe(). */
function healthy(s: ReturnType<typeof seed>): Observed {
  let index = 1
  const link = (name: string, kind: string | undefined, extra: Partial<LinkInfo> = {}): LinkInfo => ({ index: ++index, name, kind, mac: '', up: true, mtu: 1500, group: 0, ...extra })
  const host: ObservedNetns = { links: [link('lo', undefined)], addresses: [], routes: [] }
  const bridges = new Map<string, LinkInfo>()
  for (const n of s.state.networks().filter((n) => n.driver === 'bridge')) {
    const br = link(n.bridge!, 'bridge', { group: GROUP })
    bridges.set(n.bridge!, br)
    host.links.push(br)
    host.addresses.push({ index: br.index, cidr: `${n.gateway}/${n.subnet!.split('/')[1]}` })
  }
  const containers = new Map<string, Observed['containers'] extends Map<string, infer V> ? V : never>()
  for (const c of s.state.containers()) {
    const inside: ObservedNetns = { links: [link('lo', undefined)], addresses: [], routes: [] }
    for (const e of s.state.endpointsOfContainer(c.id)) {
      host.links.push(link(e.hostIfname!, 'veth', { group: GROUP, master: bridges.get(e.bridge!)!.index }))
      const peer = link(e.ifname!, 'veth', { mac: e.mac! })
      inside.links.push(peer)
      inside.addresses.push({ index: peer.index, cidr: `${e.ipv4}/${e.prefixLen}` })
      if (e.defaultRoute) inside.routes.push({ dst: '0.0.0.0/0', gateway: e.gateway!, ifindex: peer.index })
    }
    containers.set(c.id, { state: 'present', inode: 4026532000 + index, netns: inside })
  }
  const ruleset = rulesetFor(s.state.networks(), s.state.publishedPorts())
  const hostsOf = hostsRenderer(s.state)
  return {
    host,
    netnsFiles: s.state.containers().map((c) => ({ path: c.netnsPath!, mounted: true })),
    containers,
    hostsFiles: new Map(s.state.containers().map((c) => [c.id, hostsOf(c)])),
    resolvFiles: new Set(s.state.containers().map((c) => c.id)),
    firewall: { listing: 'listing', applied: { ruleset, listing: 'listing' } },
    forwarding: true,
    hostResolvConf: '',
    peers: new Map(),
  }
}

const plan = (s: ReturnType<typeof seed>, o: Observed) => planRestore(s.state, o, paths).actions.map(describeAction)

describe('restore plan', () => {
  it('is empty when the kernel matches the tables', () => {
    const s = seed()
    expect(plan(s, healthy(s))).toEqual([])
  })

  it('after a reboot rebuilds everything in the order the log made it (builtin bridge at its first endpoint)', () => {
    const s = seed()
    const empty: Observed = {
      ...healthy(s),
      host: { links: [], addresses: [], routes: [] },
      netnsFiles: [],
      containers: new Map(),
      hostsFiles: new Map(),
      resolvFiles: new Set(),
      firewall: { listing: null, applied: null },
      forwarding: false,
    }
    const lines = plan(s, empty)
    const kernel = lines.filter((l) => !l.startsWith('write '))
    expect(kernel.map((l) => l.replace(/ at .*| via .*/, ''))).toEqual([
      'create namespace of container c1',
      'bridge pb0 of network bridge: create',
      'connect c1 to bridge: eth0 172.17.0.2/16 02:42:ac:11:00:02',
      'bridge pb-' + s.state.findNetwork('iso')!.id.slice(0, 12) + ' of network iso: create',
      'create namespace of container c2',
      'connect c2 to iso: eth0 172.18.0.2/16 02:42:ac:12:00:02',
      'connect c1 to iso: eth1 172.18.0.3/16 02:42:ac:12:00:03',
      'load nftables table inet patchbay (missing)',
      'enable IPv4 forwarding',
    ])
    expect(lines.filter((l) => l.startsWith('write '))).toEqual(['write hosts file of c1', 'write resolv.conf of c1', 'write hosts file of c2', 'write resolv.conf of c2'])
  })

  it('removes only links stamped with our group that no row knows, veths before bridges', () => {
    const s = seed()
    const o = healthy(s)
    o.host.links.push(
      { index: 90, name: 'pb-orphan', kind: 'bridge', mac: '', up: true, mtu: 1500, group: GROUP },
      { index: 91, name: 'veth0ddba11', kind: 'veth', mac: '', up: true, mtu: 1500, group: GROUP, master: 90 },
      { index: 92, name: 'veth1234567', kind: 'veth', mac: '', up: true, mtu: 1500, group: 0 },
      { index: 93, name: 'pb-foreign', kind: 'bridge', mac: '', up: true, mtu: 1500, group: GROUP + 1 },
    )
    o.netnsFiles.push({ path: `${paths.netnsDir}/deadbeef`, mounted: false })
    o.hostsFiles.set('deadbeef', '')
    expect(plan(s, o)).toEqual([
      'delete veth veth0ddba11 (not in the log)',
      'delete bridge pb-orphan (not in the log)',
      `delete namespace ${paths.netnsDir}/deadbeef (not in the log)`,
      `remove hosts file ${hostsFilePath(paths, 'deadbeef')} (not in the log)`,
    ])
  })

  it('repairs what drifted without rebuilding what is whole', () => {
    const s = seed()
    const o = healthy(s)
    const c1 = s.state.findContainer('c1')!
    const inside = (o.containers.get(c1.id) as { netns: ObservedNetns }).netns
    const eth1 = inside.links.find((l) => l.name === 'eth1')!
    inside.addresses = inside.addresses.filter((a) => a.index !== eth1.index)
    eth1.up = false
    inside.routes = [{ dst: '0.0.0.0/0', gateway: '172.18.0.1', ifindex: eth1.index }]
    o.host.links.find((l) => l.name === 'pb0')!.up = false
    o.firewall.listing = 'flushed'
    expect(plan(s, o)).toEqual([
      'bridge pb0 of network bridge: set up',
      'add address 172.18.0.3/16 to eth1 of c1',
      `set eth1 up in container c1`,
      'set default route of c1 via 172.17.0.1 dev eth0',
      'load nftables table inet patchbay (changed outside patchbay)',
    ])
  })

  it('rebuilds a veth that lost its bridge or has the wrong MAC', () => {
    const s = seed()
    const o = healthy(s)
    const c2 = s.state.findContainer('c2')!
    const c1 = s.state.findContainer('c1')!
    ;(o.containers.get(c2.id) as { netns: ObservedNetns }).netns.links.find((l) => l.name === 'eth0')!.mac = '02:00:00:00:00:01'
    const c1eth0 = s.state.endpointsOfContainer(c1.id)[0]
    o.host.links.find((l) => l.name === c1eth0.hostIfname)!.master = undefined
    expect(plan(s, o).map((l) => l.replace(/ via .* \(/, ' ('))).toEqual([
      `connect c1 to bridge: eth0 172.17.0.2/16 02:42:ac:11:00:02 (${c1eth0.hostIfname} not on pb0)`,
      'connect c2 to iso: eth0 172.18.0.2/16 02:42:ac:12:00:02 (MAC is 02:00:00:00:00:01)',
    ])
  })

  it('reports adopted namespaces that are gone and leaves their endpoints alone', () => {
    const s = seed()
    s.apply((c) => decideContainerCreate({ name: 'web', network: 'iso', aliases: [], adopt: { kind: 'path', path: '/run/netns/web', inode: 4026539999 } }, c))
    s.apply((c) => decideContainerCreate({ name: 'app', network: 'iso', aliases: [], adopt: { kind: 'pid', path: '/proc/4242/ns/net', inode: 4026538888 } }, c))
    const o = healthy(s)
    const web = s.state.findContainer('web')!
    const app = s.state.findContainer('app')!
    o.containers.set(web.id, { state: 'missing' })
    o.containers.set(app.id, { state: 'present', inode: 1, netns: { links: [], addresses: [], routes: [] } })
    o.netnsFiles = o.netnsFiles.filter((f) => f.path.startsWith(paths.netnsDir))
    const result = planRestore(s.state, o, paths)
    expect(result.skipped).toEqual([
      'container web: adopted namespace not recreated (/run/netns/web no longer exists)',
      'container app: process 4242 now has another namespace; left alone',
    ])
    expect(result.actions.map(describeAction)).toEqual([])
  })
})
