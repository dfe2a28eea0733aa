import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/**
 * The checkout or installed package folder. Found by walking up from this file, so it works
 * both from the TypeScript sources (tests) and from the bundle in dist/.
 */
export function packageRoot(): string {
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'migrations')) || !existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('patchbay: cannot find its package folder (migrations/ missing)')
    dir = up
  }
  cached = dir
  return dir
}
