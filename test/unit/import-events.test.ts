/**
 * Events another host decided: appended once each (by origin), made real here by the same
 * effects runner as local changes, undone by the events that follow them, and kept even when
 * this host's kernel refuses a step (a fact decided elsewhere is not this host's to refuse).
 */
import { describe, expect, it } from 'vitest'
import { type ImportedEvent, importEvents } from '../../src/app/import-events.js'
import type { AppState } from '../../src/app/state.js'
import { pathsFor } from '../../src/config/paths.js'
import type { NetworkCreated } from '../../src/events/types.js'
import { FakeKernel } from './fake-kernel.js'
import { ACTOR, memoryState } from './memory-state.js'

/** An AppState over the in-memory log, its run files in the fake kernel's. */
function memoryApp(): AppState & { s: ReturnType<typeof memoryState> } {
  const s = memoryState()
  return {
    s,
    paths: pathsFor('/var/lib/patchbay-import-test'),
    db: s.db,
    log: s.log,
    state: s.state,
    append: (events) => s.append(events),
    actor: (as) => ({ ...ACTOR, ...as }),
    host: () => 'h1',
    loadSchema: async () => {},
    close: () => s.db.close(),
  }
}

const network = (seq: number, more: Partial<NetworkCreated> = {}): ImportedEvent => ({
  type: 'NetworkCreated',
  payload: {
    id: `${'f'.repeat(63)}${seq}`, name: `remote${seq}`, driver: 'bridge', scope: 'local', created: '2026-12-06T10:00:00.000Z',
    subnet: `10.${seq}.0.0/24`, gateway: `10.${seq}.0.1`, ipRange: null, internal: false, attachable: false, builtin: false,
    bridge: `pbr${seq}`, mtu: 1500, labels: {}, options: {}, driverState: null, enableIpv6: false, subnet6: null, gateway6: null, ipRange6: null, ...more,
  },
  time: '2026-12-06T10:00:00.000Z',
  host: 'host2',
  actor: { ...ACTOR, user: 'bob' },
  origin: { host: 'host2', seq },
})

describe('importing events decided on another host', () => {
  it('appends each once, with its origin, and applies it to this kernel', async () => {
    const app = memoryApp()
    const k = new FakeKernel()
    const warnings: string[] = []
    const [stored] = await importEvents(app, k, [network(7)], (t) => warnings.push(t))
    expect(stored).toMatchObject({ type: 'NetworkCreated', host: 'host2', origin: { host: 'host2', seq: 7 }, actor: { user: 'bob' } })
    expect(k.netns(null).links.find((l) => l.name === 'pbr7')).toMatchObject({ kind: 'bridge', up: true })
    expect(k.firewall).toContain('"pbr7"')
    expect(app.state.findNetwork('remote7')?.subnet).toBe('10.7.0.0/24')
    const changes = k.changes.length
    expect(await importEvents(app, k, [network(7)], (t) => warnings.push(t))).toEqual([])
    expect(k.changes.length).toBe(changes)
    expect(warnings).toEqual([])
  })

  it('the event that follows undoes its effects', async () => {
    const app = memoryApp()
    const k = new FakeKernel()
    const created = network(8)
    await importEvents(app, k, [created], () => {})
    const removed: ImportedEvent = { ...created, type: 'NetworkRemoved', payload: { id: (created.payload as NetworkCreated).id, name: 'remote8', driver: 'bridge', bridge: 'pbr8', driverState: null }, origin: { host: 'host2', seq: 9 } }
    await importEvents(app, k, [removed], () => {})
    expect(k.netns(null).links.some((l) => l.name === 'pbr8')).toBe(false)
    expect(k.firewall).not.toContain('pbr8')
    expect(app.state.findNetwork('remote8')).toBeUndefined()
  })

  it('keeps an event whose kernel step this host refuses, and says so', async () => {
    const app = memoryApp()
    const k = new FakeKernel()
    await k.host().ensureBridge('pbr9') // someone else's bridge, without patchbay's stamp
    const warnings: string[] = []
    const stored = await importEvents(app, k, [network(9)], (t) => warnings.push(t))
    expect(stored).toHaveLength(1)
    expect(warnings).toEqual(['Warning: create bridge pbr9: a bridge with that name exists that patchbay did not make (an event from another host: kept; patchbay restore retries it)\n'])
    expect(app.state.findNetwork('remote9')).toBeDefined()
  })
})
