import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The C addon in native/setns: thin wrappers over syscalls Node does not expose. */
export interface SetnsAddon {
  setns(fd: number, nstype: number): void
  unshare(flags: number): void
  gettid(): number
  mountBind(source: string, target: string): void
  umountDetach(target: string): void
  readonly CLONE_NEWNET: number
}

const ADDON = 'native/setns/build/Release/setns.node'

/**
 * The addon lives at a fixed place relative to the package root, but this module runs both as a
 * TS source (src/kernel/, under vitest) and bundled into dist/*.js, so a fixed relative path
 * would be wrong in one of them. Walking up to patchbay's package.json works for both.
 */
export function findPackageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'patchbay') return dir
      } catch {
        // unreadable or foreign package.json: keep walking
      }
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the patchbay package root above ${from}`)
  }
}

let cached: SetnsAddon | undefined

/** Loads the addon on first use, so importing kernel modules never fails just because it is unbuilt. */
export function native(): SetnsAddon {
  if (!cached) {
    const path = join(findPackageRoot(), ADDON)
    try {
      cached = createRequire(import.meta.url)(path) as SetnsAddon
    } catch (err) {
      throw new Error(`cannot load ${path} (build it with: npx node-gyp rebuild -C native/setns): ${(err as Error).message}`)
    }
  }
  return cached
}
