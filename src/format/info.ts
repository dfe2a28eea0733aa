import type { AppState } from '../app/state.js'
import { readClusterConfig } from '../cluster/config.js'
import type { HostRecord } from '../cluster/stream.js'

export interface HostInfo {
  Root: string
  Networks: number
  Containers: number
  Cluster: null | {
    Store: string
    Host: string
    Advertise: string
    /** What the store answered just now. */
    Health: string
    /** Every host the log knows (up or down as the log says), with its local networks as its record in the store has them now. */
    Hosts: { Name: string; Advertise: string; State: 'up' | 'down'; Networks: { Name: string; Subnet: string | null }[] }[]
  }
}

/** What `patchbay info` shows; the store is asked for its health (at most its timeout: 2 s). */
export async function hostInfo(app: AppState): Promise<HostInfo> {
  const config = readClusterConfig(app.paths)
  const base = { Root: app.paths.root, Networks: app.state.networks().length, Containers: app.state.containers().length }
  if (!config) return { ...base, Cluster: null }
  const { openClusterStore } = await import('../cluster/open-store.js')
  const { listHosts } = await import('../cluster/stream.js')
  let health: string
  let live = new Map<string, HostRecord>()
  try {
    const store = await openClusterStore(config.store, { storeOpts: config.storeOpts })
    try {
      const h = await store.health()
      health = h.ok ? `healthy (${h.detail})` : `unhealthy: ${h.detail}`
      live = await listHosts(store)
    } finally {
      await store.close()
    }
  } catch (err) {
    health = (err as Error).message
  }
  const hosts = app.state.hosts().map((h) => ({
    Name: h.name,
    Advertise: h.advertise,
    State: h.up ? ('up' as const) : ('down' as const),
    Networks: (live.get(h.name)?.networks ?? []).map((n) => ({ Name: n.name, Subnet: n.subnet })),
  }))
  return { ...base, Cluster: { Store: config.store, Host: config.host, Advertise: config.advertise, Health: health, Hosts: hosts } }
}

export function renderInfo(i: HostInfo): string {
  const lines = [`Root: ${i.Root}`, `Networks: ${i.Networks}`, `Containers: ${i.Containers}`]
  if (!i.Cluster) lines.push('Cluster: none (this host is on its own)')
  else {
    const c = i.Cluster
    lines.push(`Cluster Store: ${c.Store}`, `Cluster Store Health: ${c.Health}`, `Cluster Host: ${c.Host}`, `Cluster Advertise: ${c.Advertise}`, `Cluster Hosts: ${c.Hosts.length}`)
    for (const h of c.Hosts) lines.push(` ${h.Name}: ${h.Advertise} ${h.State}${h.Networks.length ? ` (local networks: ${h.Networks.map((n) => n.Name).join(', ')})` : ''}`)
  }
  return `${lines.join('\n')}\n`
}
