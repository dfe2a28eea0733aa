import { createHash } from 'node:crypto'
import { resolve } from 'node:path'

/** Where patchbay keeps state that must survive a reboot, and where it keeps runtime files. */
export interface Paths {
  root: string
  db: string
  run: string
  netnsDir: string
  hostsDir: string
}

export const DEFAULT_ROOT = '/var/lib/patchbay'

/**
 * The run directory is derived from the root so that two instances with different roots
 * (two test sandboxes, say) never share namespace mounts, hosts files or locks.
 */
export function runDirFor(root: string): string {
  const digest = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16)
  return `/run/patchbay/${digest}`
}

export function pathsFor(root: string): Paths {
  const abs = resolve(root)
  const run = runDirFor(abs)
  return { root: abs, db: `${abs}/patchbay.db`, run, netnsDir: `${run}/netns`, hostsDir: `${run}/hosts` }
}
