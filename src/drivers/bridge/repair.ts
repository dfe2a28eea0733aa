import type { ObservedNetns } from '../../kernel/ops.js'
import type { EndpointRow, NetworkRow } from '../../projections/queries.js'
import { portIsolated } from './kernel.js'

/** What is wrong with a bridge network's bridge, or undefined when it is whole. */
export function bridgeProblem(net: NetworkRow, host: ObservedNetns, group: number): string | undefined {
  const link = host.links.find((l) => l.name === net.bridge)
  if (!link) return 'create'
  if (link.kind !== 'bridge') return `replace the ${link.kind ?? 'non-bridge'} link of that name` // ensureBridge will refuse: reported
  const cidr = `${net.gateway}/${net.subnet!.split('/')[1]}`
  const cidr6 = net.gateway6 && `${net.gateway6}/${net.subnet6!.split('/')[1]}`
  const has = (c: string) => host.addresses.some((a) => a.index === link.index && a.cidr === c)
  const problems = [
    !link.up && 'set up',
    !has(cidr) && `add gateway ${cidr}`,
    cidr6 && !has(cidr6) && `add gateway ${cidr6}`,
    link.mtu !== net.mtu && `set mtu ${net.mtu}`,
    link.group !== group && 'mark as patchbay\'s',
  ].filter((p): p is string => typeof p === 'string')
  return problems.length ? problems.join(', ') : undefined
}

/** Why an endpoint's veth pair must be rebuilt, or undefined when it is whole. */
export function vethProblem(ep: EndpointRow, host: ObservedNetns, inside: ObservedNetns): string | undefined {
  const hostEnd = host.links.find((l) => l.name === ep.hostIfname)
  if (!hostEnd) return 'veth missing'
  const peer = inside.links.find((l) => l.name === ep.ifname)
  if (!peer) return `${ep.ifname} missing in the container`
  const bridge = host.links.find((l) => l.name === ep.bridge)
  if (hostEnd.kind !== 'veth' || bridge === undefined || hostEnd.master !== bridge.index) return `${ep.hostIfname} not on ${ep.bridge}`
  if (peer.mac !== ep.mac) return `MAC is ${peer.mac}`
  if ((hostEnd.isolated === true) !== portIsolated(ep)) return `port isolation ${hostEnd.isolated ? 'on' : 'off'}`
  return undefined
}
