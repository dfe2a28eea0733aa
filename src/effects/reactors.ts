import type { Paths } from '../config/paths.js'
import { hostsAppends } from '../core/hosts.js'
import { affectedBy, appliedFirewall, containersToRewrite, syncFirewall, syncHostsFiles, writeResolvFiles } from './derived-state.js'
import { rulesetFor } from '../drivers/firewall-parts.js'
import { reconcilePeers } from './peers.js'
import { driverFor } from '../drivers/registry.js'
import type { UndoStack } from '../drivers/kernel-session.js'
import type { StoredEvent } from '../events/types.js'
import type { KernelOps } from '../kernel/ops.js'
import type { StateQueries } from '../projections/queries.js'

/** What a reactor works with: the state after the events, the kernel session and its undo. */
export interface ReactorContext {
  /** The projections, already holding the events (the transaction is not committed yet). */
  state: StateQueries
  paths: Paths
  kernel: KernelOps
  undo: UndoStack
  /** A batch rewrites hosts files once at its end (see MutationSession), not after each change. */
  deferHostsFiles: boolean
  /** This host's name in its cluster, when it is part of one: an endpoint held elsewhere is not built here. */
  localHost?: string
}

/**
 * Kernel state that follows from many events at once rather than from one: run after the
 * drivers applied the events, in this order, for events decided here and imported alike. Each
 * pushes its own compensation (re-rendering from the tables, which a rollback restores).
 */
export type Reactor = (events: StoredEvent[], ctx: ReactorContext) => Promise<void> | void

/**
 * The firewall table, rendered again when networks came or went, or when a change may move a
 * published port: a container publishing some came or went, or joined or left a network.
 */
const firewall: Reactor = (events, { state, paths, kernel, undo }) => {
  if (!kernel.firewallDirty && !(events.some(movesPorts) && portsStale(events, state, paths, kernel))) return
  undo.push(() => syncFirewall(state, paths, kernel))
  syncFirewall(state, paths, kernel)
  kernel.firewallDirty = false
}

const movesPorts = (e: StoredEvent) =>
  e.type === 'ContainerCreated' ? e.payload.ports.length > 0 : e.type === 'ContainerRemoved' || e.type === 'EndpointConnected' || e.type === 'EndpointDisconnected'

/**
 * Whether the table last applied is not the one the state gives. Without published ports now,
 * only a removal can have left DNAT rules behind: a plain `run` or connect on a host without
 * ports reads no file.
 */
function portsStale(events: StoredEvent[], state: StateQueries, paths: Paths, kernel: KernelOps): boolean {
  const published = state.publishedPorts()
  if (published.length === 0 && !events.some((e) => e.type === 'ContainerRemoved' || e.type === 'EndpointDisconnected')) return false
  const applied = appliedFirewall(paths, kernel)
  if (published.length === 0 && !applied?.ruleset.includes(' dnat ')) return false
  return applied?.ruleset !== rulesetFor(state.networks(), published)
}

/** A new container's resolv.conf, from the host's at its creation (as docker does). */
const resolvFiles: Reactor = async (events, { paths, kernel }) => {
  const created = events.flatMap((e) => (e.type === 'ContainerCreated' && e.payload.netnsKind !== 'host' ? [e.payload.id] : []))
  await writeResolvFiles(paths, created, kernel)
}

/** The hosts file of every container whose peers changed: an append where that is all it takes. */
const hostsFiles: Reactor = (events, { state, paths, kernel, undo, deferHostsFiles }) => {
  if (deferHostsFiles) return
  const rewrite = containersToRewrite(affectedBy(events), state)
  undo.push(() => syncHostsFiles(state, paths, kernel, rewrite))
  syncHostsFiles(state, paths, kernel, rewrite, hostsAppends(state, events))
}

/**
 * The remote peers of networks spanning hosts. An endpoint connected on another host is one
 * peer programmed; what may change many (a host joining or leaving, this host's first endpoint
 * on a network making its device, an endpoint leaving, whose MAC the event does not carry) is
 * reconciled whole, network by network.
 */
const remotePeers: Reactor = async (events, { state, kernel, localHost }) => {
  if (localHost === undefined) return
  const global = state.networks().filter((n) => n.scope === 'global')
  if (events.some((e) => e.type === 'HostJoined' || e.type === 'HostLeft')) {
    await reconcilePeers(state, kernel, global, localHost)
    return
  }
  const up = new Set(state.hosts().filter((h) => h.up).map((h) => h.name))
  const whole = new Set<string>()
  for (const e of events) {
    if (e.type !== 'EndpointConnected' && e.type !== 'EndpointDisconnected') continue
    const net = global.find((n) => n.id === e.payload.networkId)
    if (!net || e.payload.host === null) continue
    const driver = driverFor(net.driver)
    if (e.payload.host === localHost) {
      if (e.type === 'EndpointConnected' && state.endpointsOfNetwork(net.id).filter((x) => x.host === localHost).length === 1) whole.add(net.id)
      continue
    }
    const peer = e.type === 'EndpointConnected' && up.has(e.payload.host) ? driver.peerOf?.(e.payload) : undefined
    if (peer) await driver.joinRemote(net, peer, kernel)
    else whole.add(net.id)
  }
  if (whole.size > 0) await reconcilePeers(state, kernel, global.filter((n) => whole.has(n.id)), localHost)
}

export const REACTORS: readonly Reactor[] = [firewall, resolvFiles, hostsFiles, remotePeers]
