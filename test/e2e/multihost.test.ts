/**
 * Overlay networks across three hosts, against a real consul and a real etcd: each host a
 * namespace on an underlay bridge, each with its own patchbay root and daemon joined to the
 * store running in host 1. Created on one host, seen on all; containers on different hosts
 * reach each other by address and by name; removals propagate; concurrent runs never share an
 * address; a frozen store stops only what needs it; a host whose daemon was stopped, or whose
 * kernel state was lost, converges; a port published on the overlay network answers from another
 * host; a dead host's endpoints are withdrawn everywhere.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NOT_ROOT_MESSAGE, cmd, isRoot, parseJsonLines } from './sandbox.js'
import { type PatchbayHost, eventually, patchbayHosts } from './cluster/patchbay-hosts.js'
import { type StoreServer, type Underlay, createUnderlay } from './cluster/underlay.js'
import { openRemoteStore } from './cluster/remote-store.js'

const ECHO_SERVER = fileURLToPath(new URL('./outside/echo-server.mjs', import.meta.url))
const ECHO_CLIENT = fileURLToPath(new URL('./outside/echo-client.mjs', import.meta.url))

interface InspectedNetwork {
  Name: string
  Scope: string
  Containers: Record<string, { Name: string; IPv4Address: string; Host?: string }>
  Peers?: { Name: string; IP: string }[]
  Options: Record<string, string>
}

for (const kind of ['consul', 'etcd'] as const) {
  describe.skipIf(!isRoot)(`overlay networks across 3 hosts, ${kind} ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, { timeout: 120_000 }, () => {
    let u: Underlay
    let store: StoreServer
    let h: PatchbayHost[]

    const inspect = async (pb: PatchbayHost, net: string): Promise<InspectedNetwork> => (JSON.parse(await pb.ok(['network', 'inspect', net])) as InspectedNetwork[])[0]!
    const ip = async (pb: PatchbayHost, c: string, net: string): Promise<string> => (await pb.ok(['inspect', `--format={{(index .NetworkSettings.Networks "${net}").IPAddress}}`, c])).trim()
    const ping = (pb: PatchbayHost, from: string, to: string) => pb.run(['exec', from, '--', 'ping', '-n', '-c', '1', '-W', '1', to])
    const pings = async (pb: PatchbayHost, from: string, to: string, ms = 10_000) =>
      eventually(ms, async () => (await ping(pb, from, to)).code === 0, async () => `${pb.name}: ${from} -> ${to}: ${JSON.stringify(await ping(pb, from, to))}`)
    const names = async (pb: PatchbayHost) => (await pb.ok(['network', 'ls', '--format', '{{.Name}} {{.Scope}}'])).trim().split('\n')

    beforeAll(async () => {
      u = createUnderlay(3)
      store = kind === 'consul' ? await u.startConsul() : await u.startEtcd()
      h = patchbayHosts(u)
      for (const pb of h) await pb.startDaemon(store)
    }, 120_000)
    afterAll(() => u?.cleanup())

    it('every host sees the others up', async () => {
      for (const pb of h) {
        const info = JSON.parse(await pb.ok(['info', '--format', 'json'])) as { Cluster: { Host: string; Hosts: { Name: string; State: string }[]; Health: string } }
        expect(info.Cluster.Host).toBe(pb.name)
        expect(info.Cluster.Health).toMatch(/^healthy/)
        await eventually(5000, async () => {
          const i = JSON.parse(await pb.ok(['info', '--format', 'json'])) as typeof info
          return i.Cluster.Hosts.filter((x) => x.State === 'up').length === 3
        }, () => `${pb.name} to see 3 hosts up`)
      }
    })

    it('an overlay network created on host 1 is global on every host, with a VNI from 256 and a subnet from 10.0.0.0/8', async () => {
      await h[0]!.ok(['network', 'create', '-d', 'overlay', 'multi'])
      for (const pb of h) await eventually(5000, async () => (await names(pb)).includes('multi global'), () => `${pb.name} to list multi; its daemon's log:\n${pb.daemonLog().slice(-3000)}`)
      const net = await inspect(h[2]!, 'multi')
      expect(net.Scope).toBe('global')
      expect(JSON.stringify(net)).toMatch(/"Subnet":"10\.0\.0\.0\/24"/)
    })

    it('containers on each host reach each other by address and by name', async () => {
      for (const [i, pb] of h.entries()) await pb.ok(['run', '--net', 'multi', '--name', `c${i + 1}`])
      for (const pb of h) await eventually(5000, async () => Object.keys((await inspect(pb, 'multi')).Containers).length === 3, () => `${pb.name} to list 3 endpoints`)
      const addr2 = await ip(h[1]!, 'c2', 'multi')
      await pings(h[0]!, 'c1', addr2)
      await pings(h[0]!, 'c1', 'c3')
      await pings(h[2]!, 'c3', 'c2.multi')
      const net = await inspect(h[0]!, 'multi')
      expect(Object.values(net.Containers).map((c) => `${c.Name}@${c.Host}`).sort()).toEqual(['c1@h1', 'c2@h2', 'c3@h3'].map((x) => x.replace(/h(\d)/, (_, n) => h[Number(n) - 1]!.name)))
      expect(net.Peers?.map((p) => p.Name).sort()).toEqual(h.map((pb) => pb.name).sort())
    })

    it('network rm is refused while any host has an endpoint, naming the hosts', async () => {
      const err = await h[0]!.fail(['network', 'rm', 'multi'])
      expect(err).toMatch(new RegExp(`network multi has active endpoints \\(.*c2 on ${h[1]!.name}.*\\)`))
    })

    it('a disconnect and an rm on one host reach the others', async () => {
      await h[1]!.ok(['network', 'disconnect', 'multi', 'c2'])
      await h[2]!.ok(['rm', 'c3'])
      await eventually(5000, async () => Object.values((await inspect(h[0]!, 'multi')).Containers).map((c) => c.Name).join() === 'c1', () => 'h1 to see only c1')
      const r = await ping(h[0]!, 'c1', 'c3')
      expect(r.code).not.toBe(0)
    })

    it('3 hosts x 10 concurrent runs: all succeed, no address twice, every host lists all 30', async () => {
      const runs = h.flatMap((pb, i) => Array.from({ length: 10 }, (_, j) => pb.run(['run', '--net', 'multi', '--name', `x${i}${j}`])))
      const results = await Promise.all(runs)
      for (const r of results) expect(r.code, r.stderr).toBe(0)
      for (const pb of h) {
        await eventually(10_000, async () => Object.keys((await inspect(pb, 'multi')).Containers).length === 31, () => `${pb.name} to list 31 endpoints`)
      }
      const addrs = Object.values((await inspect(h[2]!, 'multi')).Containers).map((c) => c.IPv4Address)
      expect(new Set(addrs).size).toBe(addrs.length)
      for (let i = 0; i < 3; i++) await pings(h[i]!, `x${i}0`, `x${(i + 1) % 3}9`)
    })

    it('the whole cluster history of the network is in every host log, each imported event once', async () => {
      for (const pb of h) {
        const events = parseJsonLines(await pb.ok(['events', '-f', 'network=multi', '--format', 'json']))
        expect(events.filter((e) => e.type === 'NetworkCreated')).toHaveLength(1)
        expect(events.filter((e) => e.type === 'EndpointConnected')).toHaveLength(33)
        expect(new Set(events.map((e) => JSON.stringify(e.origin))).size).toBe(events.length)
        expect(await pb.ok(['audit', 'verify'])).toMatch(/^ok: /)
      }
    })

    it('a frozen store: local work goes on, global work fails in one line within 5 s; thawed, it catches up', async () => {
      store.freeze()
      try {
        await h[0]!.ok(['network', 'create', '--subnet', '10.250.1.0/24', 'localnet'])
        const started = performance.now()
        const err = await h[0]!.fail(['run', '--net', 'multi', '--name', 'frozen1'])
        expect(performance.now() - started).toBeLessThan(5000)
        expect(err.trimEnd().split('\n')).toHaveLength(1)
        expect(err).toMatch(new RegExp(`^Error: cannot reach ${kind} at `))
        expect(await h[0]!.fail(['inspect', 'frozen1'])).toMatch(/No such container/)
        await pings(h[0]!, 'c1', 'x19')
      } finally {
        store.thaw()
      }
      await h[1]!.ok(['run', '--net', 'multi', '--name', 'thawed'])
      await eventually(5000, async () => Object.values((await inspect(h[0]!, 'multi')).Containers).some((c) => c.Name === 'thawed'), () => 'h1 to see thawed')
      await pings(h[0]!, 'c1', 'thawed')
    })

    it('a host whose daemon was stopped converges when it starts again', async () => {
      await h[2]!.stopDaemon()
      await h[0]!.ok(['run', '--net', 'multi', '--name', 'whileaway'])
      await h[2]!.startDaemon(store)
      await eventually(5000, async () => Object.values((await inspect(h[2]!, 'multi')).Containers).some((c) => c.Name === 'whileaway'), () => 'h3 to see whileaway')
      await pings(h[2]!, 'x20', 'whileaway')
    })

    it('bad input: one line each, nothing changed', async () => {
      const before = await h[0]!.ok(['events', '--format', 'json'])
      await h[1]!.ok(['network', 'create', '--subnet', '10.77.0.0/24', 'local2'])
      // Other hosts learn a host's local networks from its heartbeat record (every 2 s).
      await eventually(10_000, async () => {
        const info = JSON.parse(await h[0]!.ok(['info', '--format', 'json'])) as { Cluster: { Hosts: { Name: string; Networks: { Name: string }[] }[] } }
        return info.Cluster.Hosts.some((x) => x.Name === h[1]!.name && x.Networks.some((n) => n.Name === 'local2'))
      }, () => `${h[1]!.name}'s record to list local2`)
      const overlap = await h[0]!.fail(['network', 'create', '-d', 'overlay', '--subnet', '10.77.0.0/24', 'clash'])
      expect(overlap).toMatch(new RegExp(`^Error: invalid pool request: Pool overlaps with other one on this address space \\(network local2 of host ${h[1]!.name} uses 10\\.77\\.0\\.0/24\\)\n$`))
      expect(await h[0]!.fail(['network', 'create', '-d', 'overlay', 'local2'])).toBe(`Error: network with name local2 already exists on host ${h[1]!.name}\n`)
      expect(await h[0]!.fail(['network', 'create', '-d', 'overlay', '-o', 'com.docker.network.driver.overlay.vxlanid_list=256', 'samevni'])).toMatch(/^Error: vxlan id 256 is already used by network multi\n$/)
      expect(await h[0]!.ok(['events', '--format', 'json'])).toBe(before)
      const daemonFails = async (args: string[], message: RegExp) => {
        const r = await h[0]!.run(['daemon', '--root', `${h[0]!.root}-other`, ...args], { timeout: 10_000 })
        expect(r.code, r.stderr).toBe(1)
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
        expect(r.stderr).toMatch(message)
      }
      await daemonFails(['--cluster-store', 'zookeeper://10.1.1.1:2181', '--cluster-advertise', h[0]!.host.address], /^Error: unsupported cluster store "zookeeper"/)
      await daemonFails(['--cluster-store', 'consul://', '--cluster-advertise', h[0]!.host.address], /^Error: invalid cluster store/)
      await daemonFails(['--cluster-store', store.url, '--cluster-advertise', '10.123.45.67'], /^Error: --cluster-advertise 10\.123\.45\.67: this host has no such address or interface/)
      const unreachable = store.url.replace(/\.1:(\d+)/, '.250:$1')
      const started = performance.now()
      await daemonFails(['--cluster-store', unreachable, '--cluster-advertise', h[0]!.host.address], new RegExp(`^Error: cannot reach ${kind} at `))
      expect(performance.now() - started).toBeLessThan(6000)
    })

    it('a reboot of one host: restore rebuilds its overlay devices and peers', async () => {
      await h[1]!.stopDaemon()
      await h[1]!.reboot()
      await h[1]!.ok(['restore'])
      await h[1]!.startDaemon(store)
      await pings(h[1]!, 'x10', 'c1')
      await pings(h[0]!, 'c1', 'x10')
    })

    it('drift: an FDB entry deleted by hand comes back', async () => {
      const mac = (await h[1]!.ok(['inspect', '--format={{(index .NetworkSettings.Networks "multi").MacAddress}}', 'x10'])).trim()
      const fdb = () => h[0]!.sh('bridge fdb show dev pbvx-256')
      expect((await fdb()).stdout).toContain(`${mac} dst ${h[1]!.host.address}`)
      await h[0]!.sh(`bridge fdb del ${mac} dev pbvx-256 dst ${h[1]!.host.address} self`)
      expect((await fdb()).stdout).not.toContain(`${mac} dst ${h[1]!.host.address}`)
      await eventually(15_000, async () => (await fdb()).stdout.includes(`${mac} dst ${h[1]!.host.address}`), async () => `h1's FDB to hold ${mac} again: ${(await fdb()).stdout}\n${h[0]!.daemonLog().slice(-2000)}`)
    })

    it("a port published by a container on the overlay network answers at its host's address, from another host", async () => {
      await h[0]!.ok(['run', '--net', 'multi', '--name', 'pub', '-p', '9000:7'])
      const key = (await h[0]!.ok(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'pub'])).trim()
      const server = spawn('nsenter', [`--net=${key}`, '--', process.execPath, ECHO_SERVER, '7', await ip(h[0]!, 'pub', 'multi')], { stdio: ['ignore', 'pipe', 'inherit'] })
      try {
        await new Promise<void>((resolve, reject) => {
          server.stdout!.setEncoding('utf8').on('data', (d: string) => d.includes('listening') && resolve())
          server.once('exit', (code) => reject(new Error(`echo server exited ${code}`)))
        })
        const r = await cmd(['nsenter', `--net=/run/netns/${h[1]!.host.ns}`, '--', process.execPath, ECHO_CLIENT, 'tcp', h[0]!.host.address, '9000'])
        expect(r.stdout, r.stderr).toBe(`from ${h[1]!.host.address}\n`)
        expect(await h[0]!.ok(['port', 'pub'])).toBe('7/tcp -> 0.0.0.0:9000\n')
      } finally {
        server.kill('SIGKILL')
      }
    })

    it('a claim that lands after its command gave up: its endpoint, whose container was rolled back, is released everywhere', async () => {
      // A run whose compare-and-set the store queued past the client's 2 s: the command failed
      // and rolled back its container, then the store applied the append. Written here as the
      // store would have applied it: the event of a real run on host 1, for a container host 1 never kept.
      await h[0]!.ok(['run', '--net', 'multi', '--name', 'ghostsrc'])
      const kv = openRemoteStore(u, u.hosts[1]!, store.url)
      try {
        const { entries } = await kv.list('stream/')
        const real = entries.map((e) => JSON.parse(e.value) as { type: string; payload: Record<string, unknown> }).filter((e) => e.type === 'EndpointConnected' && e.payload.containerName === 'ghostsrc').at(-1)!
        const id = (c: string) => c.repeat(64)
        const payload = { ...real.payload, id: id('e'), containerId: id('d'), containerName: 'ghost', ipv4: '10.0.0.250', mac: '02:42:0a:00:00:fa', hostIfname: 'pbghost0', netnsPath: '/run/patchbay-ghost/netns/d' }
        for (;;) {
          const head = await kv.get('head')
          const seq = (JSON.parse(head!.value) as { seq: number }).seq + 1
          const event = { ...real, payload, seq }
          const key = `stream/${String(seq).padStart(12, '0')}`
          if (await kv.txn([{ key: 'head', version: head!.version }], [{ put: key, value: JSON.stringify(event) }, { put: 'head', value: JSON.stringify({ seq }) }])) break
        }
      } finally {
        await kv.close()
      }
      for (const pb of h) {
        await eventually(15_000, async () => !Object.values((await inspect(pb, 'multi')).Containers).some((c) => c.Name === 'ghost'), async () => `${pb.name} to release ghost: ${h[0]!.daemonLog().slice(-1500)}`)
      }
      const events = parseJsonLines(await h[2]!.ok(['events', '-f', 'network=multi', '--format', 'json'])).filter((e) => JSON.stringify(e).includes('"ghost"'))
      expect(events.map((e) => `${e.type} ${(e.origin as { host: string }).host}`)).toEqual([`EndpointConnected ${h[0]!.name}`, `EndpointDisconnected ${h[0]!.name}`])
      expect(await h[0]!.ok(['run', '--net', 'multi', '--ip', '10.0.0.250', '--name', 'after-ghost'])).toMatch(/^[0-9a-f]{64}\n$/)
    })

    it("a dead host's endpoints are withdrawn everywhere within 15 s; its addresses stay reserved", async () => {
      const dead = h[2]!
      const theirs = Object.values((await inspect(h[0]!, 'multi')).Containers).filter((c) => c.Host === dead.name).map((c) => c.IPv4Address.split('/')[0]!)
      expect(theirs.length).toBeGreaterThan(5)
      await dead.stopDaemon('SIGKILL')
      await dead.reboot()
      const tables = async (pb: PatchbayHost) => `${(await pb.sh('bridge fdb show dev pbvx-256; ip neigh show dev pbvx-256')).stdout}`
      const took = await eventually(
        15_000,
        async () => {
          for (const pb of h.slice(0, 2)) {
            const t = await tables(pb)
            if (t.includes(dead.host.address) || theirs.some((a) => new RegExp(`^${a.replace(/\./g, '\\.')} `, 'm').test(t))) return false
          }
          return true
        },
        async () => `h1 and h2 to drop ${dead.name}'s entries:\n${await tables(h[0]!)}`,
      )
      console.log(`[multihost ${kind}] a dead host's endpoints withdrawn in ${Math.round(took)} ms (after SIGKILL)`)
      const fresh = await h[0]!.ok(['run', '--net', 'multi', '--name', 'afterdeath'])
      expect(fresh.trim()).toMatch(/^[0-9a-f]{64}$/)
      expect(theirs).not.toContain(await ip(h[0]!, 'afterdeath', 'multi'))
      await pings(h[0]!, 'c1', 'x19')
    })
  })
}
