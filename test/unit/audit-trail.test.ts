import { describe, expect, it } from 'vitest'
import { decideConnect } from '../../src/core/connect.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideContainerRemove } from '../../src/core/container-remove.js'
import type { DecideContext } from '../../src/core/context.js'
import { decideDisconnect } from '../../src/core/disconnect.js'
import { UserError } from '../../src/core/errors.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import { decideNetworkRemove } from '../../src/core/network-remove.js'
import { EVENT_FILTERS, EVENT_FILTER_VALUES, eventSelection } from '../../src/events/event-filter.js'
import { followEvents } from '../../src/events/follow.js'
import { subjectHistory } from '../../src/events/history.js'
import { filterRef, findIncarnations } from '../../src/events/incarnations.js'
import { type TimeWindow, eventPages, windowSeqs } from '../../src/events/store.js'
import type { Actor, NewEvent } from '../../src/events/types.js'
import { commandLine, renderEventLine } from '../../src/format/events.js'
import { parseFilters } from '../../src/format/filters.js'
import { renderHistory } from '../../src/format/history.js'
import { ACTOR, memoryState } from './memory-state.js'

const BOB: Actor = { uid: 1000, user: 'bob', sudoUser: null, pid: 7, argv: ['network', 'connect', 'n1', 'c1'] }

/**
 * A small log with distinct times: n1 created, removed and created again; c1 created on n1,
 * connected to bridge by bob, disconnected from n1, removed; c1 created again on bridge.
 */
function auditLog() {
  const s = memoryState()
  let minute = 0
  const at = (decide: (c: DecideContext) => NewEvent[], actor: Actor = ACTOR) => {
    const time = `2026-11-27T13:${String(++minute).padStart(2, '0')}:00.000Z`
    return s.db.transaction(() => s.log.append(decide(s.ctx), { actor, host: 'h1', time }))()
  }
  const net = (name: string) => (c: DecideContext) =>
    decideNetworkCreate({ name, driver: 'bridge', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [] }, c)
  const n1a = (at(net('n1'))[0].payload as { id: string }).id // 13:01
  at((c) => decideNetworkRemove('n1', c)) // 13:02
  const n1b = (at(net('n1'))[0].payload as { id: string }).id // 13:03
  const c1a = (at((c) => decideContainerCreate({ name: 'c1', network: 'n1', aliases: [] }, c))[0].payload as { id: string }).id // 13:04
  at((c) => decideConnect({ network: 'bridge', container: 'c1', aliases: [] }, c), BOB) // 13:05
  at((c) => decideDisconnect({ network: 'n1', container: 'c1' }, c)) // 13:06
  at((c) => decideContainerRemove('c1', c)) // 13:07
  const c1b = (at((c) => decideContainerCreate({ name: 'c1', network: 'bridge', aliases: [] }, c))[0].payload as { id: string }).id // 13:08
  s.db.transaction(() => s.log.append([{ type: 'OperationFailed', payload: { command: 'network connect', error: 'boom' } }], { actor: ACTOR, host: 'h1', time: '2026-11-27T13:09:00.000Z' }))()
  return { ...s, n1a, n1b, c1a, c1b }
}

type Log = ReturnType<typeof auditLog>

/** What `events -f ... --since/--until` would print, as "type:subject-name" strings. */
function pick(log: Log, items: string[], window: TimeWindow = {}): string[] {
  const filters = parseFilters(items, EVENT_FILTERS, EVENT_FILTER_VALUES)
  for (const kind of ['network', 'container'] as const) {
    const refs = filters.get(kind)
    if (refs) filters.set(kind, refs.map((r) => filterRef(log.db, kind, r)))
  }
  return [...eventPages(log.db, eventSelection(filters, window), windowSeqs(log.db, window), 3)].flat().map((e) => {
    const p = e.payload as { name?: string; containerName?: string; networkName?: string; command?: string }
    return `${e.type}:${p.name ?? (p.containerName ? `${p.containerName}@${p.networkName}` : p.command)}`
  })
}

describe('events filters as SQL', () => {
  it('builds one clause per key, values ORed, keys ANDed, the window inclusive', () => {
    const filters = parseFilters(['type=container', 'event=create', 'event=destroy', 'actor=alice'], EVENT_FILTERS, EVENT_FILTER_VALUES)
    const sel = eventSelection(filters, { since: new Date('2026-11-27T13:00:00Z'), until: new Date('2026-11-27T14:00:00Z') })
    expect(sel.where).toBe(
      "type IN (?, ?) AND type IN (?, ?, ?, ?) AND (actor_user IN (?) OR json_extract(actor, '$.user') IN (?)) AND time >= ? AND time <= ?",
    )
    expect(sel.params).toEqual([
      'ContainerCreated', 'ContainerRemoved',
      'NetworkCreated', 'NetworkRemoved', 'ContainerCreated', 'ContainerRemoved',
      'alice', 'alice', '2026-11-27T13:00:00.000Z', '2026-11-27T14:00:00.000Z',
    ])
    expect(eventSelection(new Map())).toEqual({ where: '1', params: [] })
  })

  it('matches a network by id or by the name any incarnation was created with, and a uid as a number', () => {
    const sel = eventSelection(parseFilters(['network=n1', 'actor=1000'], EVENT_FILTERS))
    expect(sel.where).toContain("network_id IN (?) OR network_id IN (SELECT json_extract(payload, '$.id') FROM events")
    expect(sel.where).toContain("type IN ('NetworkCreated', 'ContainerCreated') AND type = ? AND json_extract(payload, '$.name') IN (?)")
    expect(sel.params).toEqual(['n1', 'NetworkCreated', 'n1', '1000', '1000', 1000])
  })

  it('refuses unknown keys and values, naming the valid ones', () => {
    expect(() => parseFilters(['colour=red'], EVENT_FILTERS, EVENT_FILTER_VALUES)).toThrow("invalid filter 'colour': use one of type, event, network, container, actor")
    expect(() => parseFilters(['type=volume'], EVENT_FILTERS, EVENT_FILTER_VALUES)).toThrow("invalid filter 'type=volume': type is one of network, container, patchbay")
    expect(() => parseFilters(['event=start'], EVENT_FILTERS, EVENT_FILTER_VALUES)).toThrow('event is one of create, destroy, connect, disconnect, fail')
  })

  it('selects what docker users expect from each key', () => {
    const log = auditLog()
    expect(pick(log, ['event=connect'])).toEqual([
      'EndpointConnected:c1@n1', 'EndpointConnected:c1@bridge', 'EndpointConnected:c1@bridge',
    ])
    expect(pick(log, ['type=container'])).toEqual(['ContainerCreated:c1', 'ContainerRemoved:c1', 'ContainerCreated:c1'])
    expect(pick(log, ['type=patchbay'])).toEqual(['OperationFailed:network connect'])
    expect(pick(log, ['event=fail', 'event=destroy'])).toEqual(['NetworkRemoved:n1', 'ContainerRemoved:c1', 'OperationFailed:network connect'])
    // Same key ORed, different keys ANDed.
    expect(pick(log, ['type=network', 'event=create', 'event=destroy']).filter((e) => e.includes('n1'))).toEqual([
      'NetworkCreated:n1', 'NetworkRemoved:n1', 'NetworkCreated:n1',
    ])
    expect(pick(log, ['actor=bob'])).toEqual(['EndpointConnected:c1@bridge'])
    expect(pick(log, ['actor=1000'])).toEqual(['EndpointConnected:c1@bridge'])
    // The fixture's actor is root run through sudo by alice: both names match.
    expect(pick(log, ['actor=alice', 'event=destroy'])).toEqual(['NetworkRemoved:n1', 'ContainerRemoved:c1'])
    expect(pick(log, ['actor=root', 'event=destroy'])).toEqual(['NetworkRemoved:n1', 'ContainerRemoved:c1'])
    expect(pick(log, ['actor=nobody'])).toEqual([])
  })

  it('network=NAME matches every incarnation of a reused name; container= matches its endpoints', () => {
    const log = auditLog()
    expect(pick(log, ['network=n1'])).toEqual([
      'NetworkCreated:n1', 'NetworkRemoved:n1', 'NetworkCreated:n1', 'EndpointConnected:c1@n1', 'EndpointDisconnected:c1@n1',
    ])
    expect(pick(log, [`network=${log.n1a}`])).toEqual(['NetworkCreated:n1', 'NetworkRemoved:n1'])
    expect(pick(log, [`network=${log.n1b.slice(0, 10)}`])).toHaveLength(3)
    expect(pick(log, ['container=c1', 'network=bridge'])).toEqual([
      'EndpointConnected:c1@bridge', 'EndpointDisconnected:c1@bridge', 'EndpointConnected:c1@bridge',
    ])
    expect(pick(log, ['container=c1'])).toHaveLength(8)
    expect(pick(log, [`container=${log.c1b}`])).toEqual(['ContainerCreated:c1', 'EndpointConnected:c1@bridge'])
    expect(pick(log, [`container=${log.c1a}`, 'event=destroy'])).toEqual(['ContainerRemoved:c1'])
    expect(pick(log, ['network=nope'])).toEqual([])
  })

  it('--since and --until bound the times, inclusively', () => {
    const log = auditLog()
    const t = (hm: string) => new Date(`2026-11-27T${hm}:00.000Z`)
    expect(pick(log, [], { since: t('13:07'), until: t('13:08') })).toEqual([
      'EndpointDisconnected:c1@bridge', 'ContainerRemoved:c1', 'ContainerCreated:c1', 'EndpointConnected:c1@bridge',
    ])
    expect(pick(log, ['network=n1'], { until: t('13:02') })).toEqual(['NetworkCreated:n1', 'NetworkRemoved:n1'])
    expect(pick(log, [], { since: t('13:10') })).toEqual([])
    expect(pick(log, [], { until: t('11:00') })).toEqual([])
  })

  it('the window holds even when the clock stepped back between events', () => {
    const log = auditLog()
    const failed = (time: string) =>
      log.db.transaction(() => log.log.append([{ type: 'OperationFailed', payload: { command: time, error: 'x' } }], { actor: ACTOR, host: 'h1', time }))()
    failed('2026-11-27T13:30:00.000Z')
    failed('2026-11-27T13:20:00.000Z')
    failed('2026-11-27T13:40:00.000Z')
    const window = { since: new Date('2026-11-27T13:15:00Z'), until: new Date('2026-11-27T13:25:00Z') }
    expect(pick(log, [], window)).toEqual(['OperationFailed:2026-11-27T13:20:00.000Z'])
    expect(pick(log, [], { since: new Date('2026-11-27T13:15:00Z') })).toHaveLength(3)
    expect(pick(log, [], { since: new Date('2026-11-27T13:25:00Z') })).toEqual([
      'OperationFailed:2026-11-27T13:30:00.000Z', 'OperationFailed:2026-11-27T13:40:00.000Z',
    ])
  })
})

describe('incarnations', () => {
  it('looks up full ids, names (newest first), then unique id prefixes', () => {
    const log = auditLog()
    expect(findIncarnations(log.db, 'network', 'n1').map((i) => i.id)).toEqual([log.n1b, log.n1a])
    expect(findIncarnations(log.db, 'network', log.n1a).map((i) => i.id)).toEqual([log.n1a])
    expect(findIncarnations(log.db, 'container', log.c1a.slice(0, 6)).map((i) => i.id)).toEqual([log.c1a])
    expect(findIncarnations(log.db, 'container', 'n1')).toEqual([])
    expect(filterRef(log.db, 'container', log.c1a.slice(0, 6))).toBe(log.c1a)
    expect(filterRef(log.db, 'container', 'c1')).toBe('c1')
    expect(filterRef(log.db, 'container', 'later')).toBe('later')
  })

  it('refuses an ambiguous id prefix like docker', () => {
    const log = auditLog()
    // The fixture's ids are sha256 of a counter: `none` is 4e07…, the first n1 4b22….
    expect(log.n1a.slice(0, 2)).toBe('4b')
    expect(() => findIncarnations(log.db, 'network', '4')).toThrow(new UserError('network 4 is ambiguous (2 matches found based on ID prefix)'))
    expect(findIncarnations(log.db, 'network', '4b').map((i) => i.id)).toEqual([log.n1a])
  })
})

describe('history', () => {
  it('fails with the words of the other commands (docker\'s) for an unknown name', () => {
    const log = auditLog()
    const said = (f: () => unknown) => {
      try {
        f()
      } catch (err) {
        return (err as Error).message
      }
    }
    expect(() => subjectHistory(log.db, 'network', 'nope')).toThrow(new UserError('network nope not found'))
    expect(() => subjectHistory(log.db, 'container', 'nope')).toThrow(new UserError('No such container: nope'))
    expect(said(() => subjectHistory(log.db, 'network', 'nope'))).toBe(said(() => decideNetworkRemove('nope', log.ctx)))
    expect(said(() => subjectHistory(log.db, 'container', 'nope'))).toBe(said(() => decideContainerRemove('nope', log.ctx)))
  })

  it('renders a network: every incarnation newest first, connects with interface, IP and MAC, and who', () => {
    const log = auditLog()
    const [b, a] = [log.n1b.slice(0, 12), log.n1a.slice(0, 12)]
    const by = 'alice (sudo as root)   0         42        h1        patchbay network ls'
    expect(renderHistory(subjectHistory(log.db, 'network', 'n1'), undefined)).toBe(
      [
        `network n1 (${b}) driver bridge 172.18.0.0/16 gw 172.18.0.1 on pb-${b}`,
        'TIME                       EVENT        CONTAINER   INTERFACE   IP              MAC                 USER                   UID       PID       HOST      COMMAND',
        `2026-11-27T13:03:00.000Z   create                                                                   ${by}`,
        `2026-11-27T13:04:00.000Z   connect      c1          eth0        172.18.0.2/16   02:42:ac:12:00:02   ${by}`,
        `2026-11-27T13:06:00.000Z   disconnect   c1          eth0        172.18.0.2/16   02:42:ac:12:00:02   ${by}`,
        '',
        `network n1 (${a}) driver bridge 172.18.0.0/16 gw 172.18.0.1 on pb-${a}`,
        'TIME                       EVENT     CONTAINER   INTERFACE   IP        MAC       USER                   UID       PID       HOST      COMMAND',
        `2026-11-27T13:01:00.000Z   create                                                ${by}`,
        `2026-11-27T13:02:00.000Z   destroy                                               ${by}`,
        '',
      ].join('\n'),
    )
  })

  it('renders a container: network, default route changes, and both incarnations of a reused name', () => {
    const log = auditLog()
    const rows = renderHistory(subjectHistory(log.db, 'container', 'c1'), '{{.Time}} {{.Event}} {{.Network}} {{.Interface}} {{.IPAddress}} {{.MacAddress}} [{{.DefaultRoute}}] {{.Actor.Name}} {{.Actor.Uid}}')
    expect(rows.split('\n')).toEqual([
      '2026-11-27T13:08:00.000Z create     [] alice (sudo as root) 0',
      '2026-11-27T13:08:00.000Z connect bridge eth0 172.17.0.2/16 02:42:ac:11:00:02 [default via 172.17.0.1] alice (sudo as root) 0',
      '2026-11-27T13:04:00.000Z create     [] alice (sudo as root) 0',
      '2026-11-27T13:04:00.000Z connect n1 eth0 172.18.0.2/16 02:42:ac:12:00:02 [default via 172.18.0.1] alice (sudo as root) 0',
      '2026-11-27T13:05:00.000Z connect bridge eth1 172.17.0.2/16 02:42:ac:11:00:02 [] bob 1000',
      '2026-11-27T13:06:00.000Z disconnect n1 eth0 172.18.0.2/16 02:42:ac:12:00:02 [default now via 172.17.0.1 (eth1)] alice (sudo as root) 0',
      '2026-11-27T13:07:00.000Z disconnect bridge eth1 172.17.0.2/16 02:42:ac:11:00:02 [no default route left] alice (sudo as root) 0',
      '2026-11-27T13:07:00.000Z destroy     [] alice (sudo as root) 0',
      '',
    ])
    const table = renderHistory(subjectHistory(log.db, 'container', log.c1a.slice(0, 8)), undefined)
    expect(table.split('\n')[0]).toBe(`container c1 (${log.c1a.slice(0, 12)}) own namespace`)
    expect(table.split('\n')[1]).toMatch(/^TIME\s+EVENT\s+NETWORK\s+INTERFACE\s+IP\s+MAC\s+ROUTE\s+USER\s+UID\s+PID\s+HOST\s+COMMAND$/)
    expect(table).toContain('patchbay network connect n1 c1')
  })
})

describe('who did it', () => {
  it('history JSON has the log\'s null for no sudo, as events JSON has; its templates see "", as events templates do', () => {
    const log = auditLog()
    const history = subjectHistory(log.db, 'container', log.c1a)
    const rows = renderHistory(history, 'json').trim().split('\n').map((l) => JSON.parse(l) as { Actor: { SudoUser: unknown } })
    const stored = history[0]!.events.map((e) => e.actor.sudoUser)
    expect(stored).toContain(null)
    expect(rows.map((r) => r.Actor.SudoUser)).toEqual(stored)
    expect(renderHistory(history, '{{.Actor.User}}={{.Actor.SudoUser}}').split('\n')).toEqual(stored.map((s) => (s === null ? 'bob=' : `root=${s}`)).concat(''))
  })


  it('the event line shows user, sudo user, uid, pid, host and the command, quoted for a shell', () => {
    const log = auditLog()
    const [first] = [...eventPages(log.db, { where: "type = 'EndpointConnected'", params: [] })].flat()
    expect(renderEventLine(first)).toMatch(/ by alice \(sudo as root\) uid 0 pid 42 on h1: patchbay network ls\n$/)
    expect(commandLine({ ...BOB, argv: ['exec', 'c1', '--', 'sh', '-c', "echo 'hi' there"] })).toBe(`patchbay exec c1 -- sh -c 'echo '\\''hi'\\'' there'`)
  })
})

describe('follow', () => {
  it('prints the history, then events appended later, until stopped', async () => {
    const log = auditLog()
    const stop = new AbortController()
    const seen: string[] = []
    const sel = eventSelection(parseFilters(['event=create'], EVENT_FILTERS, EVENT_FILTER_VALUES))
    for await (const page of followEvents(log.db, sel, { after: 0, walFile: '/nonexistent/wal', signal: stop.signal, pollMs: 5 })) {
      seen.push(...page.map((e) => (e.payload as { name: string }).name))
      if (seen.length === 7) log.apply((c) => decideContainerCreate({ name: 'late', network: 'bridge', aliases: [] }, c))
      if (seen.length === 8) stop.abort()
    }
    expect(seen).toEqual(['bridge', 'host', 'none', 'n1', 'n1', 'c1', 'c1', 'late'])
  })

  it('ends by itself once --until has passed', async () => {
    const log = auditLog()
    const window = { until: new Date('2026-11-27T13:03:30Z') }
    const sel = eventSelection(parseFilters(['type=network'], EVENT_FILTERS, EVENT_FILTER_VALUES), window)
    const seen: string[] = []
    for await (const page of followEvents(log.db, sel, { after: 0, walFile: '/nonexistent/wal', signal: new AbortController().signal, ...window })) {
      seen.push(...page.map((e) => e.type))
    }
    expect(seen).toEqual(['NetworkCreated', 'NetworkCreated', 'NetworkCreated', 'NetworkCreated', 'NetworkRemoved', 'NetworkCreated'])
  })
})
