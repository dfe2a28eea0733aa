import { describe, expect, it } from 'vitest'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideNetworkCreate } from '../../src/core/network-create.js'
import { type HostPortFacts, parsePublish } from '../../src/core/ports.js'
import type { ContainerCreated } from '../../src/events/types.js'
import { renderRuleset } from '../../src/firewall/ruleset.js'
import { rulesetFor } from '../../src/drivers/firewall-parts.js'
import { memoryState } from './memory-state.js'

const facts: HostPortFacts = { addresses: ['127.0.0.1', '192.0.2.10', '2001:db8::10'], listening: [{ proto: 'tcp', ip: '0.0.0.0', port: 22 }], ephemeral: { first: 32768, last: 32770 } }
const run = (name: string, publish: string[], network = 'bridge') => ({ name, network, aliases: [], publish: publish.flatMap(parsePublish), hostPorts: facts })

describe('-p as docker takes it', () => {
  it('reads [HOSTIP:][HOSTPORT:]PORT[/PROTO] and equal ranges', () => {
    expect(parsePublish('80')).toEqual([{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 0 }])
    expect(parsePublish('8080:80/udp')).toEqual([{ proto: 'udp', containerPort: 80, hostIp: '', hostPort: 8080 }])
    expect(parsePublish('192.0.2.10:8080:80')).toEqual([{ proto: 'tcp', containerPort: 80, hostIp: '192.0.2.10', hostPort: 8080 }])
    expect(parsePublish('192.0.2.10::80')).toEqual([{ proto: 'tcp', containerPort: 80, hostIp: '192.0.2.10', hostPort: 0 }])
    expect(parsePublish('9000-9001:90-91').map((p) => [p.hostPort, p.containerPort])).toEqual([[9000, 90], [9001, 91]])
    expect(parsePublish('[2001:DB8:0::1]:8080:80/udp')).toEqual([{ proto: 'udp', containerPort: 80, hostIp: '2001:db8::1', hostPort: 8080 }])
    expect(parsePublish('[::1]::80')).toEqual([{ proto: 'tcp', containerPort: 80, hostIp: '::1', hostPort: 0 }])
  })

  it('refuses what it cannot bind, in one line naming the value', () => {
    expect(() => parsePublish('0:80')).toThrow('invalid host port in -p 0:80: 0 (ports are 1-65535; leave it out for a free one)')
    expect(() => parsePublish('70000:80')).toThrow(/invalid host port in -p 70000:80: 70000/)
    expect(() => parsePublish('8080:0')).toThrow(/invalid container port in -p 8080:0: 0/)
    expect(() => parsePublish('80/sctp')).toThrow('invalid protocol in -p 80/sctp: sctp (tcp or udp)')
    expect(() => parsePublish('1.2.3:80:80')).toThrow(/invalid host address in -p 1\.2\.3:80:80/)
    expect(() => parsePublish('9000-9002:90-91')).toThrow(/host range has 3 ports, the container range 2/)
    expect(() => parsePublish('91-90')).toThrow(/the end is before the start/)
    expect(() => parsePublish('a:b:c:d')).toThrow(/expected \[HOSTIP:\]\[HOSTPORT:\]CONTAINERPORT/)
    expect(() => parsePublish('[zz::1]:80:80')).toThrow('invalid host address in -p [zz::1]:80:80: [zz::1] (an IPv4 address, or an IPv6 one in brackets)')
    expect(() => parsePublish('[::1]:80')).toThrow(/expected \[HOSTIP:\]/)
  })
})

describe('published ports decided', () => {
  it('binds what was asked, a left-out port the lowest free of the ephemeral range, a left-out address every one', () => {
    const s = memoryState()
    const [c] = s.apply((ctx) => decideContainerCreate(run('web', ['8080:80', '80/udp', '192.0.2.10::443']), ctx))
    expect((c!.payload as ContainerCreated).ports).toEqual([
      { proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080, bindIp: '0.0.0.0', bindPort: 8080 },
      { proto: 'udp', containerPort: 80, hostIp: '', hostPort: 0, bindIp: '0.0.0.0', bindPort: 32768 },
      { proto: 'tcp', containerPort: 443, hostIp: '192.0.2.10', hostPort: 0, bindIp: '192.0.2.10', bindPort: 32768 },
    ])
  })

  it('binds a port without an address to the network\'s host_binding_ipv4', () => {
    const s = memoryState()
    s.apply((ctx) => decideNetworkCreate({ name: 'n', driver: 'bridge', internal: false, attachable: false, labels: {}, options: { 'com.docker.network.bridge.host_binding_ipv4': '192.0.2.10' }, hostRoutes: [] }, ctx))
    const [c] = s.apply((ctx) => decideContainerCreate(run('web', ['8080:80', '127.0.0.1:8081:81'], 'n'), ctx))
    expect((c!.payload as ContainerCreated).ports.map((p) => `${p.bindIp}:${p.bindPort}`)).toEqual(['192.0.2.10:8080', '127.0.0.1:8081'])
  })

  it('refuses a port another container or a host socket holds, an address the host lacks, an internal network', () => {
    const s = memoryState()
    s.apply((ctx) => decideContainerCreate(run('web', ['8080:80', '192.0.2.10:9000:90']), ctx))
    expect(() => s.apply((ctx) => decideContainerCreate(run('b', ['8080:80']), ctx))).toThrow('Bind for 0.0.0.0:8080 failed: port is already allocated (by container web)')
    expect(() => s.apply((ctx) => decideContainerCreate(run('b', ['192.0.2.10:8080:80']), ctx))).toThrow(/0\.0\.0\.0:8080|192\.0\.2\.10:8080/)
    expect(() => s.apply((ctx) => decideContainerCreate(run('b', ['9000:90']), ctx))).toThrow('Bind for 0.0.0.0:9000 failed: port is already allocated (by container web)')
    expect(() => s.apply((ctx) => decideContainerCreate(run('b', ['22:22']), ctx))).toThrow('Bind for 0.0.0.0:22 failed: port is already allocated (by a process on the host listening on 0.0.0.0:22)')
    expect(() => s.apply((ctx) => decideContainerCreate(run('b', ['198.51.100.7:80:80']), ctx))).toThrow('cannot publish on 198.51.100.7: it is not an address of this host')
    expect(() => s.apply((ctx) => decideContainerCreate(run('b', ['[2001:db8::10]:80:80']), ctx))).toThrow('cannot publish on 2001:db8::10: network bridge has no IPv6 (create it with --ipv6)')
    expect(() => s.apply((ctx) => decideContainerCreate(run('b', ['80', '81', '82', '83']), ctx))).toThrow('no free host port for 83/tcp in 32768-32770')
    expect(() => s.apply((ctx) => decideContainerCreate(run('b', ['80'], 'none'), ctx))).toThrow('cannot publish ports on network none: driver null gives the container no address of its own')
    s.apply((ctx) => decideNetworkCreate({ name: 'vault', driver: 'bridge', internal: true, attachable: false, labels: {}, options: {}, hostRoutes: [] }, ctx))
    expect(() => s.apply((ctx) => decideContainerCreate(run('b', ['80'], 'vault'), ctx))).toThrow(/cannot publish ports on network vault: it is internal/)
    // The same port on another protocol, or on another address than a specific one, is free.
    s.apply((ctx) => decideContainerCreate(run('c', ['8080:80/udp', '127.0.0.1:9000:90/udp']), ctx))
    expect(s.state.containersWithPorts().map((c) => c.name)).toEqual(['web', 'c'])
  })

  it('leads to the container\'s default-route address in the firewall, with hairpin masquerade on its bridge', () => {
    const s = memoryState()
    s.apply((ctx) => decideContainerCreate(run('web', ['8080:80', '192.0.2.10:53:53/udp']), ctx))
    const out = rulesetFor(s.state.networks(), s.state.publishedPorts())
    expect(out).toContain('meta nfproto ipv4 tcp dport 8080 dnat ip to 172.17.0.2:80')
    expect(out).toContain('ip daddr 192.0.2.10 udp dport 53 dnat ip to 172.17.0.2:53')
    expect(out).toContain('oifname "pb0" ip saddr 172.17.0.0/16 ct status dnat masquerade')
    expect(out).toContain('ip daddr != 127.0.0.0/8 fib daddr type local jump published')
    expect(out.indexOf('ct status dnat accept')).toBeLessThan(out.indexOf('oifname @bridges'))
  })
})

describe('the firewall without published ports', () => {
  it('has no nat chains besides postrouting, and refuses port fields that could inject nft syntax', () => {
    expect(renderRuleset([{ bridge: 'pb-a', subnet: '10.1.0.0/24', internal: false, masquerade: true }])).not.toMatch(/dnat|prerouting|published/)
    const port = { proto: 'tcp' as const, bindIp: '0.0.0.0', bindPort: 80, address: '10.1.0.2', port: 80, bridge: 'pb-a', subnet: '10.1.0.0/24' }
    expect(() => renderRuleset([], [{ ...port, address: '10.1.0.2 accept' }])).toThrow(/IPv4 address/)
    expect(() => renderRuleset([], [{ ...port, bindPort: 0 }])).toThrow(/port/)
    expect(() => renderRuleset([], [{ ...port, proto: 'sctp' as never }])).toThrow(/protocol/)
  })
})
