import { type Paths, firewallRecordPath, hostsFilePath, resolvFilePath } from '../config/paths.js'
import { hostsRenderer } from '../core/hosts.js'
import { renderResolvConf } from '../core/resolv.js'
import type { StoredEvent } from '../events/types.js'
import { rulesetFor } from '../drivers/firewall-parts.js'
import type { StateQueries } from '../projections/queries.js'
import type { KernelOps } from '../kernel/ops.js'

/*
 * Kernel state that is a function of the whole projection rather than of one event: the
 * firewall table and the hosts files, re-rendered from the tables after each change; and the
 * resolv.conf of each new container.
 */

/**
 * What was last applied, and how nft printed it back: nft's listing is canonical but not our
 * text, so restore compares listings to notice rules changed or lost behind patchbay's back.
 */
export interface AppliedFirewall {
  ruleset: string
  listing: string
}

export function syncFirewall(state: StateQueries, paths: Paths, k: KernelOps): void {
  const ruleset = rulesetFor(state.networks(), state.publishedPorts())
  const listing = k.applyFirewall(ruleset)
  k.files.write(firewallRecordPath(paths), JSON.stringify({ ruleset, listing } satisfies AppliedFirewall))
}

/** The table syncFirewall last applied, as it recorded it. */
export function appliedFirewall(paths: Paths, k: KernelOps): AppliedFirewall | undefined {
  const text = k.files.read(firewallRecordPath(paths))
  return text === undefined ? undefined : (JSON.parse(text) as AppliedFirewall)
}

export function hostResolvConf(k: KernelOps): string {
  return k.files.read('/etc/resolv.conf') ?? ''
}

/** Writes the resolv.conf of new containers (taken from the host at creation, as docker does). */
export async function writeResolvFiles(paths: Paths, containerIds: string[], k: KernelOps): Promise<void> {
  if (containerIds.length === 0) return
  const routes = (await k.host().listRoutes()).map((r) => r.dst)
  const text = renderResolvConf(hostResolvConf(k), routes)
  for (const id of containerIds) k.files.write(resolvFilePath(paths, id), text)
}

/**
 * Rewrites the hosts file of each container (removing those of containers that are gone), or
 * appends to it where `appends` says the change is only new lines at the end (see hostsAppends).
 */
export function syncHostsFiles(state: StateQueries, paths: Paths, k: KernelOps, containerIds: Iterable<string>, appends = new Map<string, string>()): void {
  const ids = [...containerIds]
  // A connect renders one file in full (the newcomer's): no need to read every endpoint for it.
  const hostsOf = hostsRenderer(state, { few: ids.filter((id) => !appends.has(id)).length <= 32 })
  for (const id of ids) {
    const tail = appends.get(id)
    if (tail !== undefined && k.files.append(hostsFilePath(paths, id), tail)) continue
    const c = state.findContainer(id)
    const file = hostsFilePath(paths, id)
    if (!c || c.id !== id || c.netnsKind === 'host') {
      k.files.remove(file)
      k.files.remove(resolvFilePath(paths, id))
    } else k.files.write(file, hostsOf(c))
  }
}

/** What some events touched: the containers they name and the networks whose members they changed. */
export interface Affected {
  containers: Set<string>
  networks: Set<string>
}

export function affectedBy(events: StoredEvent[]): Affected {
  const affected: Affected = { containers: new Set(), networks: new Set() }
  for (const e of events) {
    if (e.type === 'EndpointConnected' || e.type === 'EndpointDisconnected') {
      affected.containers.add(e.payload.containerId)
      affected.networks.add(e.payload.networkId)
    } else if (e.type === 'ContainerCreated' || e.type === 'ContainerRemoved') {
      affected.containers.add(e.payload.id)
    }
  }
  return affected
}

/**
 * Containers whose hosts file may have changed: those touched, and every current member of a
 * network whose membership changed (read after projecting).
 */
export function containersToRewrite(affected: Affected, state: StateQueries): Set<string> {
  const ids = new Set(affected.containers)
  for (const net of affected.networks) for (const id of state.containersOnNetwork(net)) ids.add(id)
  return ids
}
