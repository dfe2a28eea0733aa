import { type Paths, hostsFilePath, resolvFilePath } from '../config/paths.js'
import type { ObservedNetns } from '../kernel/ops.js'
import type { Observed } from './observe.js'
import type { EndpointConnected } from '../events/types.js'
import type { RemotePeer } from '../drivers/contract.js'
import { driverFor } from '../drivers/registry.js'
import { rulesetFor } from '../drivers/firewall-parts.js'
import type { ContainerRow, EndpointRow, NetworkRow, StateQueries } from '../projections/queries.js'
import { hostsRenderer } from '../core/hosts.js'
import { renderResolvConf } from '../core/resolv.js'

/** One change that brings the kernel (or the run directory) back in line with the projections. */
export type RestoreAction =
  | { kind: 'delete-link'; name: string; what: string }
  | { kind: 'delete-netns'; path: string }
  | { kind: 'remove-file'; path: string; what: string }
  | { kind: 'ensure-network'; network: NetworkRow; local: EndpointRow[]; device: string; noun: string; why: string }
  | { kind: 'create-netns'; container: ContainerRow }
  | { kind: 'connect'; endpoint: EndpointConnected; why: string }
  | { kind: 'add-address'; netnsPath: string; ifname: string; cidr: string; container: string }
  | { kind: 'link-up'; netnsPath: string | null; ifname: string; where: string }
  | { kind: 'default-route'; netnsPath: string; gateway: string; gateway6: string | null; ifname: string; container: string }
  | { kind: 'delete-default-route'; netnsPath: string; container: string }
  | { kind: 'firewall'; why: string }
  | { kind: 'forwarding' }
  | { kind: 'write-file'; path: string; content: string; what: string }
  | { kind: 'join-peer'; network: NetworkRow; peer: RemotePeer; why: string }
  | { kind: 'leave-peer'; network: NetworkRow; peer: RemotePeer }

export interface RestorePlan {
  actions: RestoreAction[]
  /** Things restore must not fix: adopted namespaces that are gone. */
  skipped: string[]
  /** What was compared, for the "nothing to do" summary. */
  checked: { networks: number; containers: number; endpoints: number }
}

export function describeAction(a: RestoreAction): string {
  switch (a.kind) {
    case 'delete-link':
      return `delete ${a.what} ${a.name} (not in the log)`
    case 'delete-netns':
      return `delete namespace ${a.path} (not in the log)`
    case 'remove-file':
      return `remove ${a.what} ${a.path} (not in the log)`
    case 'ensure-network':
      return `${a.device} of network ${a.network.name}: ${a.why}`
    case 'create-netns':
      return `create namespace of container ${a.container.name} at ${a.container.netnsPath}`
    case 'connect': {
      const e = a.endpoint
      return `connect ${e.containerName} to ${e.networkName}: ${e.ifname} ${e.ipv4}/${e.prefixLen} ${e.mac} via ${e.hostIfname} (${a.why})`
    }
    case 'add-address':
      return `add address ${a.cidr} to ${a.ifname} of ${a.container}`
    case 'link-up':
      return `set ${a.ifname} up in ${a.where}`
    case 'default-route':
      return `set default route of ${a.container} via ${a.gateway}${a.gateway6 ? ` and ${a.gateway6}` : ''} dev ${a.ifname}`
    case 'delete-default-route':
      return `delete stale default route of ${a.container}`
    case 'firewall':
      return `load nftables table inet patchbay (${a.why})`
    case 'forwarding':
      return 'enable IPv4 forwarding'
    case 'write-file':
      return `write ${a.what}`
    case 'join-peer':
      return `program peer ${a.peer.ipv4} ${a.peer.mac} via ${a.peer.vtep} on ${a.network.name} (${a.why})`
    case 'leave-peer':
      return `withdraw peer ${a.peer.ipv4} ${a.peer.mac} via ${a.peer.vtep} from ${a.network.name} (not in the log, or its host is down)`
  }
}

/** The EndpointConnected a live endpoint row stands for: what the driver needs to build it again. */
function endpointPayload(ep: EndpointRow, net: NetworkRow, c: ContainerRow): EndpointConnected {
  return {
    id: ep.id, networkId: net.id, networkName: net.name, containerId: c.id, containerName: c.name, driver: net.driver,
    ifname: ep.ifname, hostIfname: ep.hostIfname, ipv4: ep.ipv4, gateway: ep.gateway, ipv6: ep.ipv6, prefixLen6: ep.prefixLen6, gateway6: ep.gateway6, netnsPath: c.netnsPath,
    bridge: ep.bridge, prefixLen: ep.prefixLen, mac: ep.mac, mtu: ep.mtu, internal: net.internal, aliases: ep.aliases,
    defaultRoute: ep.defaultRoute && ep.gateway && ep.ifname ? { gateway: ep.gateway, gateway6: ep.gateway6, ifname: ep.ifname } : null,
    host: ep.host,
    driverState: ep.driverState,
  }
}

/**
 * Compares the projections (what the log says should exist) with what the kernel holds and
 * lists the changes that make them match. Pure: observation and application live in drivers.
 * Leftovers go first (they may hold names). Bridges, namespaces and endpoints are then rebuilt
 * in the order the log first made them, so after a reboot interface indexes (`eth0@if7`) come
 * back as they were; the builtin bridge, which a first connect creates, waits for its first
 * endpoint. Routes and derived state (firewall, forwarding, hosts files) come last.
 */
export function planRestore(state: StateQueries, observed: Observed, paths: Paths, localHost?: string): RestorePlan {
  const networks = state.networks()
  const containers = state.containers()
  const endpoints = state.endpoints()
  const netById = new Map(networks.map((n) => [n.id, n]))
  const ctrById = new Map(containers.map((c) => [c.id, c]))
  /** A network's endpoints whose container lives here (an overlay's others are on other hosts). */
  const localEndpoints = (networkId: string): EndpointRow[] => endpoints.filter((e) => e.networkId === networkId && ctrById.has(e.containerId))
  const epById = new Map(endpoints.map((e) => [e.id, e]))
  const actions: RestoreAction[] = []
  const skipped: string[] = []

  actions.push(...planLeftovers(observed, paths, networks, containers, endpoints))

  const networksDone = new Set<string>()
  const ensureNetwork = (net: NetworkRow): void => {
    if (networksDone.has(net.id)) return
    networksDone.add(net.id)
    const local = localEndpoints(net.id)
    const problem = driverFor(net.driver).networkProblem(net, local, observed.host, paths.linkGroup)
    if (problem) actions.push({ kind: 'ensure-network', network: net, local, ...problem })
  }
  /** Namespace contents per container; absent when the container's endpoints must be left alone. */
  const insides = new Map<string, ObservedNetns>()
  const routeRebuilt = new Set<string>()
  for (const { kind, id } of state.creationOrder()) {
    if (kind === 'network') {
      const net = netById.get(id)!
      if (!net.builtin) ensureNetwork(net)
    } else if (kind === 'container') {
      const c = ctrById.get(id)!
      const inside = planNetns(c, observed, actions, skipped)
      if (inside) insides.set(c.id, inside)
    } else {
      const ep = epById.get(id)!
      const net = netById.get(ep.networkId)!
      const driver = driverFor(net.driver)
      const inside = insides.get(ep.containerId)
      if (!driver.addressed || !inside) continue
      ensureNetwork(net)
      const c = ctrById.get(ep.containerId)!
      const payload = endpointPayload(ep, net, c)
      const why = driver.endpointProblem(ep, net, observed.host, inside)
      if (why) {
        actions.push({ kind: 'connect', endpoint: payload, why })
        if (payload.defaultRoute) routeRebuilt.add(c.id)
      } else actions.push(...planEndpointRepairs(ep, c, observed.host, inside))
    }
  }
  networks.forEach(ensureNetwork)
  actions.push(...planPeers(state, observed, localHost))
  for (const c of containers) {
    const inside = insides.get(c.id)
    if (inside && !routeRebuilt.has(c.id)) actions.push(...planDefaultRoute(c, endpoints.filter((e) => e.containerId === c.id && e.ifname !== null), inside))
  }

  const ruleset = rulesetFor(networks, state.publishedPorts())
  const fw = observed.firewall
  const fwWhy =
    fw.listing === null ? 'missing' : fw.applied?.ruleset !== ruleset ? 'out of date' : fw.applied.listing !== fw.listing ? 'changed outside patchbay' : undefined
  if (fwWhy) actions.push({ kind: 'firewall', why: fwWhy })
  if (!observed.forwarding && networks.some((n) => driverFor(n.driver).firewall(n)?.internal === false)) actions.push({ kind: 'forwarding' })

  const resolv = renderResolvConf(observed.hostResolvConf, observed.host.routes.map((r) => r.dst))
  const hostsOf = hostsRenderer(state)
  for (const c of containers) {
    if (c.netnsKind === 'host') continue
    const hosts = hostsOf(c)
    if (observed.hostsFiles.get(c.id) !== hosts) actions.push({ kind: 'write-file', path: hostsFilePath(paths, c.id), content: hosts, what: `hosts file of ${c.name}` })
    if (!observed.resolvFiles.has(c.id)) actions.push({ kind: 'write-file', path: resolvFilePath(paths, c.id), content: resolv, what: `resolv.conf of ${c.name}` })
  }

  return { actions, skipped, checked: { networks: networks.length, containers: containers.length, endpoints: endpoints.length } }
}

/** Links stamped with our group, namespace files and hosts/resolv files that no row accounts for. */
function planLeftovers(observed: Observed, paths: Paths, networks: NetworkRow[], containers: ContainerRow[], endpoints: EndpointRow[]): RestoreAction[] {
  const actions: RestoreAction[] = []
  const wantedLinks = new Set<string>(networks.flatMap((n) => driverFor(n.driver).hostLinks(n, endpoints.filter((e) => e.networkId === n.id))))
  const orphans = observed.host.links.filter((l) => l.group === paths.linkGroup && !wantedLinks.has(l.name))
  // Veths before bridges: a bridge's ports are released, not deleted, when it goes.
  for (const l of orphans.sort((a, b) => Number(a.kind === 'bridge') - Number(b.kind === 'bridge'))) {
    actions.push({ kind: 'delete-link', name: l.name, what: l.kind === 'bridge' ? 'bridge' : (l.kind ?? 'link') })
  }
  const ownPaths = new Set(containers.filter((c) => c.netnsKind === 'own').map((c) => c.netnsPath))
  for (const f of observed.netnsFiles) if (!ownPaths.has(f.path)) actions.push({ kind: 'delete-netns', path: f.path })
  const withFiles = new Set(containers.filter((c) => c.netnsKind !== 'host').map((c) => c.id))
  for (const id of observed.hostsFiles.keys()) {
    if (!withFiles.has(id)) actions.push({ kind: 'remove-file', path: hostsFilePath(paths, id), what: 'hosts file' })
  }
  for (const id of observed.resolvFiles) {
    if (!withFiles.has(id)) actions.push({ kind: 'remove-file', path: resolvFilePath(paths, id), what: 'resolv.conf' })
  }
  return actions
}

/**
 * The container's namespace: created when it is ours and missing; an adopted one that is gone
 * (or, for --pid, now another process's) is reported and its endpoints left alone.
 */
function planNetns(c: ContainerRow, observed: Observed, actions: RestoreAction[], skipped: string[]): ObservedNetns | undefined {
  if (c.netnsKind === 'host' || c.netnsPath === null) return undefined
  const seen = observed.containers.get(c.id)
  if (c.netnsKind === 'own' && seen?.state !== 'present') {
    actions.push({ kind: 'create-netns', container: c })
    return { links: [], addresses: [], routes: [] }
  }
  const pid = c.netnsPath.split('/')[2]
  if (seen?.state !== 'present') {
    skipped.push(`container ${c.name}: adopted namespace not recreated (${c.netnsKind === 'pid' ? `process ${pid} is gone` : `${c.netnsPath} no longer exists`})`)
    return undefined
  }
  if (c.netnsKind === 'pid' && seen.inode !== c.netnsInode) {
    skipped.push(`container ${c.name}: process ${pid} now has another namespace; left alone`)
    return undefined
  }
  const lo = seen.netns.links.find((l) => l.name === 'lo')
  if (lo && !lo.up) actions.push({ kind: 'link-up', netnsPath: c.netnsPath, ifname: 'lo', where: `container ${c.name}` })
  return seen.netns
}

/** An endpoint whose veth pair is whole may still miss its address or be down. */
function planEndpointRepairs(ep: EndpointRow, c: ContainerRow, host: ObservedNetns, inside: ObservedNetns): RestoreAction[] {
  const actions: RestoreAction[] = []
  const peer = inside.links.find((l) => l.name === ep.ifname)!
  const cidr = `${ep.ipv4}/${ep.prefixLen}`
  for (const want of [cidr, ...(ep.ipv6 ? [`${ep.ipv6}/${ep.prefixLen6}`] : [])]) {
    if (!inside.addresses.some((a) => a.index === peer.index && a.cidr === want)) {
      actions.push({ kind: 'add-address', netnsPath: c.netnsPath!, ifname: ep.ifname!, cidr: want, container: c.name })
    }
  }
  if (!peer.up) actions.push({ kind: 'link-up', netnsPath: c.netnsPath, ifname: ep.ifname!, where: `container ${c.name}` })
  if (!host.links.find((l) => l.name === ep.hostIfname)!.up) actions.push({ kind: 'link-up', netnsPath: null, ifname: ep.hostIfname!, where: 'the host' })
  return actions
}

/** Exactly one default route, through the endpoint that holds it; or none through our interfaces. */
function planDefaultRoute(c: ContainerRow, mine: EndpointRow[], inside: ObservedNetns): RestoreAction[] {
  const defaults = inside.routes.filter((r) => r.dst === '0.0.0.0/0')
  const wanted = mine.find((e) => e.defaultRoute)
  if (wanted) {
    const index = inside.links.find((l) => l.name === wanted.ifname)?.index
    const only = (dst: string, gateway: string | null) => {
      const routes = inside.routes.filter((r) => r.dst === dst)
      return gateway === null || (routes.length === 1 && routes[0]!.gateway === gateway && routes[0]!.ifindex === index)
    }
    const right = only('0.0.0.0/0', wanted.gateway) && only('::/0', wanted.gateway6)
    return right ? [] : [{ kind: 'default-route', netnsPath: c.netnsPath!, gateway: wanted.gateway!, gateway6: wanted.gateway6, ifname: wanted.ifname!, container: c.name }]
  }
  const ours = new Set(inside.links.filter((l) => mine.some((e) => e.ifname === l.name)).map((l) => l.index))
  return defaults.some((r) => r.ifindex !== undefined && ours.has(r.ifindex)) ? [{ kind: 'delete-default-route', netnsPath: c.netnsPath!, container: c.name }] : []
}

/**
 * The remote peers of networks spanning hosts: each endpoint another host holds, on a host that
 * is up, programmed as its driver says; anything else the kernel holds for them withdrawn.
 */
function planPeers(state: StateQueries, observed: Observed, localHost: string | undefined): RestoreAction[] {
  if (localHost === undefined) return []
  const up = new Set(state.hosts().filter((h) => h.up).map((h) => h.name))
  const actions: RestoreAction[] = []
  for (const network of state.networks().filter((n) => n.scope === 'global')) {
    const driver = driverFor(network.driver)
    const held = observed.peers.get(network.id) ?? []
    const wanted = state
      .endpointsOfNetwork(network.id)
      .filter((e) => e.host !== null && e.host !== localHost && up.has(e.host))
      .flatMap((e) => driver.peerOf?.(e) ?? [])
    for (const peer of wanted) {
      const now = held.find((h) => h.mac === peer.mac)
      if (!now) actions.push({ kind: 'join-peer', network, peer, why: 'missing' })
      else if (now.ipv4 !== peer.ipv4 || now.vtep !== peer.vtep) actions.push({ kind: 'join-peer', network, peer, why: `held as ${now.ipv4} via ${now.vtep}` })
    }
    for (const peer of held) if (!wanted.some((p) => p.mac === peer.mac)) actions.push({ kind: 'leave-peer', network, peer })
  }
  return actions
}
