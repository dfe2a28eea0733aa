import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crashAtEveryStep, crashSandbox, removeIfPresent } from './crash.js'
import { type AsyncSandbox, isRoot } from './sandbox.js'

/** Container mutations killed at every step: restore converges each time (see crash.ts). */
describe.skipIf(!isRoot)('crash at every step of run and rm, then restore', () => {
  let sb: AsyncSandbox
  beforeAll(async () => {
    sb = await crashSandbox('crashctr')
  })
  afterAll(() => sb?.cleanup())

  it('run', { timeout: 300_000 }, async () => {
    const steps = await crashAtEveryStep(sb, 'run', {
      op: (i) => ['run', '--name', `new${i}`, '--net', 'shared'],
      pingFrom: (i) => `new${i}`,
      after: (i) => removeIfPresent(sb, 'container', `new${i}`),
    }, 'anchor')
    expect(steps).toBeGreaterThanOrEqual(10)
  })

  it('rm of a container on two networks', { timeout: 300_000 }, async () => {
    const steps = await crashAtEveryStep(sb, 'rm', {
      before: async (i) => {
        await sb.ok(['run', '--name', `old${i}`, '--net', 'shared'])
        await sb.ok(['network', 'connect', 'bridge', `old${i}`])
      },
      op: (i) => ['rm', `old${i}`],
      pingFrom: (i) => `old${i}`,
      after: (i) => removeIfPresent(sb, 'container', `old${i}`),
    }, 'anchor')
    expect(steps).toBeGreaterThanOrEqual(4)
  })
})
