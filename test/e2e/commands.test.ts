import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { COMMANDS } from '../../src/commands.js'
import { type AsyncSandbox, REPO, cmd, createAsyncSandbox, idMasker, isRoot, parseJsonLines, ping } from './sandbox.js'

/** The command surface beyond the seed walkthrough: flags, filters, formats, prune, aliases, internal networks. */
describe.skipIf(!isRoot)('commands', () => {
  let sb: AsyncSandbox
  beforeAll(() => {
    sb = createAsyncSandbox('cmds')
  })
  afterAll(() => sb?.cleanup())

  it('network create takes subnet, gateway, ip-range, labels and options, and inspect shows them', async () => {
    await sb.ok(['network', 'create', '--subnet', '10.77.0.0/16', '--gateway', '10.77.0.254', '--ip-range', '10.77.9.0/24', '--label', 'team=db', '-o', 'com.docker.network.driver.mtu=1400', 'backend'])
    const [net] = JSON.parse(await sb.ok(['network', 'inspect', 'backend']))
    expect(net.IPAM.Config).toEqual([{ Subnet: '10.77.0.0/16', IPRange: '10.77.9.0/24', Gateway: '10.77.0.254' }])
    expect(net.Labels).toEqual({ team: 'db' })
    const bridge = `pb-${net.Id.slice(0, 12)}`
    expect(await sb.shOk(`ip -o addr show dev ${bridge}`)).toContain('inet 10.77.0.254/16')
    expect(await sb.shOk(`ip -o link show dev ${bridge}`)).toContain('mtu 1400')
  })

  it('run --ip and --alias: the address is used, the alias resolves on that network', async () => {
    await sb.ok(['run', '--name', 'db1', '--net', 'backend', '--ip', '10.77.3.3', '--alias', 'database'])
    await sb.ok(['run', '--name', 'app1', '--net', 'backend'])
    expect((await sb.ok(['inspect', '-f', '{{.NetworkSettings.Networks.backend.IPAddress}}', 'app1'])).trim()).toBe('10.77.9.0')
    expect((await sb.ok(['inspect', '-f', '{{json .NetworkSettings.Networks.backend.Aliases}}', 'db1'])).trim()).toBe('["database"]')
    await ping(sb, 'app1', 'database', true)
    await ping(sb, 'app1', 'database.backend', true)
  })

  it('network connect --ip --alias on a second network', async () => {
    await sb.ok(['network', 'create', 'front'])
    await sb.ok(['network', 'connect', '--ip', '172.18.0.50', '--alias', 'api', 'front', 'app1'])
    const out = await sb.ok(['inspect', '-f', '{{range $n, $e := .NetworkSettings.Networks}}{{$n}}={{$e.IPAddress}} {{end}}', 'app1'])
    expect(out.trim()).toBe('backend=10.77.9.0 front=172.18.0.50')
    await sb.ok(['run', '--name', 'web1', '--net', 'front'])
    await ping(sb, 'web1', 'api', true)
  })

  it('network ls: -q, --no-trunc, filters and --format', async () => {
    const ids = (await sb.ok(['network', 'ls', '-q'])).trim().split('\n')
    expect(ids).toHaveLength(5)
    expect(ids.every((id) => /^[0-9a-f]{12}$/.test(id))).toBe(true)
    expect((await sb.ok(['network', 'ls', '-q', '--no-trunc'])).trim().split('\n').every((id) => /^[0-9a-f]{64}$/.test(id))).toBe(true)
    expect(await sb.ok(['network', 'ls', '-f', 'driver=bridge', '--format', '{{.Name}}'])).toBe('bridge\nbackend\nfront\n')
    expect(await sb.ok(['network', 'ls', '-f', 'label=team=db', '--format', '{{.Name}} {{.Labels}}'])).toBe('backend team=db\n')
    expect(await sb.ok(['network', 'ls', '-f', 'name=ack', '-f', 'name=non', '--format', '{{.Name}}'])).toBe('none\nbackend\n')
  })

  it('container ls lists containers with their networks', async () => {
    const rows = (await sb.ok(['container', 'ls'])).trim().split('\n')
    expect(rows[0]).toMatch(/^CONTAINER ID\s+PORTS\s+NAMES\s+NETWORKS$/)
    expect(rows.find((r) => r.includes('app1'))).toMatch(/app1\s+backend,front$/)
    expect(await sb.ok(['ps', '--format', '{{.Names}}'])).toBe('db1\napp1\nweb1\n')
  })

  it('an internal network reaches only itself', async () => {
    await sb.ok(['network', 'create', '--internal', 'vault'])
    await sb.ok(['run', '--name', 'safe', '--net', 'vault'])
    await sb.ok(['network', 'connect', 'vault', 'web1'])
    await ping(sb, 'web1', 'safe', true)
    const safeRoutes = (await sb.exec('safe', ['ip', 'route'])).stdout
    expect(safeRoutes).not.toContain('default')
    await sb.shOk('sysctl -qw net.ipv4.ip_forward=1')
    const frontGw = JSON.parse(await sb.ok(['network', 'inspect', 'front']))[0].IPAM.Config[0].Gateway
    await ping(sb, 'safe', frontGw, false)
  })

  it('network prune -f removes unused user networks only', async () => {
    await sb.ok(['network', 'create', 'unused1'])
    await sb.ok(['network', 'create', 'unused2'])
    expect(await sb.ok(['network', 'prune', '-f'])).toBe('Deleted Networks:\nunused1\nunused2\n')
    expect(await sb.ok(['network', 'ls', '--format', '{{.Name}}'])).toBe('bridge\nhost\nnone\nbackend\nfront\nvault\n')
  })

  it('rm of several containers removes them and rewrites the peers\' hosts files', async () => {
    expect(await sb.ok(['rm', 'db1', 'safe'])).toBe('db1\nsafe\n')
    const hosts = (await sb.exec('app1', ['cat', '/etc/hosts'])).stdout
    expect(hosts).not.toContain('db1')
    expect(hosts).not.toContain('database')
    expect(hosts).toMatch(/10\.77\.9\.0\s+app1\.backend/)
    // safe, not db1: a hex name could match another container's ID prefix, as in docker.
    expect(await sb.fail(['rm', 'safe'])).toBe('Error: No such container: safe\n')
  })

  it('--help shows a default only where there is one: flags given any number of times have none', async () => {
    for (const id of Object.keys(COMMANDS)) {
      const help = await sb.ok([...id.split(':'), '--help'])
      expect(help, id).toMatch(/FLAGS/)
      expect(help, id).not.toContain('[default: ]')
    }
    expect(await sb.ok(['network', 'create', '--help'])).toMatch(/--label=<value>\.\.\.\s+set metadata on the network/)
  })

  it('events --format json and a Go template', async () => {
    const all = parseJsonLines(await sb.ok(['events', '--format', 'json']))
    expect(all.filter((e) => e.type === 'ContainerRemoved')).toHaveLength(2)
    const lines = await sb.ok(['events', '--format', '{{.Seq}} {{.Type}} {{.Actor.User}}'])
    expect(lines.split('\n')[0]).toBe('1 NetworkCreated root')
  })
})

describe.skipIf(!isRoot)('fast path', () => {
  let sb: AsyncSandbox
  beforeAll(async () => {
    sb = createAsyncSandbox('fast')
    await sb.ok(['network', 'create', '--label', 'k=v', 'n1'])
    await sb.ok(['run', '--name', 'c1', '--net', 'n1', '--alias', 'web'])
    await sb.ok(['network', 'connect', 'bridge', 'c1'])
  })
  afterAll(() => sb?.cleanup())

  it('prints exactly what the oclif command prints, errors and exit codes included', async () => {
    const oclif = join(REPO, 'test/e2e/oclif-only.mjs')
    const cases = [
      ['network', 'ls'],
      ['network', 'list', '-q', '--no-trunc', '-f', 'driver=bridge', '-f', 'label=k=v'],
      ['network', 'ls', '--format', '{{.Name}} {{.Driver}}', '--filter', 'name=n'],
      ['network', 'inspect', 'n1', 'bridge'],
      ['network', 'inspect', '-f', '{{.Name}} {{len .Containers}}', 'n1'],
      ['network', 'inspect', 'missing'],
      ['container', 'ls'],
      ['ps', '-q', '--no-trunc'],
      ['container', 'ps', '--format', '{{.Names}}: {{.Networks}}'],
      ['inspect', 'c1'],
      ['container', 'inspect', '--format={{json .NetworkSettings.Networks.n1.Aliases}}', 'c1'],
      ['inspect', 'nobody'],
      ['network', 'ls', '--at', 'seq:3'],
      ['inspect', 'c1', '--at', 'seq:0'],
      ['network', 'ls', '--at', 'soon'],
    ]
    for (const argv of cases) {
      const fast = await sb.run(argv)
      const slow = await cmd(['nsenter', `--net=/run/netns/${sb.ns}`, '--', 'node', oclif, ...argv], { env: { PATCHBAY_ROOT: sb.root } })
      expect({ argv, code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({ argv, code: slow.code, stdout: slow.stdout, stderr: slow.stderr })
    }
  })
})

describe.skipIf(!isRoot)('fast path for changes', () => {
  let fast: AsyncSandbox
  let slow: AsyncSandbox
  beforeAll(() => {
    fast = createAsyncSandbox('fastmut')
    slow = createAsyncSandbox('slowmut')
  })
  afterAll(() => {
    fast?.cleanup()
    slow?.cleanup()
  })

  it('the same commands through bin/patchbay and through oclif alone: same output, errors, exit codes, state and log', { timeout: 120_000 }, async () => {
    const oclif = join(REPO, 'test/e2e/oclif-only.mjs')
    const viaOclif = (argv: string[]) => cmd(['nsenter', `--net=/run/netns/${slow.ns}`, '--', 'node', oclif, ...argv], { env: { PATCHBAY_ROOT: slow.root } })
    const [maskFast, maskSlow] = [idMasker(), idMasker()]
    const cases = [
      ['network', 'create', '--subnet', '10.7.0.0/24', '-o', 'com.docker.network.bridge.name=pbf0', '--label', 'a=b', 'm1'],
      ['network', 'create', 'm1'],
      ['network', 'create', '-d', 'overlay9', 'm2'],
      ['run', '--name', 'a1', '--net', 'm1', '--alias', 'x', '--network-alias', 'y'],
      ['run', '--name', 'a2', '--net=m1', '--ip', '10.7.0.50'],
      ['run', '--name', 'a3', '--pid', 'abc'],
      ['container', 'run', '--name', 'a3', '--network', 'none'],
      ['container', 'create', '--name', 'a4', '--net', 'm1', '--net', 'bridge'],
      ['network', 'connect', '--alias', 'db', 'm1', 'a3'],
      ['network', 'connect', 'm1', 'a3'],
      ['network', 'connect', 'm1'],
      ['network', 'disconnect', 'none', 'a3'],
      ['network', 'disconnect', '-f', 'm1', 'a3'],
      ['network', 'disconnect', 'm1', 'a3'],
      ['rm', 'a1', 'nobody'],
      ['container', 'rm', '-f', 'a2', 'extra'],
      ['network', 'rm', 'm1', 'ghost'],
      ['container', 'remove', 'a3'],
      ['network', 'remove', 'm1'],
      ['network', 'create', 'm3', '--', '--label'],
    ]
    for (const argv of cases) {
      const a = await fast.run(argv)
      const b = await viaOclif(argv)
      expect({ argv, code: a.code, stdout: maskFast(a.stdout), stderr: maskFast(a.stderr) }).toEqual({ argv, code: b.code, stdout: maskSlow(b.stdout), stderr: maskSlow(b.stderr) })
    }
    const events = ['events', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']
    expect(maskFast(await fast.ok(events))).toBe(maskSlow((await viaOclif(events)).stdout))
    const state = ['network', 'inspect', '-f', '{{.Name}}{{range .Containers}} {{.Name}}={{.IPv4Address}}{{end}}', 'bridge', 'none']
    expect(await fast.ok(state)).toBe((await viaOclif(state)).stdout)
  })
})

describe.skipIf(!isRoot)('concurrent invocations', () => {
  let sb: AsyncSandbox
  beforeAll(() => {
    sb = createAsyncSandbox('conc')
  })
  afterAll(() => sb?.cleanup())

  it('50 runs and connects at once on one network: each succeeds or fails with a clear error, no address or MAC twice, the log verifies', { timeout: 300_000 }, async () => {
    await sb.ok(['network', 'create', '--subnet', '10.9.0.0/24', 'busy'])
    for (let i = 0; i < 20; i++) await sb.ok(['container', 'create', '--name', `q${i}`])
    const runs = Array.from({ length: 25 }, (_, i) => ['run', '--name', `p${i}`, '--net', 'busy'])
    const connects = Array.from({ length: 20 }, (_, i) => ['network', 'connect', 'busy', `q${i}`])
    // Five that must fail whoever wins: a name taken twice, one address asked for three times.
    const clashes = [
      ['run', '--name', 'p0', '--net', 'busy'],
      ['run', '--name', 'p1', '--net', 'busy'],
      ...[0, 1, 2].map((i) => ['run', '--name', `fixed${i}`, '--net', 'busy', '--ip', '10.9.0.200']),
    ]
    const all = [...runs, ...connects, ...clashes]
    expect(all).toHaveLength(50)
    const results = await Promise.all(all.map((argv) => sb.run(argv, { timeout: 240_000 })))
    const failures = results.filter((r) => r.code !== 0)
    for (const r of failures) expect(r.stderr).toMatch(/^Error: (Conflict\. The container name "\/p[01]" is already in use|Address already in use: 10\.9\.0\.200 is taken by container fixed\d) [^\n]*\n$/)
    expect(failures).toHaveLength(4)
    const [net] = JSON.parse(await sb.ok(['network', 'inspect', 'busy']))
    const eps = Object.values(net.Containers) as { IPv4Address: string; MacAddress: string }[]
    expect(eps).toHaveLength(46)
    expect(new Set(eps.map((e) => e.IPv4Address)).size).toBe(46)
    expect(new Set(eps.map((e) => e.MacAddress)).size).toBe(46)
    expect(await sb.ok(['restore'])).toMatch(/^restore: nothing to do/)
    expect(await sb.ok(['audit', 'verify'])).toMatch(/^ok: /)
    await ping(sb, 'p0', 'q19', true)
    await ping(sb, 'q0', 'p24', true)
  })
})
