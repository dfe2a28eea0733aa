import { resolve } from 'node:path'
import { sha256 } from '../events/crypto.js'

/** Where patchbay keeps state that must survive a reboot, and where it keeps runtime files. */
export interface Paths {
  root: string
  db: string
  /**
   * Where `patchbay daemon` listens. In the root itself, not the run directory, because the
   * native client (native/client/patchbay.c) must find it from --root without hashing.
   */
  daemonSocket: string
  run: string
  netnsDir: string
  hostsDir: string
  /**
   * Device group stamped on every link patchbay creates in the host namespace (set in the
   * creating request itself, so there is no moment without it): how `restore` tells its own
   * leftovers from anyone else's interfaces, whatever their names.
   */
  linkGroup: number
}

export const DEFAULT_ROOT = '/var/lib/patchbay'

/**
 * The run directory is derived from the root so that two instances with different roots
 * (two test sandboxes, say) never share namespace mounts, hosts files or locks.
 */
function rootDigest(root: string): string {
  return sha256(resolve(root)).slice(0, 16)
}

/** Where every root's run directory lives: /run/patchbay/<digest>. */
export const RUN_BASE = '/run/patchbay'

const runDirOf = (digest: string): string => `${RUN_BASE}/${digest}`
/** 0x7062 ("pb") in the high half, recognisable in `ip -d link`; the root's digest in the low half. */
const linkGroupOf = (digest: string): number => 0x7062_0000 + parseInt(digest.slice(0, 4), 16)

export function runDirFor(root: string): string {
  return runDirOf(rootDigest(root))
}

export function linkGroupFor(root: string): number {
  return linkGroupOf(rootDigest(root))
}

/** A container's hosts file, bind-mounted over /etc/hosts by exec. */
export function hostsFilePath(paths: Paths, containerId: string): string {
  return `${paths.hostsDir}/${containerId}`
}

export function resolvDir(paths: Paths): string {
  return `${paths.run}/resolv`
}

export function resolvFilePath(paths: Paths, containerId: string): string {
  return `${resolvDir(paths)}/${containerId}`
}

/** The last firewall table applied and nft's listing of it (see AppliedFirewall). */
export function firewallRecordPath(paths: Paths): string {
  return `${paths.run}/firewall.json`
}

export function pathsFor(root: string): Paths {
  const abs = resolve(root)
  // Computed once, on first use: commands that only read the log never need the run
  // directory, and the digest would load node:crypto for them.
  let digest: string | undefined
  const digestOf = () => (digest ??= rootDigest(abs))
  return {
    root: abs,
    db: `${abs}/patchbay.db`,
    daemonSocket: `${abs}/daemon.sock`,
    get run() {
      return runDirOf(digestOf())
    },
    get netnsDir() {
      return `${this.run}/netns`
    },
    get hostsDir() {
      return `${this.run}/hosts`
    },
    get linkGroup() {
      return linkGroupOf(digestOf())
    },
  }
}
