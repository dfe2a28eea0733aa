/**
 * The kernel in memory, for unit tests of drivers and of whatever applies events: the same
 * KernelOps and LinkOps the real session offers, over a model of namespaces (links, addresses,
 * routes, FDB and neighbour entries) that records every change it is asked for.
 */
import { KernelError } from '../../src/kernel/errors.js'
import type { AddressInfo, FdbEntry, FileOps, KernelOps, LinkInfo, LinkOps, NeighbourInfo, RouteInfo, VethIntoNetns, VxlanOptions } from '../../src/kernel/ops.js'
import type { ObservedNetns } from '../../src/kernel/ops.js'

export interface FakeNetns {
  links: LinkInfo[]
  addresses: AddressInfo[]
  routes: RouteInfo[]
  fdb: Map<number, FdbEntry[]>
  neighbours: Map<number, NeighbourInfo[]>
  /** Interfaces (and 'default') with IPv6 turned off. */
  ipv6Off: Set<string>
}

const emptyNetns = (): FakeNetns => ({ links: [{ index: 1, name: 'lo', mac: '', up: false, mtu: 65536, group: 0 }], addresses: [], routes: [], fdb: new Map(), neighbours: new Map(), ipv6Off: new Set() })

export class FakeKernel implements KernelOps {
  readonly ensured = new Map<string, number>()
  firewallDirty = false
  forwarding = false
  /** Every change, in order, as `where: what`. */
  readonly changes: string[] = []
  readonly namespaces = new Map<string, FakeNetns>([['host', emptyNetns()]])
  private nextIndex = 10
  private readonly pending: string[] = []
  /** Files by path, as the run directory (and /etc/resolv.conf) would hold them. */
  readonly fileContents = new Map<string, string>()
  /** The firewall table as last applied. */
  firewall: string | undefined

  readonly files: FileOps = {
    read: (path) => this.fileContents.get(path),
    write: (path, content) => {
      if (this.fileContents.get(path) === content) return false
      this.fileContents.set(path, content)
      this.record(null, `write ${path}`)
      return true
    },
    append: (path, content) => {
      const now = this.fileContents.get(path)
      if (now === undefined) return false
      this.fileContents.set(path, now + content)
      this.record(null, `append ${path}`)
      return true
    },
    remove: (path) => {
      if (this.fileContents.delete(path)) this.record(null, `remove ${path}`)
    },
  }

  applyFirewall(ruleset: string): string {
    this.firewall = ruleset
    this.record(null, 'firewall')
    return ruleset
  }

  constructor(
    readonly linkGroup = 0x7062_0001,
    readonly claimUnmarked = false,
  ) {}

  netns(path: string | null): FakeNetns {
    const ns = this.namespaces.get(path ?? 'host')
    if (!ns) throw new KernelError('ENOENT', `enter netns ${path}: no such file or directory`)
    return ns
  }

  record(where: string | null, what: string): void {
    this.changes.push(`${where ?? 'host'}: ${what}`)
  }

  index(): number {
    return this.nextIndex++
  }

  host(): LinkOps {
    return new FakeLinks(this, null)
  }

  inNetns(path: string | null): LinkOps {
    this.netns(path)
    return new FakeLinks(this, path)
  }

  async upLoopback(path: string): Promise<void> {
    await this.inNetns(path).setLinkUp('lo')
  }

  createNetns(path: string): void {
    if (this.namespaces.has(path)) return
    this.namespaces.set(path, emptyNetns())
    this.record(null, `create netns ${path}`)
  }

  deleteNetns(path: string): void {
    if (!this.namespaces.delete(path)) return
    // A namespace takes the ends of its veth pairs with it, and so their peers on the host.
    this.record(null, `delete netns ${path}`)
  }

  isNetnsMount(path: string): boolean {
    return this.namespaces.has(path)
  }

  disableIpv6(netnsPath: string, ifname: string): void {
    const off = this.netns(netnsPath).ipv6Off
    if (off.has(ifname)) return
    off.add(ifname)
    this.record(netnsPath, `ipv6 off ${ifname}`)
  }

  enableIpv6(netnsPath: string, ifname: string): void {
    this.netns(netnsPath).ipv6Off.delete(ifname)
    this.record(netnsPath, `ipv6 on ${ifname}`)
  }

  enableIpv4Forwarding(): void {
    if (this.forwarding) return
    this.forwarding = true
    this.record(null, 'ip_forward on')
  }

  enableIpv6Forwarding(): void {
    this.record(null, 'ipv6 forwarding on')
  }

  deleteHostLinkSoon(name: string): void {
    this.pending.push(name)
  }

  async settle(): Promise<void> {
    for (const name of this.pending.splice(0)) await this.host().deleteLink(name)
  }

  dropNetns(): void {}

  /** What observe() would read of a namespace. */
  observed(path: string | null): ObservedNetns {
    const ns = this.netns(path)
    return { links: ns.links.map((l) => ({ ...l })), addresses: [...ns.addresses], routes: [...ns.routes] }
  }
}

class FakeLinks implements LinkOps {
  constructor(
    private readonly k: FakeKernel,
    private readonly path: string | null,
  ) {}

  private get ns(): FakeNetns {
    return this.k.netns(this.path)
  }

  private link(nameOrIndex: string | number): LinkInfo | undefined {
    return this.ns.links.find((l) => (typeof nameOrIndex === 'number' ? l.index === nameOrIndex : l.name === nameOrIndex))
  }

  async linkIndex(name: string) {
    return this.link(name)?.index
  }

  async findLink(name: string) {
    const l = this.link(name)
    return l && { index: l.index, ipv6: !this.ns.ipv6Off.has(name) && !this.ns.ipv6Off.has('default') }
  }

  async ensureBridge(name: string, opts: { mtu?: number; group?: number; claimUnmarked?: boolean } = {}) {
    let l = this.link(name)
    const created = !l
    if (l && l.kind !== 'bridge') throw new KernelError('EEXIST', `create bridge ${name}: a ${l.kind ?? 'non-bridge'} link with that name exists`)
    if (l && opts.group !== undefined && l.group !== opts.group && !opts.claimUnmarked) {
      throw new KernelError('EEXIST', `create bridge ${name}: a bridge with that name exists that patchbay did not make`)
    }
    if (!l) {
      l = { index: this.k.index(), name, kind: 'bridge', mac: '', up: false, mtu: 1500, group: opts.group ?? 0 }
      this.ns.links.push(l)
      this.k.record(this.path, `create bridge ${name}`)
    }
    Object.assign(l, { up: true, mtu: opts.mtu ?? l.mtu, group: opts.group ?? l.group })
    return { index: l.index, created }
  }

  /** As the kernel's: an existing device of other VNI, VTEP, port or flags is refused; up, MTU, master and group are set. */
  async ensureVxlan(name: string, o: VxlanOptions) {
    let l = this.link(name)
    const created = !l
    const want = { vni: o.vni, local: o.local, port: o.port ?? 4789, learning: false, proxy: true }
    if (l && (l.kind !== 'vxlan' || (Object.keys(want) as (keyof typeof want)[]).some((key) => l!.vxlan?.[key] !== want[key]))) {
      throw new KernelError('EEXIST', `create vxlan ${name}: a link with that name exists with other settings`)
    }
    if (!l) {
      l = { index: this.k.index(), name, kind: 'vxlan', mac: '', up: true, mtu: 1450, group: 0, vxlan: want }
      this.ns.links.push(l)
      this.k.record(this.path, `create vxlan ${name} vni ${o.vni} local ${o.local}`)
    }
    Object.assign(l, { up: true, mtu: o.mtu ?? 1450, group: o.group ?? l.group, master: o.master ?? l.master })
    return { index: l.index, created }
  }

  async replaceFdbEntry(ifindex: number, mac: string, remoteIp: string) {
    const list = (this.ns.fdb.get(ifindex) ?? []).filter((e) => e.mac !== mac)
    this.ns.fdb.set(ifindex, [...list, { mac, dst: remoteIp }])
    this.k.record(this.path, `fdb ${mac} dst ${remoteIp}`)
  }

  async deleteFdbEntry(ifindex: number, mac: string, remoteIp: string) {
    const list = this.ns.fdb.get(ifindex) ?? []
    const kept = list.filter((e) => !(e.mac === mac && e.dst === remoteIp))
    this.ns.fdb.set(ifindex, kept)
    if (kept.length !== list.length) this.k.record(this.path, `delete fdb ${mac} dst ${remoteIp}`)
    return kept.length !== list.length
  }

  async listFdbEntries(ifindex: number) {
    return [...(this.ns.fdb.get(ifindex) ?? [])]
  }

  async replaceNeighbour(ifindex: number, ip: string, mac: string) {
    const list = (this.ns.neighbours.get(ifindex) ?? []).filter((e) => e.ip !== ip)
    this.ns.neighbours.set(ifindex, [...list, { ip, mac, permanent: true }])
    this.k.record(this.path, `neighbour ${ip} lladdr ${mac}`)
  }

  async deleteNeighbour(ifindex: number, ip: string) {
    const list = this.ns.neighbours.get(ifindex) ?? []
    const kept = list.filter((e) => e.ip !== ip)
    this.ns.neighbours.set(ifindex, kept)
    if (kept.length !== list.length) this.k.record(this.path, `delete neighbour ${ip}`)
    return kept.length !== list.length
  }

  async listNeighbours(ifindex: number) {
    return [...(this.ns.neighbours.get(ifindex) ?? [])]
  }

  async ensureAddress(index: number, cidr: string) {
    if (!this.link(index)) throw new KernelError('ENODEV', `add address ${cidr} to link ${index}: no such device`)
    if (this.ns.addresses.some((a) => a.index === index && a.cidr === cidr)) return false
    this.ns.addresses.push({ index, cidr })
    this.k.record(this.path, `address ${cidr} on ${this.link(index)!.name}`)
    return true
  }

  async createVethPeerInNetns(o: VethIntoNetns) {
    if (this.link(o.hostName)) await this.deleteLink(o.hostName)
    const inside = this.k.netns(o.peerNetnsPath)
    if (inside.links.some((l) => l.name === o.peerName)) throw new KernelError('EEXIST', `create veth ${o.hostName}: ${o.peerName} exists in the container`)
    const hostEnd: LinkInfo = { index: this.k.index(), name: o.hostName, kind: 'veth', master: o.master, mac: '', up: true, mtu: o.hostMtu ?? 1500, group: o.group ?? 0, isolated: o.master === undefined ? undefined : false }
    const peer: LinkInfo = { index: this.k.index(), name: o.peerName, kind: 'veth', mac: o.peerMac, up: false, mtu: o.hostMtu ?? 1500, group: 0 }
    this.ns.links.push(hostEnd)
    inside.links.push(peer)
    peers.set(hostEnd, { ns: inside, link: peer })
    this.k.record(this.path, `create veth ${o.hostName} peer ${o.peerName} in ${o.peerNetnsPath} mac ${o.peerMac}`)
  }

  async setLinkUp(nameOrIndex: string | number) {
    const l = this.link(nameOrIndex)
    if (!l) throw new KernelError('ENODEV', `set link ${nameOrIndex} up: no such device ${nameOrIndex}`)
    if (l.up) return
    l.up = true
    this.k.record(this.path, `up ${l.name}`)
  }

  async setPortIsolated(index: number, isolated: boolean) {
    const l = this.link(index)
    if (!l) throw new KernelError('ENODEV', `set port isolation of link ${index}: no such device`)
    // The kernel refuses a port setting on a link with no bridge master.
    if (l.master === undefined) throw new KernelError('EOPNOTSUPP', `set port isolation of link ${index}: not a bridge port`)
    l.isolated = isolated
    this.k.record(this.path, `isolate ${l.name} ${isolated ? 'on' : 'off'}`)
  }

  async deleteLink(name: string) {
    const l = this.link(name)
    if (!l) return false
    this.ns.links = this.ns.links.filter((x) => x !== l)
    this.ns.addresses = this.ns.addresses.filter((a) => a.index !== l.index)
    this.ns.routes = this.ns.routes.filter((r) => r.ifindex !== l.index)
    this.ns.fdb.delete(l.index)
    this.ns.neighbours.delete(l.index)
    const peer = peers.get(l)
    if (peer) peer.ns.links = peer.ns.links.filter((x) => x !== peer.link)
    this.k.record(this.path, `delete ${name}`)
    return true
  }

  async setDefaultRoute(gateway: string, ifname: string, index?: number) {
    const oif = index ?? this.link(ifname)?.index
    if (oif === undefined) throw new KernelError('ENODEV', `set default route via ${gateway} dev ${ifname}: no such device ${ifname}`)
    this.ns.routes = [...this.ns.routes.filter((r) => r.dst !== '0.0.0.0/0'), { dst: '0.0.0.0/0', gateway, ifindex: oif }]
    this.k.record(this.path, `default via ${gateway} dev ${ifname}`)
  }

  async deleteDefaultRoute() {
    const had = this.ns.routes.some((r) => r.dst === '0.0.0.0/0')
    this.ns.routes = this.ns.routes.filter((r) => r.dst !== '0.0.0.0/0')
    if (had) this.k.record(this.path, 'delete default route')
    return had
  }

  async listLinks() {
    return this.ns.links.map((l) => ({ ...l }))
  }

  async listAddresses() {
    return [...this.ns.addresses]
  }

  async listRoutes() {
    return [...this.ns.routes]
  }

  close(): void {}
}

/** Each host-side veth end and its peer, so deleting one end takes the other, as in the kernel. */
const peers = new WeakMap<LinkInfo, { ns: FakeNetns; link: LinkInfo }>()
