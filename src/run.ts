import { fileURLToPath } from 'node:url'
import { execute } from '@oclif/core'

/**
 * Entry point of the bundle (dist/run.js); bin/patchbay imports it. User and dev plugins are
 * off: patchbay has none, and looking for them reads the caller's home directory, which
 * prints warnings when that is not readable (sudo, services).
 */
export async function run(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  await execute({ loadOptions: { root, userPlugins: false, devPlugins: false } })
}
