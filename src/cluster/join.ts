import { hostname } from 'node:os'
import type { Paths } from '../config/paths.js'
import { UserError } from '../core/errors.js'
import { Rtnl } from '../kernel/netlink.js'
import { type ClusterConfig, readClusterConfig, writeClusterConfig } from './config.js'
import { openClusterStore } from './open-store.js'
import { parseStoreUrl } from './store-url.js'
import { readHead } from './stream.js'

export interface JoinFlags {
  store?: string
  advertise?: string
  host?: string
  storeOpts: Record<string, string>
}

/**
 * The cluster settings the daemon starts with: the flags when given (checked: the store's URL,
 * the store answers, this host has the advertise address; then kept in ROOT/cluster.json), else
 * what was kept; undefined for a host on its own. A store that does not answer a restart with
 * kept settings is retried by the daemon, not refused.
 */
export async function clusterSettings(paths: Paths, flags: JoinFlags): Promise<ClusterConfig | undefined> {
  const kept = readClusterConfig(paths)
  if (flags.store === undefined) {
    if (flags.advertise !== undefined || flags.host !== undefined) throw new UserError('--cluster-advertise and --cluster-host go with --cluster-store: give the store too')
    return kept
  }
  parseStoreUrl(flags.store)
  if (flags.advertise === undefined) throw new UserError('--cluster-store needs --cluster-advertise ADDR (or an interface name): the address other hosts reach this one at')
  const config: ClusterConfig = { store: flags.store, advertise: await advertiseAddress(flags.advertise), host: flags.host ?? kept?.host ?? hostname(), storeOpts: flags.storeOpts }
  // One read of the stream's head: the store answers, and lets this host read it.
  const store = await openClusterStore(config.store, { storeOpts: config.storeOpts })
  try {
    await readHead(store)
  } finally {
    await store.close()
  }
  writeClusterConfig(paths, config)
  return config
}

/** An IPv4 address this host has, given as itself or as the interface holding it (docker took both). */
async function advertiseAddress(text: string): Promise<string> {
  const sock = Rtnl.open()
  try {
    const [links, addresses] = [await sock.listLinks(), await sock.listAddresses()]
    const byLink = links.find((l) => l.name === text)
    const mine = addresses.map((a) => ({ ip: a.cidr.split('/')[0]!, index: a.index }))
    if (byLink) {
      const ip = mine.find((a) => a.index === byLink.index)?.ip
      if (!ip) throw new UserError(`--cluster-advertise ${text}: that interface has no IPv4 address`)
      return ip
    }
    if (!mine.some((a) => a.ip === text)) {
      throw new UserError(`--cluster-advertise ${text}: this host has no such address or interface (it has ${mine.map((a) => a.ip).join(', ') || 'none'})`)
    }
    return text
  } finally {
    sock.close()
  }
}
