import { closeSync, openSync } from 'node:fs'
import { endianness } from 'node:os'
// Only the rtnetlink parts: the package's index also loads its nl80211, genetlink and
// WireGuard codecs (~25 ms at start-up). The bundle inlines these (scripts/bundle.mjs).
import { FlagsNew } from 'netlink/dist/constants.js'
import { createRtNetlink } from 'netlink/dist/rt/rt.js'
import type { RtNetlinkSocket } from 'netlink/dist/rt/rt.js'
import * as ifla from 'netlink/dist/rt/ifla.js'
import * as rtCodec from 'netlink/dist/rt/structs.js'
import type * as rt from 'netlink/dist/rt/structs.js'
import { AttrStream, type StreamData } from 'netlink/dist/structs.js'
import { crashPoint } from './crash-point.js'
import { KernelError, mapNetlinkError } from './errors.js'
import { bufferToIpv4, ipv4ToBuffer, parseIpv4Cidr } from './ipv4.js'
import { native } from './native.js'
import { withNetns } from './netns.js'


const AF_INET = 2
const AF_INET6 = 10
/** DEVCONF_DISABLE_IPV6: its slot in the s32 array IFLA_INET6_CONF carries (linux/ipv6.h). */
const DEVCONF_DISABLE_IPV6 = 26
const MAIN_TABLE = 254
const CREATE_EXCL = FlagsNew.CREATE | FlagsNew.EXCL
const UP = { flags: { up: true as const }, change: { up: true as const } }

export interface LinkInfo {
  index: number
  name: string
  kind?: string
  master?: number
  mac: string
  up: boolean
  mtu: number
  /** Device group (IFLA_GROUP); patchbay stamps its own links with one. */
  group: number
}

export interface AddressInfo {
  index: number
  cidr: string
}

export interface RouteInfo {
  /** CIDR; '0.0.0.0/0' for the default route */
  dst: string
  gateway?: string
  ifindex?: number
}

export interface VethIntoNetns {
  hostName: string
  peerName: string
  peerNetnsPath: string
  peerMac: string
  /** Applied to both ends: a veth pair with mismatched MTUs silently drops large frames. */
  hostMtu?: number
  /** ifindex of the bridge the host end joins */
  master?: number
  /** Device group of the host end, set in the creating request. */
  group?: number
}

/** netlink 0.3.0 takes nested attributes (linkinfo, veth peer) as pre-encoded buffers. */
function encode(data: StreamData): Buffer {
  const stream = new AttrStream()
  stream.emit(data)
  return Buffer.concat(stream.bufs)
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

export class Rtnl {
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
   */
  async ensureBridge(name: string, opts: { mtu?: number; group?: number } = {}): Promise<{ index: number; created: boolean }> {
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
    const index = link.data.index!
    const mtu = opts.mtu !== undefined && opts.mtu !== link.attrs.mtu ? opts.mtu : undefined
    const group = opts.group !== undefined && opts.group !== link.attrs.group ? opts.group : undefined
    if (!link.data.flags?.up || mtu !== undefined || group !== undefined) {
      crashPoint()
      await this.run(`set up bridge ${name}`, () => this.sock.setLink({ index, ...UP }, { mtu, group }))
    }
    return { index, created }
  }

  /** Adds an IPv4 address (with its broadcast) unless that exact address/prefix is already on the link. */
  async ensureAddress(index: number, cidr: string): Promise<boolean> {
    const { address, prefixLength, broadcast } = parseIpv4Cidr(cidr)
    crashPoint()
    try {
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
   * end from an interrupted attempt is deleted (taking its peer with it) and the pair recreated.
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
          if (codeOf(err) !== 'EEXIST' || !(await this.deleteLink(o.hostName))) throw err
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

  /** Sets (creating or replacing) the IPv4 default route of the main table; `index`: ifname's, when known. */
  async setDefaultRoute(gateway: string, ifname: string, index?: number): Promise<void> {
    const what = `set default route via ${gateway} dev ${ifname}`
    const oif = index ?? (await this.requireIndex(ifname, what))
    const gw = ipv4ToBuffer(gateway)
    crashPoint()
    await this.run(what, () =>
      this.sock.newRoute(
        { family: AF_INET, dstLen: 0, table: MAIN_TABLE, protocol: 'BOOT', scope: 'UNIVERSE', type: 'UNICAST' },
        { gateway: gw, oif },
        { flags: FlagsNew.CREATE | FlagsNew.REPLACE },
      ),
    )
  }

  /** Deletes every IPv4 default route in the main table; false when there was none. */
  async deleteDefaultRoute(): Promise<boolean> {
    let deleted = false
    crashPoint()
    // scope NOWHERE and type/protocol 0 are the kernel's wildcards when matching a route to delete.
    for (let i = 0; i < 64; i++) {
      try {
        await this.sock.delRoute({ family: AF_INET, dstLen: 0, table: MAIN_TABLE, scope: 'NOWHERE' })
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
    return msgs.map(({ data, attrs }) => ({
      index: data.index!,
      name: attrs.ifname ?? '',
      kind: attrs.linkinfo ? ifla.parseInfo(attrs.linkinfo).kind : undefined,
      master: attrs.master,
      mac: formatMac(attrs.address),
      up: data.flags?.up === true,
      mtu: attrs.mtu ?? 0,
      group: attrs.group ?? 0,
    }))
  }

  async listAddresses(): Promise<AddressInfo[]> {
    const msgs = await this.run('list addresses', () => this.sock.getAddresses({ family: AF_INET }))
    return msgs
      .filter(({ data, attrs }) => data.family === AF_INET && (attrs.local ?? attrs.address))
      .map(({ data, attrs }) => ({ index: data.index!, cidr: `${bufferToIpv4((attrs.local ?? attrs.address)!)}/${data.prefixlen}` }))
  }

  async listRoutes(): Promise<RouteInfo[]> {
    const msgs = await this.run('list routes', () => this.sock.getRoutes({ family: AF_INET }))
    return msgs
      .filter(({ data, attrs }) => data.family === AF_INET && (attrs.table ?? data.table) === MAIN_TABLE)
      .map(({ data, attrs }) => ({
        dst: `${attrs.dst ? bufferToIpv4(attrs.dst) : '0.0.0.0'}/${data.dstLen ?? 0}`,
        gateway: attrs.gateway ? bufferToIpv4(attrs.gateway) : undefined,
        ifindex: attrs.oif,
      }))
  }
}
