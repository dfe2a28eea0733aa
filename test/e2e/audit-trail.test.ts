import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AsyncSandbox, createAsyncSandbox, isRoot, parseJsonLines, startCli } from './sandbox.js'

type Event = {
  seq: number
  time: string
  type: string
  host: string
  actor: { uid: number; user: string; sudoUser: string | null; pid: number; argv: string[] }
  payload: Record<string, unknown>
}

/** Collects a child's stdout lines; `until` resolves once a condition on them holds (rejects if the child ends first). */
function stdoutLines(child: ChildProcessWithoutNullStreams) {
  let text = ''
  let waiting: (() => void) | undefined
  let closed = false
  const lines = (): string[] => text.split('\n').filter((l) => l !== '')
  child.stdout.on('data', (d: Buffer) => {
    text += d.toString()
    waiting?.()
  })
  child.stdout.on('close', () => {
    closed = true
    waiting?.()
  })
  return {
    lines,
    until: (done: (ls: string[]) => boolean): Promise<string[]> =>
      new Promise((resolve, reject) => {
        waiting = () => {
          if (done(lines())) resolve(lines())
          else if (closed) reject(new Error(`follower ended early; printed:\n${text}`))
        }
        waiting()
      }),
  }
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })))
}

/**
 * The audit trail over a real history: a network removed and created again under the same
 * name, a container name reused, connects and disconnects, one command run through sudo.
 */
describe.skipIf(!isRoot)('audit trail', () => {
  let sb: AsyncSandbox
  let all: Event[]
  const events = async (...args: string[]): Promise<Event[]> => parseJsonLines(await sb.ok(['events', '--format', 'json', ...args])) as Event[]
  const seqs = (es: Event[]): number[] => es.map((e) => e.seq)
  const ids: Record<string, string> = {}
  let c2OnWeb: { ip: string; mac: string }

  beforeAll(async () => {
    sb = createAsyncSandbox('audit')
    const id = async (args: string[]) => (await sb.ok(args)).trim()
    ids.webA = await id(['network', 'create', 'web'])
    ids.c1A = await id(['run', '--name', 'c1', '--net', 'web'])
    await sb.ok(['run', '--name', 'c2'])
    await sb.ok(['network', 'connect', 'web', 'c2'])
    const net = JSON.parse(await sb.ok(['inspect', '-f', '{{json .NetworkSettings.Networks.web}}', 'c2']))
    c2OnWeb = { ip: net.IPAddress, mac: net.MacAddress }
    await sb.ok(['network', 'disconnect', 'web', 'c2'])
    await sb.ok(['rm', 'c1'])
    await sb.ok(['network', 'rm', 'web'])
    ids.webB = await id(['network', 'create', 'web'])
    ids.c1B = await id(['run', '--name', 'c1', '--net', 'web'])
    await sb.ok(['network', 'create', 'audited'], { env: { SUDO_USER: 'alice' } })
    all = await events()
  })
  afterAll(() => sb?.cleanup())

  it('type=, event= and actor= select what a docker user expects', async () => {
    const containerEvents = all.filter((e) => e.type.startsWith('Container'))
    expect(containerEvents.map((e) => e.type)).toEqual(['ContainerCreated', 'ContainerCreated', 'ContainerRemoved', 'ContainerCreated'])
    expect(seqs(await events('-f', 'type=container'))).toEqual(seqs(containerEvents))
    const connects = all.filter((e) => e.type === 'EndpointConnected')
    expect(connects).toHaveLength(4)
    expect(seqs(await events('-f', 'event=connect'))).toEqual(seqs(connects))
    expect(seqs(await events('-f', 'type=network', '-f', 'event=destroy'))).toEqual(seqs(all.filter((e) => e.type === 'NetworkRemoved')))
    expect(await events('-f', 'type=patchbay')).toEqual([])
    const byAlice = await events('-f', 'actor=alice')
    expect(byAlice.map((e) => [e.type, e.payload.name])).toEqual([['NetworkCreated', 'audited']])
    expect(await events('-f', 'actor=root')).toHaveLength(all.length)
    expect(await events('-f', 'actor=0')).toHaveLength(all.length)
    expect(await events('-f', 'actor=mallory')).toEqual([])
  })

  it('one key ORed, different keys ANDed', async () => {
    const both = await events('-f', 'event=connect', '-f', 'event=disconnect')
    expect(seqs(both)).toEqual(seqs(all.filter((e) => e.type === 'EndpointConnected' || e.type === 'EndpointDisconnected')))
    const c2OnWebConnects = await events('-f', 'event=connect', '-f', 'container=c2', '-f', 'network=web')
    expect(c2OnWebConnects.map((e) => [e.payload.containerName, e.payload.networkName, e.payload.ipv4])).toEqual([['c2', 'web', c2OnWeb.ip]])
    expect(await events('-f', 'container=c2', '-f', 'container=c1', '-f', 'type=container')).toHaveLength(4)
  })

  it('network=NAME matches every network that had the name, also the removed one; an ID prefix only its own', async () => {
    const onWeb = all.filter((e) => e.payload.id === ids.webA || e.payload.id === ids.webB || e.payload.networkName === 'web')
    const got = await events('-f', 'network=web')
    expect(seqs(got)).toEqual(seqs(onWeb))
    expect(got.filter((e) => e.type === 'NetworkCreated').map((e) => e.payload.id)).toEqual([ids.webA, ids.webB])
    const first = await events('-f', `network=${ids.webA.slice(0, 10)}`)
    expect(first.map((e) => e.type)).toEqual(['NetworkCreated', 'EndpointConnected', 'EndpointConnected', 'EndpointDisconnected', 'EndpointDisconnected', 'NetworkRemoved'])
    expect(seqs(await events('-f', `container=${ids.c1B}`))).toEqual(seqs(all.filter((e) => e.payload.id === ids.c1B || e.payload.containerId === ids.c1B)))
  })

  it('bad filters and times are refused in one line', async () => {
    expect(await sb.fail(['events', '-f', 'colour=red'])).toBe("Error: invalid filter 'colour': use one of type, event, network, container, actor\n")
    expect(await sb.fail(['events', '-f', 'event=start'])).toBe("Error: invalid filter 'event=start': event is one of create, destroy, connect, disconnect, fail, join, leave\n")
    expect(await sb.fail(['events', '--since', 'yesterday'])).toMatch(/^Error: invalid time 'yesterday': use RFC 3339.*\n$/)
    // Numbers and dates that name no valid date: the same message, never "Invalid time value".
    for (const [flag, time] of [['--since', '9999999999999999999999'], ['--until', '99999999999999999h'], ['--since', '2026-02-30']]) {
      expect(await sb.fail(['events', flag!, time!])).toMatch(new RegExp(`^Error: invalid time '${time}': use RFC 3339.*\\n$`))
    }
  })

  it('--since and --until take RFC 3339 times, Unix seconds and durations', async () => {
    // A point inside the history: the first event of the second `network create web`.
    const mid = all.find((e) => e.payload.id === ids.webB)!
    const after = all.filter((e) => e.time >= mid.time)
    expect(after.length).toBeGreaterThan(0)
    expect(after.length).toBeLessThan(all.length)
    expect(seqs(await events('--since', mid.time))).toEqual(seqs(after))
    expect(seqs(await events('--until', mid.time))).toEqual(seqs(all.filter((e) => e.time <= mid.time)))
    expect(seqs(await events('--since', mid.time, '--until', mid.time))).toEqual(seqs(all.filter((e) => e.time === mid.time)))
    // Unix seconds: whole seconds, so compare at that granularity.
    const unix = Math.floor(Date.parse(mid.time) / 1000)
    expect(seqs(await events('--since', String(unix)))).toEqual(seqs(all.filter((e) => Date.parse(e.time) >= unix * 1000)))
    expect(seqs(await events('--until', String(unix)))).toEqual(seqs(all.filter((e) => Date.parse(e.time) <= unix * 1000)))
    // Durations are that long ago: the whole history is younger than an hour.
    expect(seqs(await events('--since', '1h'))).toEqual(seqs(all))
    expect(await events('--until', '1h')).toEqual([])
    // Past year 9999 (the log's times have four-digit years): later than every event.
    expect(await events('--since', '300000000000')).toEqual([])
    expect(seqs(await events('--until', '300000000000'))).toEqual(seqs(all))
  })

  it('--follow prints the history, then what another process appends, and ends quietly on SIGINT', async () => {
    const follower = startCli(sb, ['events', '--follow', '--format', 'json', '-f', 'event=connect'])
    const exit = exitOf(follower)
    const out = stdoutLines(follower)
    const history = await out.until((lines) => lines.length >= 4)
    expect(history.map((l) => JSON.parse(l).seq)).toEqual(seqs(all.filter((e) => e.type === 'EndpointConnected')))
    await sb.ok(['network', 'create', 'later']) // not a connect: filtered out
    await sb.ok(['network', 'connect', 'later', 'c2'])
    const lines = await out.until((ls) => ls.length >= 5)
    expect(lines).toHaveLength(5)
    expect(JSON.parse(lines[4])).toMatchObject({ type: 'EndpointConnected', payload: { containerName: 'c2', networkName: 'later' } })
    follower.kill('SIGINT')
    expect(await exit).toEqual({ code: 0, signal: null, stderr: '' })
  })

  it('--follow ends by itself once --until has passed', async () => {
    const until = new Date(Date.now() + 1500).toISOString()
    const follower = startCli(sb, ['events', '--follow', '--until', until, '--format', '{{.Seq}}', '-f', 'network=later'])
    const exit = exitOf(follower)
    const out = stdoutLines(follower)
    expect(await exit).toEqual({ code: 0, signal: null, stderr: '' })
    expect(out.lines()).toHaveLength(2)
  })

  it('network history: each network that had the name, newest first, with who, IPs and MACs', async () => {
    const [newest, oldest, ...rest] = (await sb.ok(['network', 'history', 'web'])).split('\n\n')
    expect(rest).toEqual([])
    expect(newest.split('\n')[0]).toMatch(new RegExp(`^network web \\(${ids.webB.slice(0, 12)}\\) driver bridge `))
    expect(oldest.split('\n')[0]).toMatch(new RegExp(`^network web \\(${ids.webA.slice(0, 12)}\\) driver bridge `))
    expect(oldest.split('\n')[1]).toMatch(/^TIME\s+EVENT\s+CONTAINER\s+INTERFACE\s+IP\s+MAC\s+USER\s+UID\s+PID\s+HOST\s+COMMAND$/)
    const rows = oldest.trim().split('\n').slice(2)
    expect(rows.map((r) => r.split(/\s+/)[1])).toEqual(['create', 'connect', 'connect', 'disconnect', 'disconnect', 'destroy'])
    expect(rows[2]).toMatch(new RegExp(`connect\\s+c2\\s+eth1\\s+${c2OnWeb.ip.replaceAll('.', '\\.')}/16\\s+${c2OnWeb.mac}\\s+root\\s+0\\s+\\d+\\s+\\S+\\s+patchbay network connect web c2$`))
    expect(rows[5]).toMatch(/destroy\s+root\s+0\s+\d+\s+\S+\s+patchbay network rm web$/)
    // The removed network by ID prefix alone, as JSON lines.
    const json = parseJsonLines(await sb.ok(['network', 'history', '--format', 'json', ids.webA.slice(0, 8)]))
    expect(json.map((r) => [r.Event, r.Container])).toEqual([['create', ''], ['connect', 'c1'], ['connect', 'c2'], ['disconnect', 'c2'], ['disconnect', 'c1'], ['destroy', '']])
    expect(json.every((r) => r.NetworkID === ids.webA)).toBe(true)
    // No sudo: null, as in the log and in `events --format json`.
    const sudoUsers = json.map((r) => (r.Actor as { SudoUser: unknown }).SudoUser)
    expect(sudoUsers).toEqual(all.filter((e) => json.some((r) => r.Seq === e.seq)).map((e) => e.actor.sudoUser))
    expect(sudoUsers.every((u) => u === null)).toBe(true)
    expect(await sb.fail(['network', 'history', 'nope'])).toBe('Error: network nope not found\n')
  })

  it('container history: both containers named c1, newest first', async () => {
    const out = await sb.ok(['container', 'history', '--format', '{{.ContainerID}} {{.Event}} {{.Network}} {{.Interface}} {{.DefaultRoute}}', 'c1'])
    const gwB = JSON.parse(await sb.ok(['network', 'inspect', 'web']))[0].IPAM.Config[0].Gateway
    expect(out.split('\n')).toEqual([
      `${ids.c1B} create   `,
      `${ids.c1B} connect web eth0 default via ${gwB}`,
      `${ids.c1A} create   `,
      expect.stringMatching(new RegExp(`^${ids.c1A} connect web eth0 default via `)),
      `${ids.c1A} disconnect web eth0 no default route left`,
      `${ids.c1A} destroy   `,
      '',
    ])
    const table = await sb.ok(['container', 'history', 'c1'])
    expect(table.split('\n')[0]).toBe(`container c1 (${ids.c1B.slice(0, 12)}) own namespace`)
    expect(table.split('\n')[1]).toMatch(/^TIME\s+EVENT\s+NETWORK\s+INTERFACE\s+IP\s+MAC\s+ROUTE\s+USER\s+UID\s+PID\s+HOST\s+COMMAND$/)
    expect(await sb.fail(['container', 'history', 'nope'])).toBe('Error: No such container: nope\n')
  })

  it('records who acted: SUDO_USER next to the user, uid, pid, argv and host, and shows it', async () => {
    const [created] = all.filter((e) => e.payload.name === 'audited')
    expect(created.actor).toMatchObject({ uid: 0, user: 'root', sudoUser: 'alice', argv: ['network', 'create', 'audited'] })
    expect(created.actor.pid).toBeGreaterThan(1)
    expect(created.host).not.toBe('')
    expect(all.filter((e) => e.actor.sudoUser !== null)).toEqual([created])
    const line = await sb.ok(['events', '-f', 'actor=alice'])
    const [head, who] = line.split(' by ')
    expect(head).toMatch(new RegExp(`^${created.time} NetworkCreated network audited \\([0-9a-f]{12}\\) driver bridge `))
    expect(who).toBe(`alice (sudo as root) uid 0 pid ${created.actor.pid} on ${created.host}: patchbay network create audited\n`)
    const history = await sb.ok(['network', 'history', '--format', '{{.Actor.Name}}|{{.Actor.SudoUser}}|{{.Actor.Uid}}|{{.Actor.Pid}}|{{.Host}}|{{.Actor.Command}}', 'audited'])
    expect(history).toBe(`alice (sudo as root)|alice|0|${created.actor.pid}|${created.host}|patchbay network create audited\n`)
  })
})
