import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crashAtEveryStep, crashSandbox, removeIfPresent } from './crash.js'
import { type AsyncSandbox, isRoot } from './sandbox.js'

/**
 * apply killed at every step: lines already committed keep their changes while the hosts files
 * they left to the end of the batch are stale, and restore must converge all the same.
 */
describe.skipIf(!isRoot)('crash at every step of apply, then restore', () => {
  let sb: AsyncSandbox
  beforeAll(async () => {
    sb = await crashSandbox('crashapply')
  })
  afterAll(() => sb?.cleanup())

  it('a batch of run, connect and run', { timeout: 600_000 }, async () => {
    const batch = (i: number) => join(sb.root, `batch${i}`)
    const steps = await crashAtEveryStep(sb, 'apply', {
      before: async (i) => writeFileSync(batch(i), `run --name a${i} --net shared\nnetwork connect bridge a${i}\nrun --name b${i} --net shared\n`),
      op: (i) => ['apply', '-f', batch(i)],
      pingFrom: (i) => `a${i}`,
      after: async (i) => {
        await removeIfPresent(sb, 'container', `a${i}`)
        await removeIfPresent(sb, 'container', `b${i}`)
      },
    }, 'anchor')
    expect(steps).toBeGreaterThanOrEqual(20)
  })
})
