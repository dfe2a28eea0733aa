import type { AdoptedNetns } from '../core/container-create.js'
import { UserError } from '../core/errors.js'
import type { HostPortFacts } from '../core/ports.js'
import { boundSockets, ephemeralPortRange } from '../kernel/sockets.js'
import { Rtnl } from '../kernel/netlink.js'
import { RUN_BASE } from '../config/paths.js'
import { findNetnsFile, machineNetnsInodes, namespaceInode, ownNetnsInode, processExists } from '../kernel/netns.js'

/**
 * Facts about the host gathered before a decision, so that the decide functions stay pure.
 */

/** Destinations of the host's IPv4 routes; automatic subnets avoid them. */
export async function hostRoutes(): Promise<string[]> {
  const sock = Rtnl.open()
  try {
    return (await sock.listRoutes()).map((r) => r.dst).filter((d) => d !== '0.0.0.0/0' && d !== '::/0')
  } finally {
    sock.close()
  }
}

/** What publishing ports needs: the host's addresses, the ports its sockets hold, the ephemeral range. Read afresh each time (ports come and go). */
export async function hostPortFacts(): Promise<HostPortFacts> {
  const sock = Rtnl.open()
  try {
    const addresses = (await sock.listAddresses()).map((a) => a.cidr.split('/')[0]!)
    return { addresses, listening: boundSockets(), ephemeral: ephemeralPortRange() }
  } finally {
    sock.close()
  }
}

/** Host facts a decision may need; routes are read at most once per process (a batch reads them once). */
export interface HostFacts {
  routes(): Promise<string[]>
  ports(): Promise<HostPortFacts>
}

export function hostFacts(): HostFacts {
  let routes: Promise<string[]> | undefined
  return { routes: () => (routes ??= hostRoutes()), ports: hostPortFacts }
}

/**
 * Resolves --netns PATH or --pid PID to a namespace another runtime made. Compared by inode,
 * whatever path names it: the namespace patchbay runs in (its host) and the machine's own
 * (PID 1's) are never adopted, since a container's routes and `eth0` would land on the host,
 * and one that patchbay made for a container is marked so that the decision can refuse it.
 */
export function adoptedNetns(opts: { netns?: string; pid?: number }): AdoptedNetns | undefined {
  if (opts.netns !== undefined && opts.pid !== undefined) throw new UserError('conflicting options: --netns and --pid')
  let found: AdoptedNetns
  if (opts.netns !== undefined) {
    const inode = namespaceInode(opts.netns)
    if (inode === undefined) {
      throw new UserError(`--netns ${opts.netns}: not a network namespace (expected a file like /run/netns/NAME)`)
    }
    found = { kind: 'path', path: opts.netns, inode }
  } else if (opts.pid !== undefined) {
    const path = `/proc/${opts.pid}/ns/net`
    const inode = namespaceInode(path)
    if (inode === undefined) {
      throw new UserError(processExists(opts.pid) ? `--pid ${opts.pid}: cannot read the network namespace of that process (${path}: permission denied)` : `--pid ${opts.pid}: no such process`)
    }
    found = { kind: 'pid', path, inode }
  } else return undefined
  const flag = found.kind === 'pid' ? `--pid ${opts.pid}` : `--netns ${opts.netns}`
  if (found.inode === ownNetnsInode()) {
    throw new UserError(`${flag}: that is the network namespace patchbay runs in (the host's); a container cannot adopt it (use --net host to share it)`)
  }
  if (machineNetnsInodes().includes(found.inode)) {
    throw new UserError(`${flag}: that is the machine's own network namespace (PID 1's); a container cannot adopt it`)
  }
  const made = findNetnsFile(RUN_BASE, 'netns', found.inode)
  return made ? { ...found, madeByPatchbay: made } : found
}
