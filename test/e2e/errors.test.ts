/**
 * Bad input never changes the log or the kernel (DESIGN invariant 4): every rejected request
 * gets a one-line `Error: ...` on stderr and exit code 1, and afterwards the event log, the
 * sandbox's links and addresses, every container namespace, the hosts files and the
 * `ls` tables are exactly as before.
 */
import { chmodSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOT_ROOT_MESSAGE, type AsyncSandbox, createAsyncSandbox, isRoot } from './sandbox.js'
import { rejected as refused } from './unchanged.js'

describe.skipIf(!isRoot)(`bad input changes nothing ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let sb: AsyncSandbox
  let c1Ip = ''

  /** A request that must be refused with one line and change nothing (see unchanged.ts). */
  const rejected = (args: string[], message?: RegExp, opts?: Parameters<AsyncSandbox['run']>[1]): Promise<string> => refused(sb, args, message, opts)

  beforeAll(async () => {
    sb = createAsyncSandbox('err')
    await sb.ok(['network', 'create', '--subnet', '10.1.0.0/24', 'nw1'])
    await sb.ok(['run', '--name', 'c1', '--net', 'nw1'])
    await sb.ok(['run', '--name', 'c2'])
    c1Ip = (await sb.ok(['inspect', '--format={{.NetworkSettings.Networks.nw1.IPAddress}}', 'c1'])).trim()
  })
  afterAll(() => {
    sb?.cleanup()
  })

  it('baseline: the fixture is what the tests assume', async () => {
    expect(c1Ip).toBe('10.1.0.2')
    expect((await sb.ok(['inspect', '--format={{.NetworkSettings.Networks}}', 'c2'])).trim()).toBe('[bridge]')
  })

  it('disconnect a container that is not on the network', async () => {
    await rejected(['network', 'disconnect', 'nw1', 'c2'], /c2|not connected/)
  })

  it('connect a container twice to the same network', async () => {
    await rejected(['network', 'connect', 'nw1', 'c1'], /already|exists/i)
  })

  it('unknown network: connect', async () => {
    await rejected(['network', 'connect', 'nosuch', 'c1'], /network nosuch not found/)
  })

  it('unknown network: disconnect', async () => {
    await rejected(['network', 'disconnect', 'nosuch', 'c1'], /network nosuch not found/)
  })

  it('unknown network: rm', async () => {
    await rejected(['network', 'rm', 'nosuch'], /network nosuch not found/)
  })

  it('unknown network: inspect', async () => {
    expect(await rejected(['network', 'inspect', 'nosuch'])).toBe('Error: network nosuch not found')
  })

  it('unknown network: run --net', async () => {
    // Not a hex name: an unknown name falls back to ID-prefix lookup, as docker's does.
    await rejected(['run', '--name', 'x9', '--net', 'nosuch'], /network nosuch not found/)
    expect(await sb.fail(['inspect', 'x9'])).toBe('Error: No such container: x9\n')
  })

  it('unknown container: connect', async () => {
    await rejected(['network', 'connect', 'nw1', 'ghost'], /ghost/)
  })

  it('unknown container: disconnect', async () => {
    await rejected(['network', 'disconnect', 'nw1', 'ghost'], /ghost/)
  })

  it('unknown container: rm', async () => {
    await rejected(['rm', 'ghost'], /ghost/)
  })

  it('unknown container: inspect', async () => {
    await rejected(['inspect', 'ghost'], /ghost/)
  })

  it('unknown container: exec', async () => {
    await rejected(['exec', 'ghost', '--', 'true'], /ghost/)
  })

  it('an unknown network or container: every command that looks one up says so in the same words (docker\'s)', async () => {
    // The changing commands among these are checked for changing nothing above; here only the words.
    const networkCommands = [['network', 'inspect'], ['network', 'history'], ['network', 'rm'], ['network', 'connect', '_', 'c1'], ['network', 'disconnect', '_', 'c1']]
    for (const argv of networkCommands) {
      const args = argv.includes('_') ? argv.map((a) => (a === '_' ? 'nosuch' : a)) : [...argv, 'nosuch']
      expect(await sb.fail(args), args.join(' ')).toBe('Error: network nosuch not found\n')
    }
    const containerCommands = [['inspect'], ['container', 'inspect'], ['container', 'history'], ['rm'], ['network', 'connect', 'nw1'], ['network', 'disconnect', 'nw1']]
    for (const argv of containerCommands) expect(await sb.fail([...argv, 'nosuch']), argv.join(' ')).toBe('Error: No such container: nosuch\n')
    expect(await sb.fail(['exec', 'nosuch', '--', 'true'])).toBe('Error: No such container: nosuch\n')
    // A filter naming nothing matches nothing, as docker's does.
    expect(await sb.ok(['events', '-f', 'network=nosuch', '-f', 'container=nosuch'])).toBe('')
  })

  it('a --format nested thousands deep is a template error, not a stack overflow', async () => {
    const deep = `${'{{if .}}'.repeat(5000)}x${'{{end}}'.repeat(5000)}`
    const error = 'Error: invalid --format: template: :1: exceeded maximum template depth (100)\n'
    expect(await sb.fail(['network', 'ls', '--format', deep])).toBe(error)
    expect(await sb.fail(['network', 'inspect', '--format', deep, 'bridge'])).toBe(error)
    expect(await sb.fail(['inspect', '--format', `{{${'('.repeat(5000)}.${')'.repeat(5000)}}}`, 'c1'])).toBe(error)
  })

  it('duplicate network name', async () => {
    await rejected(['network', 'create', 'nw1'], /nw1.*already exists|already exists.*nw1/)
  })

  it('duplicate container name', async () => {
    await rejected(['run', '--name', 'c1'], /c1/)
  })

  for (const bad of ['-bad', 'a b', 'x/y']) {
    it(`bad network name ${JSON.stringify(bad)}`, async () => {
      await rejected(['network', 'create', '--', bad], /name/i)
    })
    it(`bad container name ${JSON.stringify(bad)}`, async () => {
      await rejected(['run', `--name=${bad}`], /name/i)
    })
  }

  it('bad CIDR: /33', async () => {
    await rejected(['network', 'create', '--subnet', '10.0.0.0/33', 'badnet'], /10\.0\.0\.0\/33/)
  })

  it('bad CIDR: nonsense', async () => {
    await rejected(['network', 'create', '--subnet', 'nonsense', 'badnet'], /nonsense/)
  })

  it('gateway outside the subnet', async () => {
    await rejected(['network', 'create', '--subnet', '10.20.0.0/16', '--gateway', '10.21.0.1', 'gwnet'], /10\.21\.0\.1/)
  })

  it('overlapping subnets', async () => {
    await sb.ok(['network', 'create', '--subnet', '10.10.0.0/16', 'ov1'])
    await rejected(['network', 'create', '--subnet', '10.10.5.0/24', 'ov2'], /overlap/i)
    await rejected(['network', 'create', '--subnet', '172.17.5.0/24', 'ov3'], /overlap/i)
  })

  it('--ip outside the subnet', async () => {
    await rejected(['run', '--name', 'cip', '--net', 'nw1', '--ip', '10.99.0.5'], /10\.99\.0\.5/)
    await rejected(['network', 'connect', '--ip', '10.99.0.5', 'nw1', 'c2'], /10\.99\.0\.5/)
  })

  it('--ip already taken', async () => {
    await rejected(['run', '--name', 'cip', '--net', 'nw1', '--ip', c1Ip], new RegExp(c1Ip.replace(/\./g, '\\.')))
    await rejected(['network', 'connect', '--ip', c1Ip, 'nw1', 'c2'], new RegExp(c1Ip.replace(/\./g, '\\.')))
  })

  it('exhausted address pool', async () => {
    await sb.ok(['network', 'create', '--subnet', '10.30.0.0/30', 'tiny'])
    await sb.ok(['run', '--name', 't1', '--net', 'tiny'])
    expect((await sb.ok(['inspect', '--format={{.NetworkSettings.Networks.tiny.IPAddress}}', 't1'])).trim()).toBe('10.30.0.2')
    await rejected(['run', '--name', 't2', '--net', 'tiny'], /no (more )?(available|free)|exhausted/i)
    await rejected(['network', 'connect', 'tiny', 'c2'], /no (more )?(available|free)|exhausted/i)
  })

  for (const predefined of ['bridge', 'host', 'none']) {
    it(`removing the predefined network ${predefined}`, async () => {
      await rejected(['network', 'rm', predefined], new RegExp(predefined))
    })
  }

  it('a mutation as non-root is refused with a message about root', async () => {
    // Let the unprivileged user read the state, so the refusal is about privilege.
    chmodSync(sb.root, 0o755)
    const asNobody = { asUid: 65534, env: { HOME: '/tmp', XDG_CACHE_HOME: '/tmp', XDG_CONFIG_HOME: '/tmp' } }
    await rejected(['network', 'create', 'nobodynet'], /root/i, asNobody)
    await rejected(['run', '--name', 'nobodyc'], /root/i, asNobody)
    await rejected(['network', 'rm', 'nw1'], /root/i, asNobody)
  })
})
