import type { EndpointRow, HostRow, NetworkRow } from '../projections/queries.js'

/**
 * A network as today's `docker network inspect` shows it. A network spanning hosts lists the
 * endpoints of every host, each with its `Host`, and, as docker's `Peers`, the hosts that
 * have endpoints on it with the address they are reached at.
 */
export function networkInspectView(net: NetworkRow, endpoints: EndpointRow[], hosts: HostRow[]) {
  const config = [
    ...(net.subnet ? [{ Subnet: net.subnet, ...(net.ipRange ? { IPRange: net.ipRange } : {}), Gateway: net.gateway }] : []),
    ...(net.subnet6 ? [{ Subnet: net.subnet6, ...(net.ipRange6 ? { IPRange: net.ipRange6 } : {}), Gateway: net.gateway6 }] : []),
  ]
  const global = net.scope === 'global'
  const attached: Record<string, object> = {}
  for (const ep of endpoints) {
    attached[ep.containerId] = {
      Name: ep.containerName,
      EndpointID: ep.id,
      MacAddress: ep.mac ?? '',
      IPv4Address: ep.ipv4 ? `${ep.ipv4}/${ep.prefixLen}` : '',
      IPv6Address: ep.ipv6 ? `${ep.ipv6}/${ep.prefixLen6}` : '',
      ...(global ? { Host: ep.host ?? '' } : {}),
    }
  }
  const peers = [...new Set(endpoints.flatMap((e) => (e.host ? [e.host] : [])))].sort().map((name) => ({ Name: name, IP: hosts.find((h) => h.name === name)?.advertise ?? '' }))
  return {
    Name: net.name,
    Id: net.id,
    Created: net.created,
    Scope: net.scope,
    Driver: net.driver,
    EnableIPv4: true,
    EnableIPv6: net.enableIpv6,
    IPAM: { Driver: 'default', Options: {}, Config: config },
    Internal: net.internal,
    Attachable: net.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: attached,
    ...(global ? { Peers: peers } : {}),
    Options: net.options,
    Labels: net.labels,
  }
}

/** The fields `network ls --format` offers, as docker's formatter names them. */
export function networkListView(net: NetworkRow, noTrunc: boolean) {
  return {
    ID: noTrunc ? net.id : net.id.slice(0, 12),
    Name: net.name,
    Driver: net.driver,
    Scope: net.scope,
    IPv6: net.enableIpv6,
    Internal: net.internal,
    Labels: Object.entries(net.labels).map(([k, v]) => `${k}=${v}`).join(','),
    CreatedAt: net.created,
  }
}
