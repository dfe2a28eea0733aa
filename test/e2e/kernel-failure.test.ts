import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, createSandbox, isRoot, parseJsonLines } from './sandbox.js'

/**
 * When the kernel refuses a step, patchbay undoes what it did, leaves the tables as they were
 * and records the failure in the log (DESIGN invariant 2). Failures are provoked with names
 * and namespaces the sandbox owns.
 */
describe.skipIf(!isRoot)('a kernel step that fails is undone and recorded', () => {
  let sb: Sandbox
  const events = () => parseJsonLines(sb.ok(['events', '--format', 'json']))
  const links = () => sb.shOk('ip -o link show | cut -d: -f2 | sort')

  beforeAll(() => {
    sb = createSandbox('kfail')
    sb.ok(['network', 'ls'])
  })
  afterAll(() => sb?.cleanup())

  it('network create onto an interface name that is not a bridge', () => {
    sb.shOk('ip link add taken0 type veth peer name taken1')
    const before = { events: events().length, links: links(), ls: sb.ok(['network', 'ls']) }
    const err = sb.fail(['network', 'create', '-o', 'com.docker.network.bridge.name=taken0', 'clash'])
    expect(err).toMatch(/^Error: .*taken0.*\(changes undone\)\n$/)
    expect(sb.ok(['network', 'ls'])).toBe(before.ls)
    expect(links()).toBe(before.links)
    const after = events()
    expect(after).toHaveLength(before.events + 1)
    expect(after.at(-1)).toMatchObject({ type: 'OperationFailed', payload: { command: 'network create' } })
  })

  it('connect into a namespace that vanished leaves no veth behind', () => {
    const ns = `pbt-gone-${process.pid}`
    sb.shOk(`ip netns add ${ns}`)
    sb.defer(() => sb.sh(`ip netns del ${ns} 2>/dev/null`))
    sb.ok(['run', '--name', 'adopted', '--net', 'none', '--netns', `/run/netns/${ns}`])
    sb.ok(['network', 'disconnect', 'none', 'adopted'])
    sb.shOk(`ip netns del ${ns}`)
    const before = { links: links(), inspect: sb.ok(['network', 'inspect', 'bridge']) }
    const err = sb.fail(['network', 'connect', 'bridge', 'adopted'])
    expect(err.split('\n').filter(Boolean)).toHaveLength(1)
    expect(links()).toBe(before.links)
    expect(sb.ok(['network', 'inspect', 'bridge'])).toBe(before.inspect)
    expect(events().at(-1)).toMatchObject({ type: 'OperationFailed', payload: { command: 'network connect' } })
  })
})
