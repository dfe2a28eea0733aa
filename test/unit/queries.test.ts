import { describe, expect, it } from 'vitest'
import { decideConnect } from '../../src/core/connect.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import type { ContainerCreated, NetworkCreated } from '../../src/events/types.js'
import { memoryState } from './memory-state.js'

const run = (name: string, network = 'bridge') => ({ name, network, aliases: [] })

describe('lookups by reference (full ID, then name, then a unique ID prefix)', () => {
  function threeContainers() {
    const s = memoryState()
    const ids = ['web', 'db', 'cache'].map((name) => (s.apply((c) => decideContainerCreate(run(name), c))[0].payload as ContainerCreated).id)
    return { s, ids }
  }

  it('finds containers by full ID, by name (also /name), and by unique ID prefix', () => {
    const { s, ids } = threeContainers()
    expect(s.state.findContainer(ids[1]!)?.name).toBe('db')
    expect(s.state.findContainer('cache')?.id).toBe(ids[2])
    expect(s.state.findContainer('/web')?.id).toBe(ids[0])
    expect(s.state.findContainer(ids[2]!.slice(0, 5))?.name).toBe('cache')
    expect(s.state.findContainer('nope')).toBeUndefined()
    expect(s.state.findContainer('')).toBeUndefined()
  })

  it('prefers a name over an ID prefix, and refuses an ambiguous prefix', () => {
    const { s, ids } = threeContainers()
    const named = s.apply((c) => decideContainerCreate(run(ids[0]!.slice(0, 6)), c))[0].payload as ContainerCreated
    expect(s.state.findContainer(ids[0]!.slice(0, 6))?.id).toBe(named.id)
    // IDs are hex: among 17 of them, two share their first digit.
    for (let i = 0; i < 13; i++) ids.push((s.apply((c) => decideContainerCreate(run(`c${i}`), c))[0].payload as ContainerCreated).id)
    const shared = [...'0123456789abcdef'].find((d) => [...ids, named.id].filter((id) => id.startsWith(d)).length > 1)!
    expect(() => s.state.findContainer(shared)).toThrow(/^container . is ambiguous \(\d+ matches found based on ID prefix\)$/)
    expect(s.state.findContainer(`${ids[1]}0`)).toBeUndefined()
  })

  it('finds networks the same way', () => {
    const s = memoryState()
    const created = s.apply((c) => decideNetworkCreate({ name: 'backend', driver: 'bridge', internal: false, attachable: false, labels: { a: 'b' }, options: {}, hostRoutes: [] }, c))
    const id = (created[0].payload as NetworkCreated).id
    expect(s.state.findNetwork(id.slice(0, 12))).toMatchObject({ name: 'backend', labels: { a: 'b' }, internal: false })
    expect(s.state.findNetwork('backend')?.id).toBe(id)
    expect(s.state.findNetwork('bridge')?.builtin).toBe(true)
  })

  it('names the container that holds a requested address', () => {
    const s = memoryState()
    s.apply((c) => decideNetworkCreate({ name: 'n', driver: 'bridge', subnet: '10.40.0.0/24', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [] }, c))
    s.apply((c) => decideContainerCreate({ ...run('first', 'n'), ip: '10.40.0.7' }, c))
    s.apply((c) => decideContainerCreate(run('second'), c))
    expect(() => decideConnect({ network: 'n', container: 'second', ip: '10.40.0.7', aliases: [] }, s.ctx)).toThrow(
      'Address already in use: 10.40.0.7 is taken by container first on network n',
    )
    expect(s.state.addressesOnNetwork(s.state.findNetwork('n')!.id)).toEqual(['10.40.0.7'])
  })
})
