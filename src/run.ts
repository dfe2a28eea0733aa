import { execute } from '@oclif/core'

/** Entry point of the bundle; bin/patchbay imports it. */
export async function run(): Promise<void> {
  await execute({ dir: import.meta.url })
}
