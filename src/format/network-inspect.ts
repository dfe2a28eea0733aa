import type { ContainerRow, EndpointRow, NetworkRow } from '../projections/queries.js'

/** A network as today's `docker network inspect` shows it. */
export function networkInspectView(net: NetworkRow, endpoints: EndpointRow[], containers: Map<string, ContainerRow>) {
  const config = net.subnet ? [{ Subnet: net.subnet, ...(net.ipRange ? { IPRange: net.ipRange } : {}), Gateway: net.gateway }] : []
  const attached: Record<string, object> = {}
  for (const ep of endpoints) {
    attached[ep.containerId] = {
      Name: containers.get(ep.containerId)?.name ?? '',
      EndpointID: ep.id,
      MacAddress: ep.mac ?? '',
      IPv4Address: ep.ipv4 ? `${ep.ipv4}/${ep.prefixLen}` : '',
      IPv6Address: '',
    }
  }
  return {
    Name: net.name,
    Id: net.id,
    Created: net.created,
    Scope: net.scope,
    Driver: net.driver,
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: config },
    Internal: net.internal,
    Attachable: net.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: attached,
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
    IPv6: false,
    Internal: net.internal,
    Labels: Object.entries(net.labels).map(([k, v]) => `${k}=${v}`).join(','),
    CreatedAt: net.created,
  }
}
