/**
 * What the rest of patchbay may ask of the kernel: the types and operations drivers, restore
 * and the effects runner use, with no library behind them. src/kernel/netlink.ts implements
 * LinkOps over rtnetlink (the only file that knows the netlink package), the KernelSession in
 * src/drivers/ implements KernelOps with it, and the unit tests implement both in memory
 * (test/unit/fake-kernel.ts), so a driver's plan, apply and repair run without root.
 */

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
  vxlan?: VxlanInfo
  /** For a bridge port: whether it is isolated (it reaches no other isolated port). */
  isolated?: boolean
}

/** What `restore` compares on a VXLAN device; '' for a local address it does not have. */
export interface VxlanInfo {
  vni: number
  local: string
  port: number
  learning: boolean
  /** Answers ARP from its neighbour table (the entries replaceNeighbour adds) instead of flooding. */
  proxy: boolean
}

export interface VxlanOptions {
  vni: number
  /** The VTEP address this host sends from (its advertise address). */
  local: string
  /** UDP destination port; 4789 (IANA) unless given. */
  port?: number
  /** 1450 unless given. */
  mtu?: number
  /** ifindex of the bridge it joins */
  master?: number
  /** Device group (IFLA_GROUP), not a multicast group: remote VTEPs come from FDB entries only. */
  group?: number
}

export interface FdbEntry {
  mac: string
  /** The remote VTEP's address */
  dst: string
}

export interface NeighbourInfo {
  ip: string
  mac: string
  permanent: boolean
}

export interface AddressInfo {
  index: number
  cidr: string
}

export interface RouteInfo {
  /** CIDR; '0.0.0.0/0' for the default route, '::/0' for the IPv6 one (the only IPv6 routes listed) */
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

/** What one network namespace holds, as far as patchbay cares. */
export interface ObservedNetns {
  links: LinkInfo[]
  addresses: AddressInfo[]
  routes: RouteInfo[]
}

/** One network namespace's links, addresses, routes, FDB and neighbour entries. */
export interface LinkOps {
  linkIndex(name: string): Promise<number | undefined>
  /** Its index, and whether IPv6 is on for it. */
  findLink(name: string): Promise<{ index: number; ipv6: boolean } | undefined>
  ensureBridge(name: string, opts?: { mtu?: number; group?: number; claimUnmarked?: boolean }): Promise<{ index: number; created: boolean }>
  ensureVxlan(name: string, opts: VxlanOptions): Promise<{ index: number; created: boolean }>
  replaceFdbEntry(ifindex: number, mac: string, remoteIp: string): Promise<void>
  deleteFdbEntry(ifindex: number, mac: string, remoteIp: string): Promise<boolean>
  listFdbEntries(ifindex: number): Promise<FdbEntry[]>
  replaceNeighbour(ifindex: number, ip: string, mac: string): Promise<void>
  deleteNeighbour(ifindex: number, ip: string): Promise<boolean>
  listNeighbours(ifindex: number): Promise<NeighbourInfo[]>
  ensureAddress(index: number, cidr: string): Promise<boolean>
  createVethPeerInNetns(o: VethIntoNetns): Promise<void>
  setLinkUp(nameOrIndex: string | number): Promise<void>
  setPortIsolated(index: number, isolated: boolean): Promise<void>
  deleteLink(name: string): Promise<boolean>
  setDefaultRoute(gateway: string, ifname: string, index?: number): Promise<void>
  deleteDefaultRoute(family?: 4 | 6): Promise<boolean>
  listLinks(): Promise<LinkInfo[]>
  listAddresses(): Promise<AddressInfo[]>
  listRoutes(): Promise<RouteInfo[]>
  close(): void
}

/**
 * The kernel as one mutation, one batch or one restore sees it: sockets per namespace opened
 * once, namespaces, the sysctls patchbay sets, deletions left running in the background, and
 * what the session already made sure of.
 */
export interface KernelOps {
  /** Stamped on every link made in the host namespace (see Paths.linkGroup). */
  readonly linkGroup: number
  /** Restore's session: takes over a device of the log's name that lacks the stamp. */
  readonly claimUnmarked: boolean
  /** Devices made sure of (up, addressed) in this session, by name, with their index. */
  readonly ensured: Map<string, number>
  /** Set when networks came or went, so the firewall is rendered again once at the end. */
  firewallDirty: boolean
  /** The namespace patchbay runs in (the host). */
  host(): LinkOps
  /** The namespace at path; the host's for null. */
  inNetns(path: string | null): LinkOps
  /** Brings up lo in the namespace at path (once per session and namespace). */
  upLoopback(path: string): Promise<void>
  createNetns(path: string): void
  deleteNetns(path: string): void
  isNetnsMount(path: string): boolean
  /** IPv6 off on one interface of a namespace, or on every interface made there later ('default'). */
  disableIpv6(netnsPath: string, ifname: string): void
  /** IPv6 on for one interface, of an endpoint on a network with IPv6. */
  enableIpv6(netnsPath: string, ifname: string): void
  enableIpv4Forwarding(): void
  enableIpv6Forwarding(): void
  /** Deletes a host link while the mutation goes on; settle() waits for it. */
  deleteHostLinkSoon(name: string): void
  settle(): Promise<void>
  /** Forgets the socket of a namespace that is going away. */
  dropNetns(path: string): void
  /** Files patchbay keeps for containers (hosts, resolv.conf) and reads of the host's. */
  readonly files: FileOps
  /**
   * Replaces patchbay's nftables table with `ruleset` in one transaction (in the host
   * namespace) and returns nft's listing of it as applied.
   */
  applyFirewall(ruleset: string): string
}

/** Files, written in place (the same inode: containers see them through bind mounts). */
export interface FileOps {
  /** The file's text, or undefined when there is none. */
  read(path: string): string | undefined
  /** Writes unless it already holds exactly that; whether it wrote. */
  write(path: string, content: string): boolean
  /** Appends to an existing file; false, writing nothing, when there is none. */
  append(path: string, content: string): boolean
  /** Removes it; a missing file is fine. */
  remove(path: string): void
}
