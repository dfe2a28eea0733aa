/**
 * The outside world, from containers on bridge networks: an "outside" namespace linked to the
 * sandbox host stands for the internet (outside/world.ts). What leaves is masqueraded unless
 * the network says not to; an internal network reaches nothing; with inter-container
 * communication off, neighbours cannot reach each other but still reach the outside; and all
 * of it holds again after a reboot and `restore`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AsyncSandbox, NOT_ROOT_MESSAGE, createAsyncSandbox, isRoot, ping } from './sandbox.js'
import { type Outside, createOutside } from './outside/world.js'

describe.skipIf(!isRoot)(`the outside world ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let sb: AsyncSandbox
  let out: Outside

  beforeAll(async () => {
    sb = createAsyncSandbox('outside')
    out = await createOutside(sb)
    await sb.ok(['network', 'create', '--subnet', '10.61.0.0/24', 'web'])
    await sb.ok(['network', 'create', '--subnet', '10.62.0.0/24', '-o', 'com.docker.network.bridge.enable_ip_masquerade=false', 'routed'])
    await sb.ok(['network', 'create', '--subnet', '10.63.0.0/24', '--internal', 'sealed'])
    await sb.ok(['network', 'create', '--subnet', '10.64.0.0/24', '-o', 'com.docker.network.bridge.enable_icc=false', 'quiet'])
    await sb.ok(['run', '--name', 'w1', '--net', 'web'])
    await sb.ok(['run', '--name', 'r1', '--net', 'routed', '--ip', '10.62.0.5'])
    await sb.ok(['run', '--name', 's1', '--net', 'sealed'])
    await sb.ok(['run', '--name', 'q1', '--net', 'quiet'])
    await sb.ok(['run', '--name', 'q2', '--net', 'quiet'])
    out.routeBack('10.62.0.0/24')
  }, 60_000)
  afterAll(() => sb?.cleanup())

  const reaches = async (container: string, proto: 'tcp' | 'udp', from: string) => {
    const r = await out.echo(container, proto)
    expect(r.code, `${container} -> outside over ${proto}: ${r.stderr}`).toBe(0)
    expect(r.stdout).toBe(`from ${from}\n`)
  }
  const blocked = async (container: string) => {
    const r = await out.echo(container, 'tcp')
    expect(r.code, `${container} should not reach the outside: ${r.stdout}`).toBe(1)
    expect(r.stderr).toMatch(/^echo-client: tcp 203\.0\.113\.10:7: (no answer in 2 s|ENETUNREACH|EHOSTUNREACH)/)
  }

  const holds = async () => {
    await reaches('w1', 'tcp', out.hostAddress)
    await reaches('w1', 'udp', out.hostAddress)
    await reaches('r1', 'tcp', '10.62.0.5')
    await blocked('s1')
    await reaches('q1', 'tcp', out.hostAddress)
    await ping(sb, 'q1', 'q2', false)
    await ping(sb, 'q2', 'q1', false)
    await ping(sb, 'q1', '10.64.0.1', true)
  }

  it('a container reaches the outside masqueraded, over TCP and UDP', async () => {
    await reaches('w1', 'tcp', out.hostAddress)
    await reaches('w1', 'udp', out.hostAddress)
  })

  it('with masquerading off its own address arrives (the outside routes it back)', async () => {
    await reaches('r1', 'tcp', '10.62.0.5')
    const options = JSON.parse(await sb.ok(['network', 'inspect', '--format', '{{json .Options}}', 'routed'])) as Record<string, string>
    expect(options).toEqual({ 'com.docker.network.bridge.enable_ip_masquerade': 'false' })
  })

  it('an internal network reaches nothing outside', async () => {
    await blocked('s1')
  })

  it('with inter-container communication off, neighbours cannot reach each other; the gateway and the outside they can', async () => {
    await ping(sb, 'q1', 'q2', false)
    await ping(sb, 'q1', '10.64.0.1', true)
    await reaches('q1', 'tcp', out.hostAddress)
    // A network with it on, beside it, is not affected.
    await sb.ok(['run', '--name', 'w2', '--net', 'web'])
    await ping(sb, 'w1', 'w2', true)
  })

  it('after a reboot, restore brings all of it back', async () => {
    sb.reboot()
    out.link()
    out.routeBack('10.62.0.0/24')
    await sb.ok(['restore'])
    await holds()
  })
})
