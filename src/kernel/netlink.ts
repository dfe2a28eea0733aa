import { closeSync, openSync } from 'node:fs'
import { isIPv4, isIPv6 } from 'node:net'
import { endianness } from 'node:os'
// Only the rtnetlink parts: the package's index also loads its nl80211, genetlink and
// WireGuard codecs (~25 ms at start-up). The bundle inlines these (scripts/bundle.mjs).
import { FlagsNew } from 'netlink/dist/constants.js'
import { createRtNetlink } from 'netlink/dist/rt/rt.js'
import type { RtNetlinkSocket } from 'netlink/dist/rt/rt.js'
import * as ifla from 'netlink/dist/rt/ifla.js'
import * as rtCodec from 'netlink/dist/rt/structs.js'
import type * as rt from 'netlink/dist/rt/structs.js'
import { AttrStream, putU16be, type StreamData } from 'netlink/dist/structs.js'
import { crashPoint } from './crash-point.js'
import { KernelError, mapNetlinkError } from './errors.js'
import { bufferToIpv4, ipv4ToBuffer, parseIpv4Cidr } from './ipv4.js'
import { formatIpv6, parseIpv6 } from '../ipam/ipv6.js'
import { native } from './native.js'
import type { AddressInfo, FdbEntry, LinkInfo, LinkOps, NeighbourInfo, RouteInfo, VethIntoNetns, VxlanInfo, VxlanOptions } from './ops.js'
import { withNetns } from './netns.js'


const AF_INET = 2
const AF_INET6 = 10
/** Neighbour messages of this family address a device's forwarding database (bridge fdb). */
const AF_BRIDGE = 7
/** DEVCONF_DISABLE_IPV6: its slot in the s32 array IFLA_INET6_CONF carries (linux/ipv6.h). */
const DEVCONF_DISABLE_IPV6 = 26
const MAIN_TABLE = 254
const CREATE_EXCL = FlagsNew.CREATE | FlagsNew.EXCL
const CREATE_REPLACE = FlagsNew.CREATE | FlagsNew.REPLACE
const PERMANENT = { permanent: true as const }
const SELF = { self: true as const }
const MAX_VNI = 0xffffff
/** 1500 less the encapsulation: outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8. */
const VXLAN_MTU = 1450
const VXLAN_PORT = 4789
const UP = { flags: { up: true as const }, change: { up: true as const } }

/** netlink 0.3.0 takes nested attributes (linkinfo, veth peer) as pre-encoded buffers. */
function encode(data: StreamData): Buffer {
  const stream = new AttrStream()
  stream.emit(data)
  return Buffer.concat(stream.bufs)
}

/** An IPv6 address in any text form as its 16 bytes. */
function ipv6ToBuffer(ip: string): Buffer {
  const n = parseIpv6(ip)
  if (n === undefined) throw new KernelError('EINVAL', `invalid IPv6 address: ${ip}`)
  return Buffer.from(n.toString(16).padStart(32, '0'), 'hex')
}

function codeOf(err: unknown): string | undefined {
  return /Request rejected: (E[A-Z0-9]+)/.exec((err as Error)?.message ?? '')?.[1]
}

function macToBuffer(mac: string): Buffer {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)) throw new KernelError('EINVAL', `invalid MAC address: ${mac}`)
  return Buffer.from(mac.split(':').map((b) => parseInt(b, 16)))
}

function formatMac(buf: Buffer | undefined): string {
  return buf ? [...buf].map((b) => b.toString(16).padStart(2, '0')).join(':') : ''
}

/** An IP address as neighbour and VXLAN attributes carry it, with the family it belongs to. */
function inetAddress(ip: string, what: string): { family: number; buf: Buffer } {
  if (isIPv4(ip)) return { family: AF_INET, buf: ipv4ToBuffer(ip) }
  if (isIPv6(ip)) throw new KernelError('ENOTSUP', `${what}: IPv6 is not supported yet`)
  throw new KernelError('EINVAL', `${what}: invalid IP address: ${ip}`)
}

/** An address attribute, whose family its length tells; undefined for IPv6, not handled yet. */
function formatInet(buf: Buffer): string | undefined {
  return buf.length === 4 ? bufferToIpv4(buf) : undefined
}

function vxlanInfo(data: Buffer | undefined): VxlanInfo {
  const v = data ? ifla.parseVxlan(data) : {}
  return {
    vni: v.id ?? 0,
    local: v.local ? bufferToIpv4(v.local) : '',
    port: v.port?.readUInt16BE(0) ?? 0,
    learning: v.learning === 1,
    proxy: v.proxy === 1,
  }
}

/** The kernel takes a vxlan without a VNI (it becomes 0, on port 8472), so arguments are checked here. */
function wantedVxlan(o: VxlanOptions, what: string): { info: VxlanInfo; local: Buffer; mtu: number } {
  const port = o.port ?? VXLAN_PORT
  const mtu = o.mtu ?? VXLAN_MTU
  if (!Number.isInteger(o.vni) || o.vni < 1 || o.vni > MAX_VNI) throw new KernelError('EINVAL', `${what}: invalid VNI ${o.vni} (1-${MAX_VNI})`)
  if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw new KernelError('EINVAL', `${what}: invalid UDP port ${port}`)
  if (!Number.isInteger(mtu) || mtu < 68) throw new KernelError('EINVAL', `${what}: invalid MTU ${mtu}`)
  const local = inetAddress(o.local, what).buf
  return { info: { vni: o.vni, local: o.local, port, learning: false, proxy: true }, local, mtu }
}

/**
 * One rtnetlink socket, bound to one network namespace for its whole life. Every method maps
 * kernel rejections to KernelError with a message saying what was being done.
 */
/**
 * Deletes a link of the namespace patchbay runs in without blocking this thread: the kernel
 * waits for an RCU grace period (10-30 ms for a veth pair) inside the request, and the caller
 * can do its other work meanwhile. Resolves false when there was no such link.
 */
export function deleteHostLinkInBackground(name: string): Promise<boolean> {
  crashPoint()
  return native()
    .deleteLinkInBackground(name)
    .catch((err: unknown) => {
      throw mapNetlinkError(err, `delete link ${name}`)
    })
}

export class Rtnl implements LinkOps {
  private constructor(private readonly sock: RtNetlinkSocket) {}

  /** A socket in the calling thread's netns, or in the netns pinned at nsPath. */
  static open(nsPath?: string): Rtnl {
    // The socket is bound at creation, so it keeps talking to nsPath after the thread switches back.
    return new Rtnl(nsPath === undefined ? createRtNetlink() : withNetns(nsPath, () => createRtNetlink()))
  }

  close(): void {
    this.sock.socket.close()
  }

  private async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op()
    } catch (err) {
      throw mapNetlinkError(err, what)
    }
  }

  /** Looks a link up by name; undefined when there is none. */
  async linkIndex(name: string): Promise<number | undefined> {
    return (await this.getLinkByName(name))?.data.index
  }

  /**
   * Looks a link up by name: its index, and whether IPv6 is on for it (never on a kernel
   * without IPv6). The kernel's reply carries the link's IPv6 settings, so asking costs nothing.
   */
  async findLink(name: string): Promise<{ index: number; ipv6: boolean } | undefined> {
    const link = await this.getLinkByName(name)
    if (!link) return undefined
    const inet6 = link.attrs.afSpec?.get(AF_INET6)
    const conf = inet6 && ifla.parseLinkProtocolInfoInet6(inet6).conf
    const off = (at: number) => (endianness() === 'LE' ? conf!.readInt32LE(at) : conf!.readInt32BE(at)) !== 0
    const ipv6 = conf !== undefined && conf.length >= 4 * (DEVCONF_DISABLE_IPV6 + 1) && !off(4 * DEVCONF_DISABLE_IPV6)
    return { index: link.data.index!, ipv6 }
  }

  private async getLinkByName(name: string): Promise<rt.LinkMessage | undefined> {
    try {
      const [msg] = await this.sock.getLink({}, { ifname: name })
      return msg
    } catch (err) {
      if (codeOf(err) === 'ENODEV') return undefined
      throw mapNetlinkError(err, `look up link ${name}`)
    }
  }

  private async requireIndex(name: string, what: string): Promise<number> {
    const index = await this.linkIndex(name)
    if (index === undefined) throw new KernelError('ENODEV', `${what}: no such device ${name}`)
    return index
  }

  /**
   * Creates the bridge if it is missing, brings it up and applies mtu. A non-bridge link of that
   * name is an error. The MTU is set by a separate change, never at creation: only a change marks
   * it as user-set, and otherwise the kernel re-derives a bridge's MTU from its ports as they join.
   * An existing bridge without `group` is someone else's (docker's, the administrator's): it is
   * refused unless `claimUnmarked` (restore, repairing a bridge the log says is patchbay's), since
   * patchbay would otherwise put addresses on it and delete it with its network.
   */
  async ensureBridge(name: string, opts: { mtu?: number; group?: number; claimUnmarked?: boolean } = {}): Promise<{ index: number; created: boolean }> {
    const what = `create bridge ${name}`
    let link = await this.getLinkByName(name)
    let created = false
    if (!link) {
      await this.run(what, async () => {
        try {
          const linkinfo = encode(ifla.formatInfo({ kind: 'bridge' }))
          crashPoint()
          await this.sock.newLink({}, { ifname: name, linkinfo, group: opts.group }, { flags: CREATE_EXCL })
          created = true
        } catch (err) {
          // Lost a race with another creator: the bridge exists now, which is all we want.
          if (codeOf(err) !== 'EEXIST') throw err
        }
      })
      link = await this.getLinkByName(name)
      if (!link) throw new KernelError('ENODEV', `${what}: it vanished right after creation`)
    }
    const kind = link.attrs.linkinfo ? ifla.parseInfo(link.attrs.linkinfo).kind : undefined
    if (kind !== 'bridge') throw new KernelError('EEXIST', `${what}: a ${kind ?? 'non-bridge'} link with that name exists`)
    if (!created && opts.group !== undefined && link.attrs.group !== opts.group && !opts.claimUnmarked) {
      throw new KernelError('EEXIST', `${what}: a bridge with that name exists that patchbay did not make (choose another com.docker.network.bridge.name)`)
    }
    const index = link.data.index!
    const mtu = opts.mtu !== undefined && opts.mtu !== link.attrs.mtu ? opts.mtu : undefined
    const group = opts.group !== undefined && opts.group !== link.attrs.group ? opts.group : undefined
    if (!link.data.flags?.up || mtu !== undefined || group !== undefined) {
      crashPoint()
      await this.run(`set up bridge ${name}`, () => this.sock.setLink({ index, ...UP }, { mtu, group }))
    }
    return { index, created }
  }

  /**
   * Creates the VXLAN device if it is missing: nolearning (remote MACs come only from
   * replaceFdbEntry) and proxy (it answers ARP for remote endpoints from the neighbour entries
   * replaceNeighbour puts on it; without both, a container's ARP request dies at the device).
   * Brings it up, applies mtu and group, and enslaves it to master when given. An existing link
   * of that name that is not a vxlan, or one with other VNI, local address, port, learning or
   * proxy settings, is an error and left alone: another network's, or not patchbay's.
   */
  async ensureVxlan(name: string, opts: VxlanOptions): Promise<{ index: number; created: boolean }> {
    const what = `create vxlan ${name}`
    const want = wantedVxlan(opts, what)
    let link = await this.getLinkByName(name)
    if (!link) {
      const created = await this.run(what, async () => {
        const data = encode(
          ifla.formatVxlan({ id: want.info.vni, local: want.local, port: putU16be(want.info.port), learning: 0, proxy: 1 }),
        )
        const linkinfo = encode(ifla.formatInfo({ kind: 'vxlan', data }))
        try {
          crashPoint()
          const attrs = { ifname: name, mtu: want.mtu, master: opts.master, group: opts.group, linkinfo }
          await this.sock.newLink({ ...UP }, attrs, { flags: CREATE_EXCL })
          return true
        } catch (err) {
          // Lost a race with another creator: checked below like any existing link.
          if (codeOf(err) !== 'EEXIST') throw err
          return false
        }
      })
      link = await this.getLinkByName(name)
      if (!link) throw new KernelError('ENODEV', `${what}: it vanished right after creation`)
      if (created) return { index: link.data.index!, created }
    }
    const info = link.attrs.linkinfo ? ifla.parseInfo(link.attrs.linkinfo) : undefined
    if (info?.kind !== 'vxlan') throw new KernelError('EEXIST', `${what}: a ${info?.kind ?? 'non-vxlan'} link with that name exists`)
    const have = vxlanInfo(info.data)
    for (const key of ['vni', 'local', 'port', 'learning', 'proxy'] as const) {
      if (have[key] !== want.info[key]) {
        throw new KernelError('EEXIST', `${what}: a vxlan with that name exists with ${key} ${have[key] === '' ? 'unset' : have[key]}, not ${want.info[key]}`)
      }
    }
    const index = link.data.index!
    const mtu = want.mtu !== link.attrs.mtu ? want.mtu : undefined
    const master = opts.master !== undefined && opts.master !== link.attrs.master ? opts.master : undefined
    const group = opts.group !== undefined && opts.group !== link.attrs.group ? opts.group : undefined
    if (!link.data.flags?.up || mtu !== undefined || master !== undefined || group !== undefined) {
      crashPoint()
      await this.run(`set up vxlan ${name}`, () => this.sock.setLink({ index, ...UP }, { mtu, master, group }))
    }
    return { index, created: false }
  }

  /** Points mac at the remote VTEP on a VXLAN device, replacing whatever it pointed at before. */
  async replaceFdbEntry(ifindex: number, mac: string, remoteIp: string): Promise<void> {
    const what = `set fdb entry ${mac} dst ${remoteIp} on link ${ifindex}`
    const lladdr = macToBuffer(mac)
    const dst = inetAddress(remoteIp, what).buf
    crashPoint()
    // The vxlan keeps only NUD_PERMANENT entries forever; it ages out NUD_REACHABLE ones.
    await this.run(what, () =>
      this.sock.newNeighbor({ family: AF_BRIDGE, ifindex, state: PERMANENT, flags: SELF }, { lladdr, dst }, { flags: CREATE_REPLACE }),
    )
  }

  /**
   * Deletes mac → remoteIp from a VXLAN device's FDB; false when it held no such entry. An entry
   * for mac that points at another VTEP (the MAC moved) is kept: the kernel leaves it too, but
   * answers success, so the entry is looked up first to tell.
   */
  async deleteFdbEntry(ifindex: number, mac: string, remoteIp: string): Promise<boolean> {
    const what = `delete fdb entry ${mac} dst ${remoteIp} on link ${ifindex}`
    const lladdr = macToBuffer(mac)
    const dst = inetAddress(remoteIp, what).buf
    const key = { family: AF_BRIDGE, ifindex, flags: SELF }
    try {
      // Only the first remote comes back; patchbay never appends a second one.
      const [entry] = await this.sock.getNeighbor(key, { lladdr })
      if (!entry?.attrs.dst?.equals(dst)) return false
      crashPoint()
      await this.sock.delNeighbor(key, { lladdr, dst })
      return true
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return false
      throw mapNetlinkError(err, what)
    }
  }

  /** The VXLAN device's own remote entries (not what its bridge learned about it). */
  async listFdbEntries(ifindex: number): Promise<FdbEntry[]> {
    // The kernel ignores a filter in this (non-strict) request's header: every fdb comes back.
    const msgs = await this.run(`list fdb entries of link ${ifindex}`, () => this.sock.getNeighbors({ family: AF_BRIDGE }))
    const entries: FdbEntry[] = []
    for (const { data, attrs } of msgs) {
      if (data.ifindex !== ifindex || !data.flags?.self || !attrs.lladdr || !attrs.dst) continue
      const dst = formatInet(attrs.dst)
      if (dst) entries.push({ mac: formatMac(attrs.lladdr), dst })
    }
    return entries
  }

  /** Maps ip to mac on the link for good (NUD_PERMANENT), replacing any entry for ip. */
  async replaceNeighbour(ifindex: number, ip: string, mac: string): Promise<void> {
    const what = `set neighbour ${ip} lladdr ${mac} on link ${ifindex}`
    const lladdr = macToBuffer(mac)
    const { family, buf: dst } = inetAddress(ip, what)
    crashPoint()
    await this.run(what, () =>
      this.sock.newNeighbor({ family, ifindex, state: PERMANENT }, { dst, lladdr }, { flags: CREATE_REPLACE }),
    )
  }

  /** Deletes the link's neighbour entry for ip; false when there was none. */
  async deleteNeighbour(ifindex: number, ip: string): Promise<boolean> {
    const what = `delete neighbour ${ip} on link ${ifindex}`
    const { family, buf: dst } = inetAddress(ip, what)
    crashPoint()
    try {
      await this.sock.delNeighbor({ family, ifindex }, { dst })
      return true
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return false
      throw mapNetlinkError(err, what)
    }
  }

  /** The link's IPv4 neighbour entries that have a MAC (incomplete and failed ones have none). */
  async listNeighbours(ifindex: number): Promise<NeighbourInfo[]> {
    const msgs = await this.run(`list neighbours of link ${ifindex}`, () => this.sock.getNeighbors({ family: AF_INET }))
    const entries: NeighbourInfo[] = []
    for (const { data, attrs } of msgs) {
      if (data.ifindex !== ifindex || !attrs.lladdr || !attrs.dst) continue
      const ip = formatInet(attrs.dst)
      if (ip) entries.push({ ip, mac: formatMac(attrs.lladdr), permanent: data.state?.permanent === true })
    }
    return entries
  }

  /**
   * Adds an address unless that exact address/prefix is already on the link: IPv4 with its
   * broadcast; IPv6 without duplicate address detection (patchbay's allocator already made it
   * unique, and DAD would hold the address unusable for a second or more).
   */
  async ensureAddress(index: number, cidr: string): Promise<boolean> {
    crashPoint()
    try {
      if (cidr.includes(':')) {
        const [ip, len] = cidr.split('/')
        await this.sock.newAddress(
          { family: AF_INET6, prefixlen: Number(len), index, flags: { nodad: true } },
          { address: ipv6ToBuffer(ip!), flags: { nodad: true } },
          { flags: CREATE_EXCL },
        )
        return true
      }
      const { address, prefixLength, broadcast } = parseIpv4Cidr(cidr)
      await this.sock.newAddress(
        { family: AF_INET, prefixlen: prefixLength, index },
        { local: address, address, broadcast },
        { flags: CREATE_EXCL },
      )
      return true
    } catch (err) {
      if (codeOf(err) === 'EEXIST') return false
      throw mapNetlinkError(err, `add address ${cidr} to link ${index}`)
    }
  }

  /**
   * Creates a veth pair whose peer is born inside another namespace (IFLA_NET_NS_FD) with its
   * final name and MAC, so it never appears, even briefly, in this namespace under a name that
   * could clash. The host end is enslaved and brought up in the same request. A leftover host
   * end from an interrupted attempt (stamped with `group`) is deleted (taking its peer with it)
   * and the pair recreated; a link of that name that patchbay did not make is left alone.
   */
  async createVethPeerInNetns(o: VethIntoNetns): Promise<void> {
    const what = `create veth ${o.hostName}`
    const peerMac = macToBuffer(o.peerMac)
    const nsFd = openSync(o.peerNetnsPath, 'r')
    try {
      const peer = Buffer.concat([
        rtCodec.formatLink({}),
        encode(ifla.formatLinkAttrs({ ifname: o.peerName, netNsFd: nsFd, address: peerMac, mtu: o.hostMtu })),
      ])
      const linkinfo = encode(ifla.formatInfo({ kind: 'veth', data: encode(ifla.formatVethInfo({ peer })) }))
      const create = () => {
        crashPoint()
        return this.sock.newLink(
          { ...UP },
          { ifname: o.hostName, mtu: o.hostMtu, master: o.master, group: o.group, linkinfo },
          { flags: CREATE_EXCL },
        )
      }
      await this.run(what, async () => {
        try {
          await create()
        } catch (err) {
          if (codeOf(err) !== 'EEXIST') throw err
          const existing = await this.getLinkByName(o.hostName)
          if (existing && (existing.attrs.group ?? 0) !== (o.group ?? 0)) throw new KernelError('EEXIST', `${what}: a link with that name exists that patchbay did not make`)
          if (!(await this.deleteLink(o.hostName))) throw err
          await create()
        }
      })
    } finally {
      closeSync(nsFd)
    }
  }

  /** By index, or by name in the same request (the kernel looks a name up when the index is 0). */
  async setLinkUp(nameOrIndex: string | number): Promise<void> {
    const what = `set link ${nameOrIndex} up`
    crashPoint()
    try {
      if (typeof nameOrIndex === 'number') await this.sock.setLink({ index: nameOrIndex, ...UP })
      else await this.sock.setLink({ index: 0, ...UP }, { ifname: nameOrIndex })
    } catch (err) {
      if (codeOf(err) === 'ENODEV') throw new KernelError('ENODEV', `${what}: no such device ${nameOrIndex}`)
      throw mapNetlinkError(err, what)
    }
  }

  /**
   * Isolates a bridge port (or lets it go): an isolated port reaches only the bridge itself and
   * ports that are not isolated, never another isolated one. Set as `ip link set … type
   * bridge_slave isolated on` sets it: a NEWLINK on the existing link with the port's data.
   */
  async setPortIsolated(index: number, isolated: boolean): Promise<void> {
    const slaveData = encode(ifla.formatBridgePort({ isolated: Buffer.from([isolated ? 1 : 0]) }))
    const linkinfo = encode(ifla.formatInfo({ slaveKind: 'bridge', slaveData }))
    crashPoint()
    await this.run(`set port isolation of link ${index}`, () => this.sock.newLink({ index }, { linkinfo }, { flags: 0 }))
  }

  /** Deletes a link by name; false when it did not exist. Deleting one veth end removes both. */
  async deleteLink(name: string): Promise<boolean> {
    crashPoint()
    try {
      await this.sock.delLink({}, { ifname: name })
      return true
    } catch (err) {
      if (codeOf(err) === 'ENODEV') return false
      throw mapNetlinkError(err, `delete link ${name}`)
    }
  }

  /** Sets (creating or replacing) the default route of the main table, of the gateway's family; `index`: ifname's, when known. */
  async setDefaultRoute(gateway: string, ifname: string, index?: number): Promise<void> {
    const what = `set default route via ${gateway} dev ${ifname}`
    const oif = index ?? (await this.requireIndex(ifname, what))
    const v6 = gateway.includes(':')
    const gw = v6 ? ipv6ToBuffer(gateway) : ipv4ToBuffer(gateway)
    crashPoint()
    await this.run(what, () =>
      this.sock.newRoute(
        { family: v6 ? AF_INET6 : AF_INET, dstLen: 0, table: MAIN_TABLE, protocol: 'BOOT', scope: 'UNIVERSE', type: 'UNICAST' },
        { gateway: gw, oif },
        { flags: FlagsNew.CREATE | FlagsNew.REPLACE },
      ),
    )
  }

  /** Deletes every default route of a family (IPv4 unless told) in the main table; false when there was none. */
  async deleteDefaultRoute(family: 4 | 6 = 4): Promise<boolean> {
    let deleted = false
    crashPoint()
    // scope NOWHERE and type/protocol 0 are the kernel's wildcards when matching a route to delete.
    for (let i = 0; i < 64; i++) {
      try {
        await this.sock.delRoute({ family: family === 6 ? AF_INET6 : AF_INET, dstLen: 0, table: MAIN_TABLE, scope: 'NOWHERE' })
        deleted = true
      } catch (err) {
        if (codeOf(err) === 'ESRCH') return deleted
        throw mapNetlinkError(err, 'delete default route')
      }
    }
    return deleted
  }

  async listLinks(): Promise<LinkInfo[]> {
    const msgs = await this.run('list links', () => this.sock.getLinks())
    return msgs.map(({ data, attrs }) => {
      const info = attrs.linkinfo ? ifla.parseInfo(attrs.linkinfo) : undefined
      return {
        index: data.index!,
        name: attrs.ifname ?? '',
        kind: info?.kind,
        master: attrs.master,
        mac: formatMac(attrs.address),
        up: data.flags?.up === true,
        mtu: attrs.mtu ?? 0,
        group: attrs.group ?? 0,
        vxlan: info?.kind === 'vxlan' ? vxlanInfo(info.data) : undefined,
        isolated: info?.slaveKind === 'bridge' && info.slaveData ? ifla.parseBridgePort(info.slaveData).isolated?.[0] === 1 : undefined,
      }
    })
  }

  /** IPv4 addresses, and IPv6 ones of global scope (not link-local or loopback ones, which patchbay never sets). */
  async listAddresses(): Promise<AddressInfo[]> {
    // One dump of both families (AF_UNSPEC): restore lists every container's addresses.
    const msgs = await this.run('list addresses', () => this.sock.getAddresses({ family: 0 }))
    return [
      ...msgs
        .filter(({ data, attrs }) => data.family === AF_INET && (attrs.local ?? attrs.address))
        .map(({ data, attrs }) => ({ index: data.index!, cidr: `${bufferToIpv4((attrs.local ?? attrs.address)!)}/${data.prefixlen}` })),
      ...msgs
        .filter(({ data, attrs }) => data.family === AF_INET6 && data.scope === 0 && attrs.address)
        .map(({ data, attrs }) => ({ index: data.index!, cidr: `${formatIpv6(BigInt(`0x${attrs.address!.toString('hex')}`))}/${data.prefixlen}` })),
    ]
  }

  async listRoutes(): Promise<RouteInfo[]> {
    // One dump of both families (AF_UNSPEC); of IPv6, only default routes ('::/0'), the one kind patchbay sets.
    const msgs = await this.run('list routes', () => this.sock.getRoutes({ family: 0 }))
    const main = msgs.filter(({ data, attrs }) => (attrs.table ?? data.table) === MAIN_TABLE)
    return [
      ...main
        .filter(({ data }) => data.family === AF_INET)
        .map(({ data, attrs }) => ({
          dst: `${attrs.dst ? bufferToIpv4(attrs.dst) : '0.0.0.0'}/${data.dstLen ?? 0}`,
          gateway: attrs.gateway ? bufferToIpv4(attrs.gateway) : undefined,
          ifindex: attrs.oif,
        })),
      ...main
        .filter(({ data, attrs }) => data.family === AF_INET6 && (data.dstLen ?? 0) === 0 && attrs.gateway)
        .map(({ attrs }) => ({ dst: '::/0', gateway: formatIpv6(BigInt(`0x${attrs.gateway!.toString('hex')}`)), ifindex: attrs.oif })),
    ]
  }
}
