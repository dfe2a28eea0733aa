import { decideConnect } from '../../src/core/connect.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideContainerRemove } from '../../src/core/container-remove.js'
import type { DecideContext } from '../../src/core/context.js'
import { decideDisconnect } from '../../src/core/disconnect.js'
import { UserError } from '../../src/core/errors.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import { decideNetworkRemove } from '../../src/core/network-remove.js'
import type { NewEvent } from '../../src/events/types.js'
import { memoryState } from './memory-state.js'

/** A tiny seeded PRNG so a failing sequence can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
}

type MemoryState = ReturnType<typeof memoryState>

/**
 * `steps` random decisions (most valid, some refused) applied through the append path.
 * `afterEach` sees the state after every one that was applied.
 */
export function randomOps(seed: number, steps: number, opts: { snapshotEvery?: number; afterEach?: (s: MemoryState) => void } = {}) {
  const s = memoryState(opts.snapshotEvery)
  const rnd = prng(seed)
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]
  const nets = ['bridge', 'none', 'n1', 'n2', 'n3']
  const ctrs = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']
  const ops: ((c: DecideContext) => NewEvent[])[] = [
    (c) => decideNetworkCreate({ name: pick(nets), driver: 'bridge', internal: rnd() < 0.3, attachable: false, labels: {}, options: {}, hostRoutes: [] }, c),
    (c) => decideNetworkRemove(pick(nets), c),
    (c) => decideContainerCreate({ name: pick(ctrs), network: pick(nets), aliases: rnd() < 0.5 ? ['db'] : [] }, c),
    (c) => decideContainerRemove(pick(ctrs), c),
    (c) => decideConnect({ network: pick(nets), container: pick(ctrs), aliases: [] }, c),
    (c) => decideDisconnect({ network: pick(nets), container: pick(ctrs) }, c),
  ]
  let applied = 0
  for (let i = 0; i < steps; i++) {
    try {
      s.apply(pick(ops))
      applied++
      opts.afterEach?.(s)
    } catch (err) {
      if (!(err instanceof UserError)) throw err
    }
  }
  return { s, applied }
}
