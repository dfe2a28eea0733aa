import { describe, expect, it } from 'vitest'
import { hostsRenderer } from '../../src/core/hosts.js'
import { renderResolvConf } from '../../src/core/resolv.js'
import { containerInspectView } from '../../src/format/container-inspect.js'
import { parseFilters, networkMatches, NETWORK_FILTERS } from '../../src/format/filters.js'
import { networkInspectView } from '../../src/format/network-inspect.js'
import { renderTable } from '../../src/format/table.js'
import { renderEventLine } from '../../src/format/events.js'
import { decideConnect } from '../../src/core/connect.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import { readEvents } from '../../src/events/store.js'
import { memoryState } from './memory-state.js'

function seedState() {
  const s = memoryState()
  s.apply((c) => decideContainerCreate({ name: 'container1', network: 'bridge', aliases: [] }, c))
  s.apply((c) => decideContainerCreate({ name: 'container2', network: 'bridge', aliases: [] }, c))
  s.apply((c) => decideNetworkCreate({ name: 'isolated_nw', driver: 'bridge', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [] }, c))
  s.apply((c) => decideContainerCreate({ name: 'container3', network: 'isolated_nw', aliases: [] }, c))
  s.apply((c) => decideConnect({ network: 'isolated_nw', container: 'container2', aliases: ['db'] }, c))
  return s
}

describe('docker-style table', () => {
  it('pads columns like docker network ls (min width 10, padding 3)', () => {
    expect(renderTable(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], [['7fca4eb8c647', 'bridge', 'bridge', 'local'], ['8b05faa32aeb', 'isolated_nw', 'bridge', 'local']])).toBe(
      'NETWORK ID     NAME          DRIVER    SCOPE\n7fca4eb8c647   bridge        bridge    local\n8b05faa32aeb   isolated_nw   bridge    local\n',
    )
  })
})

describe('hosts file', () => {
  it("lists the container's peers as NAME and NAME.NETWORK, like the seed", () => {
    const s = seedState()
    const c2 = s.state.findContainer('container2')!
    const text = hostsRenderer(s.state)(c2)
    const lines = text.trim().split('\n')
    expect(lines.slice(0, 2)).toEqual(['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'])
    expect(lines.slice(6)).toEqual([
      `172.17.0.3\t${c2.hostname}`,
      '172.17.0.2\tcontainer1', '172.17.0.2\tcontainer1.bridge',
      '172.17.0.3\tcontainer2', '172.17.0.3\tcontainer2.bridge',
      '172.18.0.2\tcontainer3', '172.18.0.2\tcontainer3.isolated_nw',
      '172.18.0.3\tcontainer2', '172.18.0.3\tcontainer2.isolated_nw',
      '172.18.0.3\tdb', '172.18.0.3\tdb.isolated_nw',
    ])
  })

  it('does not list containers of networks it is not on', () => {
    const s = seedState()
    const c3 = s.state.findContainer('container3')!
    expect(hostsRenderer(s.state)(c3)).not.toContain('container1')
  })
})

describe('resolv.conf', () => {
  const host = '# generated\nsearch example.org\nnameserver 127.0.0.53\nnameserver 10.255.255.53\nnameserver fe80::1\noptions ndots:2\n'
  it('keeps nameservers the host can route to and drops loopback and IPv6 ones', () => {
    expect(renderResolvConf(host, ['0.0.0.0/0'])).toBe(
      '# written by patchbay: the host resolv.conf, less nameservers containers cannot reach\nsearch example.org\nnameserver 10.255.255.53\noptions ndots:2\n',
    )
  })
  it('keeps none in a namespace with no route out', () => {
    expect(renderResolvConf(host, ['172.17.0.0/16'])).not.toMatch(/^nameserver/m)
  })
})

describe('inspect views', () => {
  it('network inspect has docker fields and the attached containers', () => {
    const s = seedState()
    const net = s.state.findNetwork('isolated_nw')!
    const view = networkInspectView(net, s.state.endpointsOfNetwork(net.id), s.state.hosts())
    expect(view).toMatchObject({ Name: 'isolated_nw', Driver: 'bridge', Scope: 'local', IPAM: { Driver: 'default', Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] }, Internal: false })
    expect(Object.values(view.Containers)).toEqual([
      expect.objectContaining({ Name: 'container3', IPv4Address: '172.18.0.2/16', MacAddress: '02:42:ac:12:00:02' }),
      expect.objectContaining({ Name: 'container2', IPv4Address: '172.18.0.3/16', MacAddress: '02:42:ac:12:00:03' }),
    ])
  })

  it('container inspect shows each network; Networks prints as [names] for templates', () => {
    const s = seedState()
    const c2 = s.state.findContainer('container2')!
    const view = containerInspectView(c2, s.state.endpointsOfContainer(c2.id), new Map(s.state.networks().map((n) => [n.id, n])))
    expect(view.Name).toBe('/container2')
    expect(view.NetworkSettings.Networks).toMatchObject({
      bridge: { IPAddress: '172.17.0.3', IPPrefixLen: 16, Gateway: '172.17.0.1', MacAddress: '02:42:ac:11:00:03' },
      isolated_nw: { IPAddress: '172.18.0.3', Aliases: ['db'] },
    })
    const stringer = (view.NetworkSettings.Networks as Record<symbol, () => string>)[Symbol.for('go.String')]
    expect(stringer()).toBe('[bridge isolated_nw]')
    expect(JSON.stringify(view.NetworkSettings.Networks)).not.toContain('go.String')
  })
})

describe('network ls filters', () => {
  it('ORs values of one key and ANDs keys, docker style', () => {
    const s = seedState()
    const pick = (f: string[]) => s.state.networks().filter((n) => networkMatches(n, parseFilters(f, NETWORK_FILTERS))).map((n) => n.name)
    expect(pick(['driver=bridge'])).toEqual(['bridge', 'isolated_nw'])
    expect(pick(['name=iso', 'name=none'])).toEqual(['none', 'isolated_nw'])
    expect(pick(['driver=bridge', 'name=iso'])).toEqual(['isolated_nw'])
    expect(pick(['type=custom'])).toEqual(['isolated_nw'])
    expect(() => parseFilters(['colour=red'], NETWORK_FILTERS)).toThrow("invalid filter 'colour'")
  })
})

describe('events listing', () => {
  it('says when, what, about whom, and who did it', () => {
    const s = seedState()
    const lines = [...readEvents(s.db)].map(renderEventLine)
    const id = s.state.findContainer('container1')!.id.slice(0, 12)
    expect(lines[3]).toBe(`2026-11-27T12:00:00.000Z ContainerCreated container container1 (${id}) own namespace by alice (sudo as root) uid 0 pid 42 on h1: patchbay network ls\n`)
    expect(lines.at(-1)).toContain('EndpointConnected container container2 to network isolated_nw eth1 172.18.0.3/16 02:42:ac:12:00:03')
  })
})
