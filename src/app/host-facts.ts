import type { AdoptedNetns } from '../core/container-create.js'
import { UserError } from '../core/errors.js'
import { Rtnl } from '../kernel/netlink.js'
import { namespaceInode } from '../kernel/netns.js'

/**
 * Facts about the host gathered before a decision, so that the decide functions stay pure.
 */

/** Destinations of the host's IPv4 routes; automatic subnets avoid them. */
export async function hostRoutes(): Promise<string[]> {
  const sock = Rtnl.open()
  try {
    return (await sock.listRoutes()).map((r) => r.dst).filter((d) => d !== '0.0.0.0/0')
  } finally {
    sock.close()
  }
}

/** Host facts a decision may need, each read at most once per process (a batch reads them once). */
export interface HostFacts {
  routes(): Promise<string[]>
}

export function hostFacts(): HostFacts {
  let routes: Promise<string[]> | undefined
  return { routes: () => (routes ??= hostRoutes()) }
}

/** Resolves --netns PATH or --pid PID to a namespace another runtime made. */
export function adoptedNetns(opts: { netns?: string; pid?: number }): AdoptedNetns | undefined {
  if (opts.netns !== undefined && opts.pid !== undefined) throw new UserError('conflicting options: --netns and --pid')
  if (opts.netns !== undefined) {
    const inode = namespaceInode(opts.netns)
    if (inode === undefined) {
      throw new UserError(`--netns ${opts.netns}: not a network namespace (expected a file like /run/netns/NAME)`)
    }
    return { kind: 'path', path: opts.netns, inode }
  }
  if (opts.pid !== undefined) {
    const path = `/proc/${opts.pid}/ns/net`
    const inode = namespaceInode(path)
    if (inode === undefined) throw new UserError(`--pid ${opts.pid}: no such process`)
    return { kind: 'pid', path, inode }
  }
  return undefined
}
