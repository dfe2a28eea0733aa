import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crashAtEveryStep } from './crash.js'
import { type AsyncSandbox, createAsyncSandbox, isRoot } from './sandbox.js'

/** Container mutations killed at every step: restore converges each time (see crash.ts). */
describe.skipIf(!isRoot)('crash at every step of run and rm, then restore', () => {
  let sb: AsyncSandbox
  const rmIfThere = async (name: string) => {
    const r = await sb.run(['rm', name])
    expect(r.code === 0 || /No such container/.test(r.stderr), r.stderr).toBe(true)
  }

  beforeAll(async () => {
    sb = createAsyncSandbox('crashctr')
    await sb.ok(['network', 'create', 'shared'])
    await sb.ok(['run', '--name', 'anchor', '--net', 'shared'])
  })
  afterAll(() => sb?.cleanup())

  it('run', { timeout: 300_000 }, async () => {
    const steps = await crashAtEveryStep(sb, 'run', {
      op: (i) => ['run', '--name', `new${i}`, '--net', 'shared'],
      pingFrom: (i) => `new${i}`,
      after: (i) => rmIfThere(`new${i}`),
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
      after: (i) => rmIfThere(`old${i}`),
    }, 'anchor')
    expect(steps).toBeGreaterThanOrEqual(4)
  })
})
