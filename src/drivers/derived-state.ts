import { type Paths, firewallRecordPath, hostsFilePath, resolvFilePath } from '../config/paths.js'
import { hostsRenderer } from '../core/hosts.js'
import { renderResolvConf } from '../core/resolv.js'
import type { StoredEvent } from '../events/types.js'
import { TABLE_FAMILY, TABLE_NAME, rulesetFor } from '../firewall/ruleset.js'
import { readFileSync } from 'node:fs'
import { appendToExistingFile, removeFile, writeFileIfChanged } from '../kernel/hostsfile.js'
import { applyNftRuleset, listNftTable } from '../kernel/nft.js'
import type { StateQueries } from '../projections/queries.js'
import type { KernelSession } from './kernel-session.js'

/**
 * Kernel state that is a function of the whole projection rather than of one event: the
 * firewall table and the hosts files. Re-rendered from the tables after each mutation.
 */
/**
 * What was last applied, and how nft printed it back: nft's listing is canonical but not our
 * text, so restore compares listings to notice rules changed or lost behind patchbay's back.
 */
export interface AppliedFirewall {
  ruleset: string
  listing: string
}

export function syncFirewall(state: StateQueries, paths: Paths): void {
  const ruleset = rulesetFor(state.networks())
  applyNftRuleset(ruleset)
  const listing = listNftTable(TABLE_FAMILY, TABLE_NAME) ?? ''
  writeFileIfChanged(firewallRecordPath(paths), JSON.stringify({ ruleset, listing } satisfies AppliedFirewall))
}

export function hostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8')
  } catch {
    return ''
  }
}

/** Writes the resolv.conf of new containers (taken from the host at creation, as docker does). */
export async function writeResolvFiles(paths: Paths, containerIds: string[], kernel: KernelSession): Promise<void> {
  if (containerIds.length === 0) return
  const routes = (await kernel.host().listRoutes()).map((r) => r.dst)
  const text = renderResolvConf(hostResolvConf(), routes)
  for (const id of containerIds) writeFileIfChanged(resolvFilePath(paths, id), text)
}

/**
 * Rewrites the hosts file of each container (removing those of containers that are gone), or
 * appends to it where `appends` says the change is only new lines at the end (see hostsAppends).
 */
export function syncHostsFiles(state: StateQueries, paths: Paths, containerIds: Iterable<string>, appends = new Map<string, string>()): void {
  const ids = [...containerIds]
  // A connect renders one file in full (the newcomer's): no need to read every endpoint for it.
  const hostsOf = hostsRenderer(state, { few: ids.filter((id) => !appends.has(id)).length <= 32 })
  for (const id of ids) {
    const tail = appends.get(id)
    if (tail !== undefined && appendToExistingFile(hostsFilePath(paths, id), tail)) continue
    const c = state.findContainer(id)
    const file = hostsFilePath(paths, id)
    if (!c || c.id !== id || c.netnsKind === 'host') {
      removeFile(file)
      removeFile(resolvFilePath(paths, id))
    } else writeFileIfChanged(file, hostsOf(c))
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
