import type { DriverState } from '../../events/types.js'
import { IFNAME, IPV4 } from '../../events/formats.js'

/** The VNI range of a VXLAN header (24 bits; 0 is not used). */
export const MAX_VNI = 0xffffff

/** What an overlay network keeps in its driverState: its VNI and the VXLAN device that carries it. */
export interface OverlayNetworkState {
  vni: number
  vxlan: string
}

/**
 * What an overlay endpoint keeps: its network's VNI and device (EndpointConnected does not carry
 * the network's driverState, and replay must need no lookup) and the VTEP other hosts reach it at.
 */
export interface OverlayEndpointState extends OverlayNetworkState {
  vtep: string
}

/** The VXLAN device of a VNI: unique on a host because the VNI is unique in the cluster. */
export const vxlanName = (vni: number): string => `pbvx-${vni}`

/** An overlay network's state as its event holds it; the schema checks only its form, so its content is checked here. */
export function networkState(s: DriverState): OverlayNetworkState {
  const vni = s?.vni
  const vxlan = s?.vxlan
  if (typeof vni !== 'number' || !Number.isInteger(vni) || vni < 1 || vni > MAX_VNI || typeof vxlan !== 'string' || !IFNAME.test(vxlan)) {
    throw new Error(`overlay network state ${JSON.stringify(s)}: wants an integer vni (1-${MAX_VNI}) and a vxlan interface name`)
  }
  return { vni, vxlan }
}

export function endpointState(s: DriverState): OverlayEndpointState {
  const vtep = s?.vtep
  if (typeof vtep !== 'string' || !IPV4.test(vtep)) throw new Error(`overlay endpoint state ${JSON.stringify(s)}: wants an IPv4 vtep`)
  return { ...networkState(s), vtep }
}
