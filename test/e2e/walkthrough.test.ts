/**
 * The Docker 1.9 "advanced networking" walkthrough (shared/seed), replayed with patchbay on
 * the real kernel inside a sandbox namespace. Steps depend on each other and run in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  NOT_ROOT_MESSAGE,
  type AsyncSandbox,
  createAsyncSandbox,
  isRoot,
  linkNames,
  macFor,
  parseJsonLines,
  ping,
  tableRows,
} from './sandbox.js'

const HEX64 = /^[0-9a-f]{64}$/

interface NetworkJson {
  Name: string
  Id: string
  Created: string
  Scope: string
  Driver: string
  EnableIPv6: boolean
  IPAM: { Driver: string; Options: Record<string, string>; Config: Array<{ Subnet: string; Gateway: string }> }
  Internal: boolean
  Attachable: boolean
  Ingress: boolean
  ConfigFrom: { Network: string }
  ConfigOnly: boolean
  Containers: Record<
    string,
    { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }
  >
  Options: Record<string, string>
  Labels: Record<string, string>
}

interface ContainerJson {
  Id: string
  Name: string
  NetworkSettings: {
    Networks: Record<
      string,
      {
        IPAddress: string
        IPPrefixLen: number
        Gateway: string
        MacAddress: string
        EndpointID: string
        NetworkID: string
        Aliases: string[] | null
      }
    >
  }
}

/** Hosts file lines as `IP NAME` with whitespace collapsed. */
function hostsLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/).join(' '))
    .filter((l) => l.length > 0 && !l.startsWith('#'))
}

describe.skipIf(!isRoot)(`walkthrough (seed 000) ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let sb: AsyncSandbox
  const ids: Record<string, string> = {}
  let isolatedId = ''

  const inspectNetwork = async (name: string): Promise<NetworkJson> => {
    const arr = JSON.parse(await sb.ok(['network', 'inspect', name])) as NetworkJson[]
    expect(Array.isArray(arr)).toBe(true)
    expect(arr).toHaveLength(1)
    return arr[0]!
  }
  const inspectContainer = async (name: string): Promise<ContainerJson> => {
    const arr = JSON.parse(await sb.ok(['inspect', name])) as ContainerJson[]
    expect(arr).toHaveLength(1)
    return arr[0]!
  }
  const networksOf = async (name: string): Promise<string> =>
    (await sb.ok(['inspect', '--format={{.NetworkSettings.Networks}}', name])).trim()
  const lsNames = async (): Promise<string[]> =>
    tableRows(await sb.ok(['network', 'ls']))
      .slice(1)
      .map((r) => r[1]!)
      .sort()

  beforeAll(async () => {
    sb = createAsyncSandbox('walk')
  })
  afterAll(() => {
    sb?.cleanup()
  })

  it('starts with the three default networks', async () => {
    const out = await sb.ok(['network', 'ls'])
    const lines = out.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NETWORK ID\s+NAME\s+DRIVER\s+SCOPE\s*$/)
    const rows = tableRows(out).slice(1)
    expect(rows).toHaveLength(3)
    const byName = Object.fromEntries(rows.map((r) => [r[1], r]))
    expect(byName.bridge?.[2]).toBe('bridge')
    expect(byName.host?.[2]).toBe('host')
    expect(byName.none?.[2]).toBe('null')
    for (const r of rows) {
      expect(r[0]).toMatch(/^[0-9a-f]{12}$/)
      expect(r[3]).toBe('local')
    }
    const quiet = (await sb.ok(['network', 'ls', '-q'])).trim().split('\n')
    expect(quiet.sort()).toEqual(rows.map((r) => r[0]).sort())
  })

  it('network inspect bridge shows an empty default bridge network', async () => {
    const net = await inspectNetwork('bridge')
    expect(net.Name).toBe('bridge')
    expect(net.Id).toMatch(HEX64)
    expect(net.Driver).toBe('bridge')
    expect(net.Scope).toBe('local')
    expect(net.IPAM.Driver).toBe('default')
    expect(net.IPAM.Config).toEqual([{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }])
    expect(net.Containers).toEqual({})
    expect(net.Internal).toBe(false)
    expect(net.EnableIPv6).toBe(false)
    expect(net.ConfigFrom).toEqual({ Network: '' })
    expect(net.Labels).toEqual({})
  })

  it('run --name container1 and container2 print 64-hex ids', async () => {
    for (const name of ['container1', 'container2']) {
      const out = (await sb.ok(['run', `--name=${name}`])).trim()
      expect(out).toMatch(HEX64)
      ids[name] = out
      expect(existsSync(join(sb.runDir, 'netns', out)), `netns mount for ${name}`).toBe(true)
    }
    const ls = await sb.ok(['container', 'ls'])
    expect(ls.split('\n')[0]).toMatch(/^CONTAINER ID\s+PORTS\s+NAMES\s+NETWORKS\s*$/)
    expect(ls).toMatch(/container1\s+bridge/)
    expect(ls).toMatch(/container2\s+bridge/)
  })

  it('network inspect bridge lists both containers with .2/.3 and derived MACs', async () => {
    const net = await inspectNetwork('bridge')
    const c1 = net.Containers[ids.container1!]
    const c2 = net.Containers[ids.container2!]
    expect(c1, JSON.stringify(net.Containers)).toBeDefined()
    expect(c2, JSON.stringify(net.Containers)).toBeDefined()
    expect(c1!.Name).toBe('container1')
    expect(c1!.IPv4Address).toBe('172.17.0.2/16')
    expect(c1!.MacAddress).toBe('02:42:ac:11:00:02')
    expect(c1!.EndpointID).toMatch(HEX64)
    expect(c1!.IPv6Address).toBe('')
    expect(c2!.Name).toBe('container2')
    expect(c2!.IPv4Address).toBe('172.17.0.3/16')
    expect(c2!.MacAddress).toBe('02:42:ac:11:00:03')
    expect(c2!.EndpointID).not.toBe(c1!.EndpointID)
  })

  it('the bridge pb0 holds the gateway address in the sandbox', async () => {
    const addr = await sb.shOk('ip -o -4 addr show dev pb0')
    expect(addr).toMatch(/inet 172\.17\.0\.1\/16/)
  })

  it('container1 has eth0 with its address and MAC, lo up, default route via the gateway', async () => {
    const link = await sb.exec('container1', ['ip', '-o', 'link'])
    expect(link.code, link.stderr).toBe(0)
    expect(linkNames(link.stdout).sort()).toEqual(['eth0', 'lo'])
    expect(link.stdout).toMatch(/eth0.*link\/ether 02:42:ac:11:00:02/)
    expect(link.stdout).toMatch(/lo:.*<[^>]*\bUP\b/)
    const addr = await sb.exec('container1', ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])
    expect(addr.stdout).toMatch(/inet 172\.17\.0\.2\/16/)
    const route = await sb.exec('container1', ['ip', 'route', 'show', 'default'])
    expect(route.stdout).toMatch(/default via 172\.17\.0\.1 dev eth0/)
  })

  it('container1 pings container2 by name, and back', async () => {
    const r = await ping(sb, 'container1', 'container2', true)
    expect(r.stdout).toMatch(/172\.17\.0\.3/)
    const back = await ping(sb, 'container2', 'container1', true)
    expect(back.stdout).toMatch(/172\.17\.0\.2/)
  })

  it("container2's /etc/hosts lists both containers like the seed", async () => {
    const r = await sb.exec('container2', ['cat', '/etc/hosts'])
    expect(r.code, r.stderr).toBe(0)
    const lines = hostsLines(r.stdout)
    expect(lines).toContain('127.0.0.1 localhost')
    for (const l of [
      '172.17.0.2 container1',
      '172.17.0.2 container1.bridge',
      '172.17.0.3 container2',
      '172.17.0.3 container2.bridge',
    ]) {
      expect(lines, r.stdout).toContain(l)
    }
    expect(r.stdout).not.toMatch(/isolated_nw/)
  })

  it('network create -d bridge isolated_nw prints a 64-hex id and makes a bridge', async () => {
    isolatedId = (await sb.ok(['network', 'create', '-d', 'bridge', 'isolated_nw'])).trim()
    expect(isolatedId).toMatch(HEX64)
    const rows = tableRows(await sb.ok(['network', 'ls'])).slice(1)
    const row = rows.find((r) => r[1] === 'isolated_nw')
    expect(row, JSON.stringify(rows)).toBeDefined()
    expect(row![0]).toBe(isolatedId.slice(0, 12))
    expect(row![2]).toBe('bridge')
    expect(row![3]).toBe('local')
    expect(rows).toHaveLength(4)
    const filtered = tableRows(await sb.ok(['network', 'ls', '-f', 'name=isolated_nw'])).slice(1)
    expect(filtered.map((r) => r[1])).toEqual(['isolated_nw'])
    expect((await sb.ok(['network', 'ls', '-q', '--no-trunc', '-f', `id=${isolatedId.slice(0, 12)}`])).trim()).toBe(
      isolatedId,
    )

    const net = await inspectNetwork('isolated_nw')
    expect(net.Id).toBe(isolatedId)
    expect(net.Driver).toBe('bridge')
    expect(net.IPAM.Config).toEqual([{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }])
    expect(net.Containers).toEqual({})
    expect((await inspectNetwork(isolatedId.slice(0, 12))).Name).toBe('isolated_nw')

    const dev = `pb-${isolatedId.slice(0, 12)}`
    expect(await sb.shOk(`ip -o -4 addr show dev ${dev}`)).toMatch(/inet 172\.18\.0\.1\/16/)
  })

  it('run --net=isolated_nw --name container3', async () => {
    ids.container3 = (await sb.ok(['run', '--net=isolated_nw', '--name=container3'])).trim()
    expect(ids.container3).toMatch(HEX64)
    const net = await inspectNetwork('isolated_nw')
    const c3 = net.Containers[ids.container3]
    expect(c3, JSON.stringify(net.Containers)).toBeDefined()
    expect(c3!.IPv4Address).toBe('172.18.0.2/16')
    expect(c3!.MacAddress).toBe('02:42:ac:12:00:02')
    expect(await networksOf('container3')).toBe('[isolated_nw]')
  })

  it('network connect isolated_nw container2 prints nothing; inspect shows [bridge isolated_nw]', async () => {
    expect(await sb.ok(['network', 'connect', 'isolated_nw', 'container2'])).toBe('')
    expect(await networksOf('container2')).toBe('[bridge isolated_nw]')
    const net = await inspectNetwork('isolated_nw')
    expect(Object.keys(net.Containers).sort()).toEqual([ids.container2!, ids.container3!].sort())
    expect(net.Containers[ids.container2!]!.IPv4Address).toBe('172.18.0.3/16')

    const c2 = await inspectContainer('container2')
    expect(c2.Id).toBe(ids.container2)
    expect(c2.Name).toBe('/container2')
    const nets = c2.NetworkSettings.Networks
    expect(Object.keys(nets).sort()).toEqual(['bridge', 'isolated_nw'])
    expect(nets.bridge!.IPAddress).toBe('172.17.0.3')
    expect(nets.bridge!.IPPrefixLen).toBe(16)
    expect(nets.bridge!.Gateway).toBe('172.17.0.1')
    expect(nets.isolated_nw!.IPAddress).toBe('172.18.0.3')
    expect(nets.isolated_nw!.Gateway).toBe('172.18.0.1')
    expect(nets.isolated_nw!.MacAddress).toBe('02:42:ac:12:00:03')
    expect(nets.isolated_nw!.NetworkID).toBe(isolatedId)
    expect((await sb.ok(['inspect', '--format={{.NetworkSettings.Networks.bridge.IPAddress}}', 'container2'])).trim()).toBe(
      '172.17.0.3',
    )
  })

  it('container2 now has eth1 with the MAC derived from its isolated_nw address', async () => {
    const ip = (await inspectContainer('container2')).NetworkSettings.Networks.isolated_nw!.IPAddress
    const r = await sb.exec('container2', ['ip', '-o', 'link'])
    expect(r.code, r.stderr).toBe(0)
    expect(linkNames(r.stdout).sort()).toEqual(['eth0', 'eth1', 'lo'])
    expect(r.stdout).toMatch(new RegExp(`eth1.*link/ether ${macFor(ip)}`))
    expect(r.stdout).toMatch(/eth0.*link\/ether 02:42:ac:11:00:03/)
    const addr = await sb.exec('container2', ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth1'])
    expect(addr.stdout).toMatch(/inet 172\.18\.0\.3\/16/)
    // The default route stays with the first network.
    expect((await sb.exec('container2', ['ip', 'route', 'show', 'default'])).stdout).toMatch(/via 172\.17\.0\.1 dev eth0/)
  })

  it("container2's hosts file now also lists isolated_nw", async () => {
    const lines = hostsLines((await sb.exec('container2', ['cat', '/etc/hosts'])).stdout)
    for (const l of [
      '172.17.0.2 container1',
      '172.17.0.2 container1.bridge',
      '172.17.0.3 container2',
      '172.17.0.3 container2.bridge',
      '172.18.0.2 container3',
      '172.18.0.2 container3.isolated_nw',
      '172.18.0.3 container2',
      '172.18.0.3 container2.isolated_nw',
    ]) {
      expect(lines).toContain(l)
    }
  })

  it('container3 pings container2.isolated_nw and container2', async () => {
    expect((await ping(sb, 'container3', 'container2.isolated_nw', true)).stdout).toMatch(/172\.18\.0\.3/)
    expect((await ping(sb, 'container3', 'container2', true)).stdout).toMatch(/172\.18\.0\.3/)
  })

  it('container3 cannot resolve container1', async () => {
    const lines = hostsLines((await sb.exec('container3', ['cat', '/etc/hosts'])).stdout)
    expect(lines.some((l) => / container1(\.|$)/.test(l))).toBe(false)
    const r = await sb.exec('container3', ['getent', 'hosts', 'container1'])
    expect(r.code).not.toBe(0)
    await ping(sb, 'container3', 'container1', false)
  })

  it('with ip_forward=1 in the host, container3 still cannot reach 172.17.0.2 or 172.17.0.3', async () => {
    await sb.shOk('sysctl -q -w net.ipv4.ip_forward=1')
    expect((await sb.shOk('cat /proc/sys/net/ipv4/ip_forward')).trim()).toBe('1')
    await ping(sb, 'container3', '172.17.0.2', false)
    await ping(sb, 'container3', '172.17.0.3', false)
    // ... and the other direction.
    await ping(sb, 'container1', '172.18.0.2', false)
  })

  it('container2 (on both networks) reaches container3 and container1', async () => {
    expect((await ping(sb, 'container2', 'container3', true)).stdout).toMatch(/172\.18\.0\.2/)
    expect((await ping(sb, 'container2', 'container1', true)).stdout).toMatch(/172\.17\.0\.2/)
  })

  it('network rm isolated_nw is refused while it has endpoints, and nothing changes', async () => {
    const before = await sb.ok(['network', 'inspect', 'isolated_nw'])
    const r = await sb.run(['network', 'rm', 'isolated_nw'])
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toMatch(/^Error: .*network isolated_nw has active endpoints/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(await lsNames()).toEqual(['bridge', 'host', 'isolated_nw', 'none'])
    expect(await sb.ok(['network', 'inspect', 'isolated_nw'])).toBe(before)
    expect((await sb.sh(`ip -o link show dev pb-${isolatedId.slice(0, 12)}`)).code).toBe(0)
  })

  it('network disconnect isolated_nw container2 → [bridge], eth1 gone', async () => {
    expect(await sb.ok(['network', 'disconnect', 'isolated_nw', 'container2'])).toBe('')
    expect(await networksOf('container2')).toBe('[bridge]')
    const net = await inspectNetwork('isolated_nw')
    expect(Object.keys(net.Containers)).toEqual([ids.container3])
    const link = await sb.exec('container2', ['ip', '-o', 'link'])
    expect(linkNames(link.stdout).sort()).toEqual(['eth0', 'lo'])
    const lines = hostsLines((await sb.exec('container2', ['cat', '/etc/hosts'])).stdout)
    expect(lines.some((l) => l.includes('isolated_nw'))).toBe(false)
    expect(lines).not.toContain('172.18.0.2 container3')
  })

  it('container2 can no longer reach container3 but still reaches container1', async () => {
    await ping(sb, 'container2', '172.18.0.2', false)
    await ping(sb, 'container2', 'container1', true)
  })

  it('rm container3, then network rm isolated_nw succeeds and ls is back to three', async () => {
    await sb.ok(['rm', 'container3'])
    expect(existsSync(join(sb.runDir, 'netns', ids.container3!))).toBe(false)
    expect((await inspectNetwork('isolated_nw')).Containers).toEqual({})
    expect((await sb.ok(['network', 'rm', 'isolated_nw'])).trim()).toBe('isolated_nw')
    expect(await lsNames()).toEqual(['bridge', 'host', 'none'])
    expect((await sb.sh(`ip link show dev pb-${isolatedId.slice(0, 12)}`)).code).not.toBe(0)
    const gone = await sb.run(['network', 'inspect', 'isolated_nw'])
    expect(gone.code).toBe(1)
    expect(gone.stderr.trim()).toBe('Error: network isolated_nw not found')
  })

  it('events --format json records the walkthrough as a hash chain, actor uid 0', async () => {
    const text = await sb.ok(['events', '--format', 'json'])
    const events = parseJsonLines(text)
    expect(events.length).toBeGreaterThan(0)
    const types = events.map((e) => e.type)
    for (const t of [
      'NetworkCreated',
      'ContainerCreated',
      'EndpointConnected',
      'EndpointDisconnected',
      'ContainerRemoved',
      'NetworkRemoved',
    ]) {
      expect(types, JSON.stringify(types)).toContain(t)
    }
    let prev: Record<string, unknown> | undefined
    for (const e of events) {
      for (const k of ['seq', 'time', 'type', 'host', 'actor', 'payload', 'hash', 'prevHash']) {
        expect(e, `event ${JSON.stringify(e)} lacks ${k}`).toHaveProperty(k)
      }
      const actor = e.actor as { uid: number; user: string; pid: number; argv: string[] }
      expect(actor.uid).toBe(0)
      expect(typeof actor.pid).toBe('number')
      expect(Array.isArray(actor.argv)).toBe(true)
      expect(typeof e.hash).toBe('string')
      expect(Number.isNaN(Date.parse(String(e.time)))).toBe(false)
      if (prev) {
        expect(e.prevHash, `prevHash of seq ${String(e.seq)}`).toBe(prev.hash)
        expect(Number(e.seq)).toBe(Number(prev.seq) + 1)
      }
      prev = e
    }
    // The refused `network rm` left no trace in the log (bad input never changes it).
    const removed = events.filter((e) => e.type === 'NetworkRemoved')
    expect(removed).toHaveLength(1)
    // The connect of container2 to isolated_nw is in the log with what replay needs.
    const connects = events.filter((e) => e.type === 'EndpointConnected')
    expect(JSON.stringify(connects)).toContain('172.18.0.3')

    const plain = await sb.ok(['events'])
    expect(plain).toMatch(/NetworkCreated/)
    expect(plain).toMatch(/EndpointDisconnected/)
  })
})
