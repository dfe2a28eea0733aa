import { createRequire } from 'node:module'
import { join } from 'node:path'
import { packageRoot } from '../config/package-root.js'

/** The C addon in native/setns: thin wrappers over syscalls Node does not expose. */
export interface SetnsAddon {
  setns(fd: number, nstype: number): void
  unshare(flags: number): void
  gettid(): number
  mountBind(source: string, target: string): void
  umountDetach(target: string): void
  /** SO_PEERCRED of a connected unix socket: who is at the other end, as the kernel saw it. */
  peerCredentials(fd: number): { pid: number; uid: number; gid: number }
  /** RTM_DELLINK on a worker thread, in the caller's namespace: true once deleted, false if there was no such link. */
  deleteLinkInBackground(name: string): Promise<boolean>
  readonly CLONE_NEWNET: number
}

// Found from the package root because this module runs both from src/ (tests) and bundled in dist/.
const ADDON = 'native/setns/build/Release/setns.node'

let cached: SetnsAddon | undefined

/** Loads the addon on first use, so importing kernel modules never fails just because it is unbuilt. */
export function native(): SetnsAddon {
  if (!cached) {
    const path = join(packageRoot(), ADDON)
    try {
      cached = createRequire(import.meta.url)(path) as SetnsAddon
    } catch (err) {
      throw new Error(`cannot load ${path} (build it with: npx node-gyp rebuild -C native/setns): ${(err as Error).message}`)
    }
  }
  return cached
}
