/**
 * `patchbay apply`: many operations in one process, one per line. The seed walkthrough applied
 * in one call must leave exactly what the same steps leave as separate commands (two
 * sandboxes side by side); failures name their line; the log and restore see ordinary commands.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AsyncSandbox, BIN, NOT_ROOT_MESSAGE, createAsyncSandbox, isRoot, parseJsonLines, ping } from './sandbox.js'

const HEX64 = /^[0-9a-f]{64}$/

/** The walkthrough's changes (seed 000), as a file for apply: comments and blank lines included. */
const WALKTHROUGH = `# Docker 1.9 advanced networking walkthrough
run --name=container1
run --name=container2

network create -d bridge isolated_nw   # 172.18.0.0/16
run --net=isolated_nw --name=container3
network connect isolated_nw container2
`
const STEPS = WALKTHROUGH.split('\n')
  .map((l) => l.replace(/#.*$/, '').trim())
  .filter((l) => l !== '')
  .map((l) => l.split(/\s+/))

interface NetworkJson {
  Name: string
  Driver: string
  IPAM: { Config: unknown[] }
  Containers: Record<string, { Name: string; MacAddress: string; IPv4Address: string }>
}
interface ContainerJson {
  Name: string
  NetworkSettings: { Networks: Record<string, { IPAddress: string; IPPrefixLen: number; Gateway: string; MacAddress: string }> }
}

/** What must not depend on how the changes were made: everything but the random IDs and times. */
async function observable(sb: AsyncSandbox) {
  const networks = (JSON.parse(await sb.ok(['network', 'inspect', 'bridge', 'isolated_nw'])) as NetworkJson[]).map((n) => ({
    name: n.Name,
    driver: n.Driver,
    ipam: n.IPAM.Config,
    containers: Object.values(n.Containers)
      .map((c) => `${c.Name} ${c.IPv4Address} ${c.MacAddress}`)
      .sort(),
  }))
  const containers = (JSON.parse(await sb.ok(['inspect', 'container1', 'container2', 'container3'])) as ContainerJson[]).map((c) => ({
    name: c.Name,
    networks: Object.entries(c.NetworkSettings.Networks).map(([net, e]) => `${net} ${e.IPAddress}/${e.IPPrefixLen} gw ${e.Gateway} ${e.MacAddress}`),
  }))
  // The hosts file minus the line naming the container's own (ID-derived) hostname.
  const hosts = (await sb.exec('container2', ['cat', '/etc/hosts'])).stdout.split('\n').filter((l) => !/\t[0-9a-f]{12}$/.test(l))
  const links = (await sb.exec('container2', ['ip', '-br', 'link'])).stdout
  return { networks, containers, hosts, links }
}

describe.skipIf(!isRoot)(`apply ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let one: AsyncSandbox
  let batch: AsyncSandbox
  let file: (name: string, text: string) => string

  beforeAll(() => {
    one = createAsyncSandbox('applyone')
    batch = createAsyncSandbox('applybatch')
    file = (name, text) => {
      const path = join(batch.root, name)
      writeFileSync(path, text)
      return path
    }
  })
  afterAll(() => {
    one?.cleanup()
    batch?.cleanup()
  })

  it('applies the walkthrough in one call, printing what each command prints, with the same result as one command per step', async () => {
    for (const step of STEPS) await one.ok(step)
    const out = (await batch.ok(['apply', '-f', file('walkthrough', WALKTHROUGH)])).split('\n')
    // run, run, network create, run print an ID each; network connect prints nothing.
    expect(out.slice(0, -1)).toHaveLength(4)
    for (const line of out.slice(0, -1)) expect(line).toMatch(HEX64)
    expect(out.at(-1)).toBe('')
    expect((await batch.ok(['inspect', '--format', '{{.Id}}', 'container1', 'container2', 'container3'])).split('\n').slice(0, 3)).toEqual([out[0], out[1], out[3]])
    expect((await batch.ok(['network', 'ls', '-q', '--no-trunc', '-f', 'name=isolated_nw'])).trim()).toBe(out[2])

    const want = await observable(one)
    expect(want.networks[1]!.containers).toEqual(['container2 172.18.0.3/16 02:42:ac:12:00:03', 'container3 172.18.0.2/16 02:42:ac:12:00:02'])
    expect(await observable(batch)).toEqual(want)
  })

  it('containers reach each other by name, and the networks stay isolated', async () => {
    expect((await ping(batch, 'container3', 'container2', true)).stdout).toMatch(/172\.18\.0\.3/)
    expect((await ping(batch, 'container2', 'container1', true)).stdout).toMatch(/172\.17\.0\.2/)
    await ping(batch, 'container3', 'container1', false)
  })

  it('logs each line as its own command, with its own events, all from one process', async () => {
    const events = parseJsonLines(await batch.ok(['events', '--format', 'json'])).filter((e) => e.type !== 'NetworkCreated' || (e.payload as { builtin: boolean }).builtin === false)
    const separate = parseJsonLines(await one.ok(['events', '--format', 'json'])).filter((e) => e.type !== 'NetworkCreated' || (e.payload as { builtin: boolean }).builtin === false)
    expect(events.map((e) => e.type)).toEqual(separate.map((e) => e.type))
    const argv = events.map((e) => (e.actor as { argv: string[] }).argv.join(' '))
    expect(argv).toEqual(separate.map((e) => (e.actor as { argv: string[] }).argv.join(' ')))
    expect(argv.at(-1)).toBe('network connect isolated_nw container2')
    expect(new Set(events.map((e) => (e.actor as { pid: number }).pid)).size).toBe(1)
    expect(await batch.ok(['network', 'history', '--format', '{{.Event}} {{.Container}} {{.Actor.Command}}', 'isolated_nw'])).toBe(
      'create  patchbay network create -d bridge isolated_nw\nconnect container3 patchbay run --net=isolated_nw --name=container3\nconnect container2 patchbay network connect isolated_nw container2\n',
    )
  })

  it('stops at the first failing line, naming it; the lines before it stay applied, hosts files included', async () => {
    const r = await batch.run(['apply', '-f', file('fails', '# grow isolated_nw, then try to remove it\n\nrun --name c4 --net isolated_nw\n\n\n\nnetwork rm isolated_nw\nrun --name x5\n')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^Error: line 7: .*network isolated_nw has active endpoints \(container2, container3, c4\); disconnect them first\n$/)
    expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/)
    expect((await batch.ok(['inspect', '--format', '{{.Id}}', 'c4'])).trim()).toBe(r.stdout.trim())
    expect(await batch.fail(['inspect', 'x5'])).toMatch(/No such container: x5/)
    expect((await batch.ok(['network', 'ls', '--format', '{{.Name}}'])).split('\n')).toContain('isolated_nw')
    expect((await batch.exec('container3', ['cat', '/etc/hosts'])).stdout).toMatch(/\n172\.18\.0\.4\tc4\.isolated_nw\n/)
    expect((await ping(batch, 'c4', 'container3', true)).stdout).toMatch(/172\.18\.0\.2/)
  })

  it('--continue-on-error applies the other lines, reports each failure and exits 1', async () => {
    const r = await batch.run(['apply', '--continue-on-error', '-f', file('continue', 'rm nosuch\nrun --name c6\nnetwork connect nosuchnet c6\nnetwork connect isolated_nw c6\n')])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('Error: line 1: No such container: nosuch\nError: line 3: network nosuchnet not found\nError: 2 of 4 lines failed\n')
    expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/)
    expect((await batch.ok(['inspect', '--format', '{{.NetworkSettings.Networks}}', 'c6'])).trim()).toBe('[bridge isolated_nw]')
  })

  it('a line that is not a change it can make, or does not parse, is refused before anything is applied', async () => {
    const head = (await batch.ok(['audit', 'head'])).trim()
    const refused: [string, RegExp][] = [
      ['run --name c7\nnetwork ls\n', /^Error: line 2: network ls cannot be used in apply; it takes .*network connect.*\n$/],
      ['run --name c7\nrun --nme c8\n', /^Error: line 2: Nonexistent flag: --nme \(see patchbay run --help\)\n$/],
      ['run --name c7\nnetwork frobnicate x\n', /^Error: line 2: unknown command "network frobnicate"\n$/],
      ['patchbay run --name c7\n', /^Error: line 1: unknown command "patchbay" \(write each line without the program name/],
      ["run --name 'c7\n", /^Error: line 1: unterminated ' quote\n$/],
      ['run --name c7\nnetwork create --label =v n7\n', /^Error: line 2: invalid --label "=v": expected key=value\n$/],
    ]
    for (const [text, error] of refused) expect(await batch.fail(['apply', '-f', file('bad', text)])).toMatch(error)
    expect((await batch.ok(['audit', 'head'])).trim()).toBe(head)
    expect(await batch.fail(['apply', '-f', join(batch.root, 'nonexistent')])).toMatch(/^Error: cannot read .*nonexistent: no such file or directory\n$/)
  })

  it('input that is not commands is echoed escaped and cut short, on one line, and nothing is applied', async () => {
    const head = (await batch.ok(['audit', 'head'])).trim()
    const binary = join(batch.root, 'binary')
    writeFileSync(binary, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0xff, 0xfe]), Buffer.alloc(5000, 0x41), Buffer.from('\nrun --name bin1\n')]))
    const refused: [string[], string | undefined, string][] = [
      [['-f', binary], undefined, `line 1: not UTF-8 text: "\\x7fELF\\x02\\x01\\x01\\x00\\x1b[2J\\xff\\xfe${'A'.repeat(26)}…"`],
      [[], 'run --name ok1\n\x1b]0;pwned\x07 x\n', 'line 2: unknown command "\\x1b]0;pwned\\a"'],
      [[], `${'b'.repeat(100_000)} x\n`, `line 1: unknown command "${'b'.repeat(40)}…"`],
      [[], 'network create "a\u202eb"\n', 'line 1: invalid network name "a\\u202eb": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed'],
      [['--continue-on-error'], 'rm "\x1b[1mghost"\n', 'line 1: No such container: \\x1b[1mghost'],
    ]
    for (const [args, input, error] of refused) {
      const r = await batch.run(['apply', ...args], { input })
      expect(r.code).toBe(1)
      expect(r.stderr.split('\n')[0]).toBe(`Error: ${error}`)
      expect(r.stderr).toMatch(/^[\x20-\x7e…\n]*$/)
    }
    expect((await batch.ok(['audit', 'head'])).trim()).toBe(head)
  })

  it('refuses input over 64 MiB, and stops reading it there: a file or stdin that never ends', { timeout: 60_000 }, async () => {
    const tooLarge = 'Error: apply: input is larger than 64 MiB; split it into several applies\n'
    expect(await batch.fail(['apply', '-f', '/dev/zero'])).toBe(tooLarge)
    // dd ignores SIGPIPE so that it reports how much it got to write before apply stopped reading.
    const dd = join(batch.root, 'dd.err')
    const r = await batch.sh(`trap '' PIPE; dd if=/dev/zero bs=1M count=1024 2>"${dd}" | "${BIN}" apply -f -`, { env: { PATCHBAY_ROOT: batch.root } })
    expect(r.stderr).toBe(tooLarge)
    const written = Number(/^(\d+)\+\d+ records out$/m.exec(readFileSync(dd, 'utf8'))?.[1])
    expect(written).toBeGreaterThanOrEqual(64)
    expect(written).toBeLessThan(70)
  })

  it('reads stdin, with -f - or without -f, quoting like a shell', async () => {
    const text = `network create --subnet 10.77.0.0/24 --label "team=web ops" --label 'tier=a b' stdin_nw\nrun --name c9 --net stdin_nw --ip 10.77.0.9 --alias 'db'\n`
    const out = await batch.ok(['apply', '-f', '-'], { input: text })
    expect(out).toMatch(/^[0-9a-f]{64}\n[0-9a-f]{64}\n$/)
    expect(JSON.parse(await batch.ok(['network', 'inspect', 'stdin_nw']))[0].Labels).toEqual({ team: 'web ops', tier: 'a b' })
    expect((await batch.ok(['inspect', '--format', '{{.NetworkSettings.Networks.stdin_nw.IPAddress}}', 'c9'])).trim()).toBe('10.77.0.9')
    expect(await batch.ok(['apply'], { input: 'network connect stdin_nw c6\n' })).toBe('')
    expect((await ping(batch, 'c6', 'db', true)).stdout).toMatch(/10\.77\.0\.9/)
    expect(await batch.ok(['apply'], { input: '' })).toBe('')
  })

  it('leaves a log that audit verify accepts and a kernel that restore finds matching', async () => {
    expect(await batch.ok(['audit', 'verify'])).toMatch(/^ok: /)
    expect(await batch.ok(['restore'])).toMatch(/^restore: nothing to do/)
  })
})
