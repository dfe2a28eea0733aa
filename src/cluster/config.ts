import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Paths } from '../config/paths.js'
import { UserError } from '../core/errors.js'
import { NAME } from '../events/formats.js'
import { realFiles } from '../kernel/files.js'

/**
 * How this root joins a cluster, as `patchbay daemon --cluster-store … --cluster-advertise …`
 * was told once: kept in ROOT/cluster.json (owner-only, like the rest of the root), so that the
 * short commands on this host (`network create -d overlay`, `run --net`) need no flags.
 */
export interface ClusterConfig {
  /** consul://HOST:PORT[/PREFIX] or etcd://HOST:PORT[/PREFIX] */
  store: string
  /** The address other hosts reach this one at: its VXLAN tunnel end point. */
  advertise: string
  /** This host's name in the cluster (the machine's host name unless told). */
  host: string
  /** docker's --cluster-store-opt: kv.cacertfile, kv.certfile, kv.keyfile. */
  storeOpts: Record<string, string>
}

const file = (paths: Paths): string => join(paths.root, 'cluster.json')

/** The cluster this root belongs to, or undefined when it is a host on its own. */
export function readClusterConfig(paths: Paths): ClusterConfig | undefined {
  if (!existsSync(file(paths))) return undefined
  try {
    return JSON.parse(readFileSync(file(paths), 'utf8')) as ClusterConfig
  } catch (err) {
    throw new UserError(`cannot read ${file(paths)}: ${(err as Error).message}; start patchbay daemon with --cluster-store again to rewrite it`)
  }
}

export function writeClusterConfig(paths: Paths, config: ClusterConfig): void {
  if (!NAME.test(config.host)) throw new UserError(`invalid --cluster-host ${JSON.stringify(config.host)}: a host name is [a-zA-Z0-9][a-zA-Z0-9_.-]*`)
  realFiles.write(file(paths), `${JSON.stringify(config, null, 2)}\n`)
}
