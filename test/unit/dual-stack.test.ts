import { describe, expect, it } from 'vitest'
import { decideConnect } from '../../src/core/connect.js'
import { decideContainerCreate } from '../../src/core/container-create.js'
import { decideDisconnect } from '../../src/core/disconnect.js'
import { hostsRenderer } from '../../src/core/hosts.js'
import { decideNetworkCreate, type NetworkCreateRequest } from '../../src/core/network-create.js'
import { rulesetFor } from '../../src/drivers/firewall-parts.js'
import { renderRuleset } from '../../src/firewall/ruleset.js'
import { upcast } from '../../src/events/upcast.js'
import type { EndpointConnected, EndpointDisconnected, NetworkCreated } from '../../src/events/types.js'
import { memoryState } from './memory-state.js'

const net = (name: string, more: Partial<NetworkCreateRequest> = {}): NetworkCreateRequest => ({
  name, driver: 'bridge', internal: false, attachable: false, labels: {}, options: {}, hostRoutes: [], ...more,
})
const dual = (name: string, subnet: string, subnet6: string, more: Partial<NetworkCreateRequest> = {}) => net(name, { subnet, subnet6, ipv6: true, ...more })

describe('dual-stack networks', () => {
  it('take an IPv6 subnet beside the IPv4 one, the gateway its first address, in canonical form', () => {
    const s = memoryState()
    const [e] = s.apply((c) => decideNetworkCreate(dual('d', '10.6.0.0/24', 'FD00:6:0::/64', { ipRange6: 'fd00:6::100/120' }), c))
    expect(e!.payload as NetworkCreated).toMatchObject({ enableIpv6: true, subnet6: 'fd00:6::/64', gateway6: 'fd00:6::1', ipRange6: 'fd00:6::100/120' })
    const [plain] = s.apply((c) => decideNetworkCreate(net('p', { subnet: '10.7.0.0/24' }), c))
    expect(plain!.payload as NetworkCreated).toMatchObject({ enableIpv6: false, subnet6: null, gateway6: null, ipRange6: null })
  })

  it('refuse what cannot work, in docker\'s words where it has them', () => {
    const s = memoryState()
    s.apply((c) => decideNetworkCreate(dual('d', '10.6.0.0/24', 'fd00:6::/64'), c))
    const refused = (req: NetworkCreateRequest) => () => s.apply((c) => decideNetworkCreate(req, c))
    expect(refused(net('x', { subnet6: 'fd00:7::/64' }))).toThrow('IPv6 addresses need --ipv6 (got fd00:7::/64)')
    expect(refused(net('x', { ipv6: true }))).toThrow(/--ipv6 needs an IPv6 --subnet/)
    expect(refused(dual('x', '10.7.0.0/24', 'fd00:7::/200'))).toThrow('invalid CIDR address: fd00:7::/200')
    expect(refused(dual('x', '10.7.0.0/24', 'fd00:7::1/64'))).toThrow('invalid --subnet fd00:7::1/64: host bits are set (did you mean fd00:7::/64?)')
    expect(refused(dual('x', '10.7.0.0/24', 'fd00:6::/48'))).toThrow('invalid pool request: Pool overlaps with other one on this address space (network d uses fd00:6::/64)')
    expect(refused(dual('x', '10.7.0.0/24', 'fd00:7::/64', { gateway6: 'fd00:8::1' }))).toThrow('no matching subnet for gateway fd00:8::1 (subnet is fd00:7::/64)')
    expect(refused(dual('x', '10.7.0.0/24', 'fd00:7::/64', { ipRange6: 'fd00:8::/120' }))).toThrow('no matching subnet for range fd00:8::/120 (subnet is fd00:7::/64)')
    expect(refused(dual('x', '10.7.0.0/24', 'fd00:7::/127'))).toThrow(/needs at least a \/126/)
    expect(refused(net('x', { driver: 'overlay', ipv6: true, subnet6: 'fd00:7::/64' }))).toThrow('--ipv6 is not supported on overlay networks (bridge networks have it)')
  })

  it('give endpoints the lowest free IPv6 address of the range, or --ip6, with an IPv6 default route beside the IPv4 one', () => {
    const s = memoryState()
    s.apply((c) => decideNetworkCreate(dual('d', '10.6.0.0/24', 'fd00:6::/64', { ipRange6: 'fd00:6::100/120' }), c))
    const ep = (name: string, more: { ip6?: string } = {}) => s.apply((c) => decideContainerCreate({ name, network: 'd', aliases: [], ...more }, c))[1]!.payload as EndpointConnected
    expect(ep('a')).toMatchObject({ ipv6: 'fd00:6::100', prefixLen6: 64, gateway6: 'fd00:6::1', defaultRoute: { gateway: '10.6.0.1', gateway6: 'fd00:6::1', ifname: 'eth0' } })
    expect(ep('b', { ip6: 'fd00:6:0:0::0042' }).ipv6).toBe('fd00:6::42')
    expect(ep('c').ipv6).toBe('fd00:6::101')
    expect(() => ep('x', { ip6: 'fd00:6::42' })).toThrow('Address already in use: fd00:6::42 is taken by container b on network d')
    expect(() => ep('x', { ip6: 'fd00:6::1' })).toThrow('Address already in use: fd00:6::1 is the gateway of network d')
    expect(() => ep('x', { ip6: 'fd00:9::1' })).toThrow("invalid address fd00:9::1: it does not belong to network d's subnet fd00:6::/64")
    expect(() => s.apply((c) => decideContainerCreate({ name: 'x', network: 'bridge', aliases: [], ip6: 'fd00:6::9' }, c))).toThrow(/--ip6 is not allowed on network bridge: it has no IPv6/)
  })

  it('move the IPv6 default route with the IPv4 one, and name each container by both families in hosts files', () => {
    const s = memoryState()
    s.apply((c) => decideNetworkCreate(dual('d', '10.6.0.0/24', 'fd00:6::/64'), c))
    s.apply((c) => decideContainerCreate({ name: 'a', network: 'bridge', aliases: [] }, c))
    s.apply((c) => decideConnect({ network: 'd', container: 'a', aliases: ['web'] }, c))
    const [e] = s.apply((c) => decideDisconnect({ network: 'bridge', container: 'a' }, c))
    expect((e!.payload as EndpointDisconnected).defaultRouteMovesTo).toEqual({ gateway: '10.6.0.1', gateway6: 'fd00:6::1', ifname: 'eth1' })
    const hosts = hostsRenderer(s.state)(s.state.findContainer('a')!)
    expect(hosts).toContain('10.6.0.2\ta\n10.6.0.2\ta.d\nfd00:6::2\ta\nfd00:6::2\ta.d\n10.6.0.2\tweb\n10.6.0.2\tweb.d\nfd00:6::2\tweb\nfd00:6::2\tweb.d\n')
  })

  it('masquerade and publish over IPv6 in the firewall', () => {
    const s = memoryState()
    s.apply((c) => decideNetworkCreate(dual('d', '10.6.0.0/24', 'fd00:6::/64'), c))
    s.apply((c) => decideContainerCreate({ name: 'a', network: 'd', aliases: [], publish: [{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080 }], hostPorts: { addresses: [], listening: [], ephemeral: { first: 40000, last: 40010 } } }, c))
    const out = rulesetFor(s.state.networks(), s.state.publishedPorts())
    expect(out).toContain('ip6 saddr fd00:6::/64 oifname != @bridges masquerade')
    expect(out).toContain('meta nfproto ipv6 tcp dport 8080 dnat ip6 to [fd00:6::2]:80')
    expect(out).toContain('ip6 saddr fd00:6::/64 ct status dnat masquerade')
    expect(out).toContain('ip6 daddr != ::1 fib daddr type local jump published')
  })

  it('keep IPv6 values that could inject nft syntax out of the firewall', () => {
    const net = { bridge: 'pb-a', subnet: '10.1.0.0/24', internal: false, masquerade: true }
    expect(() => renderRuleset([{ ...net, subnet6: 'fd00::/64 accept' }])).toThrow(/IPv6 value for nftables/)
    expect(() => renderRuleset([{ ...net, subnet6: 'fd00::/64\ndrop' }])).toThrow(/IPv6 value for nftables/)
    const port = { proto: 'tcp' as const, bindIp: '0.0.0.0', bindPort: 80, address: '10.1.0.2', port: 80, bridge: 'pb-a', subnet: '10.1.0.0/24' }
    expect(() => renderRuleset([], [{ ...port, address6: 'fd00::2] accept [' }])).toThrow(/IPv6 value for nftables/)
    expect(() => renderRuleset([], [{ ...port, bindIp: 'fd00::1 counter' }])).toThrow(/IPv6 value for nftables/)
  })

  it('refuse, in an event appended or imported from another host, IPv6 text and ports that are not exactly what they claim', async () => {
    const { validatePayload } = await import('../../src/events/schema.js')
    const s = memoryState()
    s.apply((c) => decideNetworkCreate(dual('d', '10.6.0.0/24', 'fd00:6::/64'), c))
    const [created, connected] = s.apply((c) => decideContainerCreate({ name: 'a', network: 'd', aliases: [], publish: [{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8080 }], hostPorts: { addresses: [], listening: [], ephemeral: { first: 40000, last: 40010 } } }, c))
    const ep = connected!.payload as EndpointConnected
    expect(() => validatePayload('EndpointConnected', ep)).not.toThrow()
    for (const ipv6 of ['fd00:6:0::2', 'fd00:6::2\n10.0.0.1 evil', 'fd00:6::2 x', `fd00:${'6:'.repeat(500)}:2`]) {
      expect(() => validatePayload('EndpointConnected', { ...ep, ipv6 }), ipv6).toThrow(/ipv6 must be an IPv6 address in its canonical form/)
    }
    const c = created!.payload as { ports: object[] }
    const bad = (b: object) => () => validatePayload('ContainerCreated', { ...c, ports: [{ ...c.ports[0], ...b }] })
    expect(bad({ bindIp: '0.0.0.0; drop' })).toThrow(/ports/)
    expect(bad({ bindPort: 70000 })).toThrow(/ports/)
    expect(bad({ proto: 'sctp' })).toThrow(/ports/)
  })

  it('were off in every event written before them (v2 payloads)', () => {
    expect(upcast('NetworkCreated', 2, { driverState: null })).toMatchObject({ enableIpv6: false, subnet6: null, gateway6: null, ipRange6: null })
    expect(upcast('EndpointConnected', 2, { defaultRoute: { gateway: '10.0.0.1', ifname: 'eth0' } })).toMatchObject({ ipv6: null, prefixLen6: null, gateway6: null, defaultRoute: { gateway: '10.0.0.1', gateway6: null, ifname: 'eth0' } })
    expect(upcast('EndpointDisconnected', 2, { defaultRouteMovesTo: null })).toMatchObject({ ipv6: null, defaultRouteMovesTo: null })
  })
})
