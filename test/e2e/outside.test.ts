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
    await sb.ok(['run', '--name', 'q2', '--net', 'quiet', '-p', '9090:7'])
    await sb.ok(['run', '--name', 'p1', '--net', 'web', '--ip', '10.61.0.50', '-p', '8080:7', '-p', '8080:7/udp', '-p', '7'])
    out.routeBack('10.62.0.0/24')
    await out.serveIn('p1', 7, '10.61.0.50')
    await out.serveIn('q2', 7, (await sb.ok(['inspect', '-f', '{{.NetworkSettings.Networks.quiet.IPAddress}}', 'q2'])).trim())
  }, 60_000)
  afterAll(() => sb?.cleanup())

  const reaches = async (container: string, proto: 'tcp' | 'udp', from: string) => {
    const r = await out.echo(container, proto)
    expect(r.code, `${container} -> outside over ${proto}: ${r.stderr}`).toBe(0)
    expect(r.stdout).toBe(`from ${from}\n`)
  }
  /** Asserts that echo answered, seeing `from` as the client's address. */
  const answered = (what: string, r: { code: number; stdout: string; stderr: string }, from: string) => {
    expect(r.code, `${what}: ${r.stderr}`).toBe(0)
    expect(r.stdout, what).toBe(`from ${from}\n`)
  }
  const published = async () => {
    answered('outside -> 8080/tcp', await out.echoFromOutside('tcp', out.hostAddress, 8080), '198.51.100.2')
    answered('outside -> 8080/udp', await out.echoFromOutside('udp', out.hostAddress, 8080), '198.51.100.2')
    answered('w1 -> host 8080/tcp', await out.echo('w1', 'tcp', out.hostAddress, 8080), '10.61.0.1')
    answered('r1 -> host 8080/udp', await out.echo('r1', 'udp', out.hostAddress, 8080), '10.62.0.5')
    answered('host -> 8080/tcp', await out.echoFromHost('tcp', out.hostAddress, 8080), out.hostAddress)
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

  it('a published port reaches the container from the outside, from other containers through the host (masqueraded on its own network) and from the host, over TCP and UDP', async () => {
    await published()
    // A port left out of -p is the lowest free one of the kernel's ephemeral range.
    const [first] = (await sb.ok(['exec', 'p1', '--', 'cat', '/proc/sys/net/ipv4/ip_local_port_range'])).trim().split(/\s+/)
    expect(await sb.ok(['port', 'p1'])).toBe(`7/tcp -> 0.0.0.0:8080\n7/tcp -> 0.0.0.0:${first}\n7/udp -> 0.0.0.0:8080\n`)
    expect(await sb.ok(['port', 'p1', '7/udp'])).toBe('0.0.0.0:8080\n')
    answered(`outside -> ${first}/tcp`, await out.echoFromOutside('tcp', out.hostAddress, Number(first)), '198.51.100.2')
    const shown = JSON.parse(await sb.ok(['inspect', '-f', '{{json .HostConfig.PortBindings}}|{{json .NetworkSettings.Ports}}', 'p1']).then((t) => `[${t.trim().replace('|', ',')}]`))
    expect(shown[0]).toEqual({ '7/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '', HostPort: '' }], '7/udp': [{ HostIp: '', HostPort: '8080' }] })
    expect(shown[1]['7/udp']).toEqual([{ HostIp: '0.0.0.0', HostPort: '8080' }])
    expect((await sb.ok(['ps', '--format', '{{.Names}} {{.Ports}}'])).split('\n')).toContain(`p1 0.0.0.0:8080->7/tcp, 0.0.0.0:${first}->7/tcp, 0.0.0.0:8080->7/udp`)
  })

  it('with inter-container communication off, the outside reaches a published port, and the containers reach other networks\' published ports', async () => {
    answered('outside -> 9090/tcp', await out.echoFromOutside('tcp', out.hostAddress, 9090), '198.51.100.2')
    answered('q1 -> host 8080/tcp', await out.echo('q1', 'tcp', out.hostAddress, 8080), '10.64.0.2')
  })

  it('a host port already taken, by a container or by a process of the host, is refused in one line; removing the container frees it', async () => {
    const before = await sb.ok(['ps', '-q'])
    const refusedRun = async (args: string[], message: RegExp) => {
      const r = await sb.run(['run', '--name', 'late', ...(args.includes('--net') ? [] : ['--net', 'web']), ...args])
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(message)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
    await refusedRun(['-p', '8080:80'], /^Error: Bind for 0\.0\.0\.0:8080 failed: port is already allocated \(by container p1\)$/m)
    await refusedRun(['-p', '198.51.100.1:8080:80/udp'], /port is already allocated \(by container p1\)/)
    await out.serveInHost(8091)
    await refusedRun(['-p', '8091:80'], /^Error: Bind for 0\.0\.0\.0:8091 failed: port is already allocated \(by a process on the host listening on \[::\]:8091\)$/m)
    // Bad input: one line each, nothing made.
    await refusedRun(['-p', '0:80'], /^Error: invalid host port in -p 0:80: 0 \(ports are 1-65535; leave it out for a free one\)$/m)
    await refusedRun(['-p', '70000:80'], /^Error: invalid host port in -p 70000:80/m)
    await refusedRun(['-p', '80/sctp'], /^Error: invalid protocol in -p 80\/sctp: sctp \(tcp or udp\)$/m)
    await refusedRun(['-p', '192.0.2.9:8081:80'], /^Error: cannot publish on 192\.0\.2\.9: it is not an address of this host$/m)
    await refusedRun(['--net', 'sealed', '-p', '8081:80'], /^Error: cannot publish ports on network sealed: it is internal/m)
    expect(await sb.ok(['ps', '-q'])).toBe(before)
    // Freed with its container, and taken again.
    await sb.ok(['rm', 'p1'])
    const gone = await out.echoFromOutside('tcp', out.hostAddress, 8080)
    expect(gone.code, 'nothing answers on a freed port').toBe(1)
    await sb.ok(['run', '--name', 'p1', '--net', 'web', '--ip', '10.61.0.50', '-p', '8080:7', '-p', '8080:7/udp', '-p', '7'])
    await out.serveIn('p1', 7, '10.61.0.50')
    await published()
  })

  it('apply takes -p; port --at shows the ports of the time; the log verifies', async () => {
    await sb.ok(['apply'], { input: 'run --name a1 --net web -p 8082:7 -p 8082:7/udp\n' })
    expect(await sb.ok(['port', 'a1'])).toBe('7/tcp -> 0.0.0.0:8082\n7/udp -> 0.0.0.0:8082\n')
    expect(await sb.ok(['events', '-f', 'container=a1', '-f', 'type=container'])).toMatch(/ ContainerCreated container a1 \([0-9a-f]{12}\) own namespace ports 0\.0\.0\.0:8082->7\/tcp, 0\.0\.0\.0:8082->7\/udp by root /)
    const seq = Number((await sb.ok(['events', '--format', '{{.Seq}}'])).trim().split('\n').at(-1))
    await sb.ok(['rm', 'a1'])
    expect((await sb.run(['port', 'a1'])).stderr).toBe('Error: No such container: a1\n')
    expect(await sb.ok(['port', 'a1', '7/udp', '--at', `seq:${seq}`])).toBe('0.0.0.0:8082\n')
    expect(await sb.ok(['audit', 'verify'])).toMatch(/^ok/)
  })

  it('after a reboot, restore brings all of it back', async () => {
    sb.reboot()
    out.link()
    out.routeBack('10.62.0.0/24')
    await sb.ok(['restore'])
    await holds()
    await out.serveIn('p1', 7, '10.61.0.50')
    await published()
  })
})
