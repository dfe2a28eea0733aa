import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crashAtEveryStep, crashSandbox, removeIfPresent } from './crash.js'
import { type AsyncSandbox, isRoot } from './sandbox.js'

/** Network mutations killed at every step: restore converges each time (see crash.ts). */
describe.skipIf(!isRoot)('crash at every step of network create/rm/connect/disconnect, then restore', () => {
  let sb: AsyncSandbox
  beforeAll(async () => {
    sb = await crashSandbox('crashnet')
  })
  afterAll(() => sb?.cleanup())

  it('network create', { timeout: 300_000 }, async () => {
    const steps = await crashAtEveryStep(sb, 'network create', {
      op: (i) => ['network', 'create', `net${i}`],
      after: (i) => removeIfPresent(sb, 'network', `net${i}`),
    }, 'anchor')
    expect(steps).toBeGreaterThanOrEqual(3)
  })

  it('network rm', { timeout: 300_000 }, async () => {
    const steps = await crashAtEveryStep(sb, 'network rm', {
      before: async (i) => void (await sb.ok(['network', 'create', `gone${i}`])),
      op: (i) => ['network', 'rm', `gone${i}`],
      after: (i) => removeIfPresent(sb, 'network', `gone${i}`),
    }, 'anchor')
    expect(steps).toBeGreaterThanOrEqual(2)
  })

  it('network connect', { timeout: 300_000 }, async () => {
    const steps = await crashAtEveryStep(sb, 'network connect', {
      before: async (i) => void (await sb.ok(['run', '--name', `conn${i}`])),
      op: (i) => ['network', 'connect', 'shared', `conn${i}`],
      after: (i) => sb.ok(['rm', `conn${i}`]).then(() => {}),
    }, 'anchor')
    expect(steps).toBeGreaterThanOrEqual(8)
  })

  it('network disconnect (the default route moves to the remaining network)', { timeout: 300_000 }, async () => {
    const steps = await crashAtEveryStep(sb, 'network disconnect', {
      before: async (i) => {
        await sb.ok(['run', '--name', `disc${i}`])
        await sb.ok(['network', 'connect', 'shared', `disc${i}`])
      },
      op: (i) => ['network', 'disconnect', 'bridge', `disc${i}`],
      pingFrom: (i) => `disc${i}`,
      after: (i) => sb.ok(['rm', `disc${i}`]).then(() => {}),
    }, 'anchor')
    expect(steps).toBeGreaterThanOrEqual(3)
  })
})
