import type { ContainerRow, EndpointRow, NetworkRow } from '../projections/queries.js'
import { portBindingsView, portsView } from './ports.js'

const GO_STRING = Symbol.for('go.String')

/**
 * A container as `docker inspect` shows it, limited to what a network namespace has.
 * NetworkSettings.Networks prints as `[net1 net2]` in templates (a Go Stringer), as the
 * seed walkthrough shows for `--format='{{.NetworkSettings.Networks}}'`.
 */
export function containerInspectView(c: ContainerRow, endpoints: EndpointRow[], networks: Map<string, NetworkRow>) {
  const entries = endpoints
    .map((ep) => ({ ep, net: networks.get(ep.networkId)! }))
    .sort((a, b) => a.net.name.localeCompare(b.net.name))
  const nets: Record<string, object> = {}
  for (const { ep, net } of entries) {
    nets[net.name] = {
      IPAMConfig: null,
      Links: null,
      Aliases: ep.aliases.length ? ep.aliases : null,
      MacAddress: ep.mac ?? '',
      DriverOpts: null,
      NetworkID: net.id,
      EndpointID: ep.id,
      Gateway: ep.gateway ?? '',
      IPAddress: ep.ipv4 ?? '',
      IPPrefixLen: ep.prefixLen ?? 0,
      IPv6Gateway: ep.gateway6 ?? '',
      GlobalIPv6Address: ep.ipv6 ?? '',
      GlobalIPv6PrefixLen: ep.prefixLen6 ?? 0,
      DNSNames: ep.ipv4 ? [c.name, ...ep.aliases, c.hostname] : null,
    }
  }
  Object.defineProperty(nets, GO_STRING, { value: () => `[${Object.keys(nets).join(' ')}]`, enumerable: false })
  return {
    Id: c.id,
    Created: c.created,
    Name: `/${c.name}`,
    Config: { Hostname: c.hostname },
    HostConfig: { NetworkMode: c.networkMode, PortBindings: portBindingsView(c.ports) },
    NetworkSettings: {
      SandboxID: c.id,
      SandboxKey: c.netnsPath ?? '',
      Ports: portsView(c.ports, endpoints.some((e) => e.defaultRoute && e.ipv6 !== null)),
      Networks: nets,
    },
  }
}
