/**
 * Dual-stack bridge networks (--ipv6), against the outside world of outside/world.ts: containers
 * get an IPv6 address beside the IPv4 one, reach each other by name over both families and the
 * outside masqueraded, publish ports over IPv6 too, show it all in inspect, refuse bad input in
 * one line, and come back after a reboot and `restore`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AsyncSandbox, NOT_ROOT_MESSAGE, createAsyncSandbox, isRoot } from './sandbox.js'
import { type Outside, createOutside } from './outside/world.js'

describe.skipIf(!isRoot)(`IPv6 dual stack ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let sb: AsyncSandbox
  let out: Outside

  beforeAll(async () => {
    sb = createAsyncSandbox('ipv6')
    out = await createOutside(sb)
    await sb.ok(['network', 'create', '--ipv6', '--subnet', '10.66.0.0/24', '--subnet', 'fd00:66::/64', '--ip-range', 'fd00:66::100/120', 'dual'])
    await sb.ok(['run', '--name', 'd1', '--net', 'dual', '-p', '8083:7', '-p', '8083:7/udp', '-p', '[2001:db8:1::1]:8084:7'])
    await sb.ok(['run', '--name', 'd2', '--net', 'dual', '--ip6', 'fd00:66::42'])
    await out.serveIn('d1', 7, 'fd00:66::100')
  }, 60_000)
  afterAll(() => sb?.cleanup())

  const pings = async (from: string, target: string, family: '-4' | '-6') => {
    const r = await sb.exec(from, ['ping', family, '-c', '1', '-W', '2', target])
    expect(r.code, `${from} -> ${target} (${family}): ${r.stdout}${r.stderr}`).toBe(0)
  }
  const answered = (what: string, r: { code: number; stdout: string; stderr: string }, from: string) => {
    expect(r.code, `${what}: ${r.stderr}`).toBe(0)
    expect(r.stdout, what).toBe(`from ${from}\n`)
  }
  const works = async () => {
    await pings('d1', 'd2', '-6')
    await pings('d1', 'd2', '-4')
    await pings('d2', 'fd00:66::100', '-6')
    await pings('d1', out.address6, '-6')
    answered('d2 -> outside over IPv6 (masqueraded)', await out.echo('d2', 'tcp', out.address6), out.hostAddress6)
    answered('outside -> [host]:8083/tcp', await out.echoFromOutside('tcp', out.hostAddress6, 8083), '2001:db8:1::2')
    answered('outside -> [host]:8083/udp', await out.echoFromOutside('udp', out.hostAddress6, 8083), '2001:db8:1::2')
    answered('outside -> host:8083/tcp (IPv4 still)', await out.echoFromOutside('tcp', out.hostAddress, 8083), '198.51.100.2')
    answered('d2 -> [host]:8083/tcp (its own network: masqueraded)', await out.echo('d2', 'tcp', out.hostAddress6, 8083), 'fd00:66::1')
    answered('d2 -> [host]:8083/udp', await out.echo('d2', 'udp', out.hostAddress6, 8083), 'fd00:66::1')
    answered('host -> [host]:8083/tcp', await out.echoFromHost('tcp', out.hostAddress6, 8083), out.hostAddress6)
    answered('outside -> [host]:8084/tcp (bound to that IPv6 address only)', await out.echoFromOutside('tcp', out.hostAddress6, 8084), '2001:db8:1::2')
    expect((await out.echoFromOutside('tcp', out.hostAddress, 8084)).code, 'not published on IPv4').toBe(1)
  }

  it('containers get IPv6 addresses from the range, lowest free first, and reach each other by name over both families', async () => {
    const net = JSON.parse(await sb.ok(['network', 'inspect', 'dual']))[0]
    expect(net.EnableIPv6).toBe(true)
    expect(net.IPAM.Config).toEqual([
      { Subnet: '10.66.0.0/24', Gateway: '10.66.0.1' },
      { Subnet: 'fd00:66::/64', IPRange: 'fd00:66::100/120', Gateway: 'fd00:66::1' },
    ])
    expect(Object.values(net.Containers).map((c) => (c as { IPv6Address: string }).IPv6Address)).toEqual(['fd00:66::100/64', 'fd00:66::42/64'])
    const d1 = JSON.parse(await sb.ok(['inspect', '-f', '{{json .NetworkSettings.Networks.dual}}', 'd1']))
    expect(d1).toMatchObject({ GlobalIPv6Address: 'fd00:66::100', GlobalIPv6PrefixLen: 64, IPv6Gateway: 'fd00:66::1', IPAddress: '10.66.0.2' })
    expect((await sb.exec('d1', ['cat', '/etc/hosts'])).stdout).toContain('fd00:66::42\td2\nfd00:66::42\td2.dual\n')
    const trail = await sb.ok(['events', '-f', 'network=dual'])
    expect(trail).toMatch(/ NetworkCreated network dual \([0-9a-f]{12}\) driver bridge 10\.66\.0\.0\/24 gw 10\.66\.0\.1 fd00:66::\/64 gw fd00:66::1 on pb-/)
    expect(trail).toMatch(/ EndpointConnected container d2 to network dual eth0 10\.66\.0\.3\/24 fd00:66::42\/64 02:42:0a:42:00:03 by /)
    await pings('d1', 'd2', '-6')
    await pings('d2', 'd1.dual', '-6')
    await pings('d1', 'd2', '-4')
  })

  it('they reach the outside masqueraded, and a published port answers over IPv6 as over IPv4', async () => {
    await works()
    expect(await sb.ok(['port', 'd1', '7/udp'])).toBe('0.0.0.0:8083\n[::]:8083\n')
    expect(await sb.ok(['port', 'd1', '7'])).toBe('0.0.0.0:8083\n[::]:8083\n[2001:db8:1::1]:8084\n')
    const ports = JSON.parse(await sb.ok(['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'd1']))
    expect(ports['7/tcp']).toEqual([{ HostIp: '0.0.0.0', HostPort: '8083' }, { HostIp: '::', HostPort: '8083' }, { HostIp: '2001:db8:1::1', HostPort: '8084' }])
  })

  it('a network without IPv6 keeps its containers IPv6-less', async () => {
    await sb.ok(['run', '--name', 'v4only'])
    expect((await sb.exec('v4only', ['ip', '-6', 'addr', 'show', 'dev', 'eth0'])).stdout).toBe('')
  })

  it('bad input: one line each, nothing made', async () => {
    const before = [await sb.ok(['network', 'ls', '-q']), await sb.ok(['ps', '-q'])]
    const refused = async (args: string[], message: RegExp) => {
      const r = await sb.run(args)
      expect(r.code, args.join(' ')).not.toBe(0)
      expect(r.stderr).toMatch(message)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
    await refused(['network', 'create', '--ipv6', '--subnet', '10.67.0.0/24', '--subnet', 'fd00:zz::/64', 'bad'], /^Error: invalid CIDR address: fd00:zz::\/64$/m)
    await refused(['network', 'create', '--ipv6', '--subnet', '10.67.0.0/24', '--subnet', 'fd00:67::1/64', 'bad'], /host bits are set \(did you mean fd00:67::\/64\?\)/)
    await refused(['network', 'create', '--ipv6', '--subnet', '10.67.0.0/24', 'bad'], /^Error: --ipv6 needs an IPv6 --subnet as well/m)
    await refused(['network', 'create', '--subnet', 'fd00:67::/64', 'bad'], /^Error: IPv6 addresses need --ipv6/m)
    await refused(['network', 'create', '--ipv6', '--subnet', '10.67.0.0/24', '--subnet', 'fd00:66::/48', 'bad'], /Pool overlaps with other one on this address space \(network dual uses fd00:66::\/64\)/)
    await refused(['run', '--name', 'bad', '--net', 'dual', '--ip6', 'fd00:99::5'], /^Error: invalid address fd00:99::5: it does not belong to network dual's subnet fd00:66::\/64$/m)
    await refused(['run', '--name', 'bad', '--net', 'dual', '--ip6', 'fd00:66::42'], /Address already in use: fd00:66::42 is taken by container d2/)
    await refused(['run', '--name', 'bad', '--ip6', 'fd00:66::5'], /--ip6 is not allowed on network bridge: it has no IPv6/)
    expect([await sb.ok(['network', 'ls', '-q']), await sb.ok(['ps', '-q'])]).toEqual(before)
  })

  it('restore puts back an IPv6 address, an IPv6 gateway and an IPv6 default route deleted by hand', async () => {
    const key = (await sb.ok(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'd2'])).trim()
    const bridge = `pb-${(await sb.ok(['network', 'inspect', '-f', '{{.Id}}', 'dual'])).slice(0, 12)}`
    await sb.shOk(`nsenter --net=${key} ip addr del fd00:66::42/64 dev eth0 && ip addr del fd00:66::1/64 dev ${bridge}`)
    const d1 = (await sb.ok(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'd1'])).trim()
    await sb.shOk(`nsenter --net=${d1} ip -6 route del default`)
    expect((await sb.exec('d1', ['ping', '-6', '-c', '1', '-W', '1', 'fd00:66::42'])).code).not.toBe(0)
    const report = await sb.ok(['restore'])
    expect(report).toMatch(/^restore: 3 changes \(1 bridge, 2 repairs /)
    expect((await sb.exec('d1', ['ip', '-6', 'route', 'show', 'default'])).stdout).toMatch(/^default via fd00:66::1 dev eth0 /)
    await pings('d1', 'fd00:66::42', '-6')
    await pings('d2', out.address6, '-6')
  })

  it('after a reboot, restore brings addresses, routes, masquerading and published ports back', async () => {
    sb.reboot()
    out.link()
    await sb.ok(['restore'])
    await out.serveIn('d1', 7, 'fd00:66::100')
    await works()
    expect(await sb.ok(['audit', 'verify'])).toMatch(/^ok/)
  })
})
