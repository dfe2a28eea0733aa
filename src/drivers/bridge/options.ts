import { UserError } from '../../core/errors.js'
import { parseIp } from '../../ipam/cidr.js'

export const NAME_OPTION = 'com.docker.network.bridge.name'
export const ICC_OPTION = 'com.docker.network.bridge.enable_icc'
export const MASQUERADE_OPTION = 'com.docker.network.bridge.enable_ip_masquerade'
export const HOST_BINDING_OPTION = 'com.docker.network.bridge.host_binding_ipv4'

/** What a bridge network's options ask for, with docker's defaults. */
export interface BridgeSettings {
  /** Containers on the network reach each other (inter-container communication). */
  icc: boolean
  /** What leaves the host from the network carries the host's address. */
  masquerade: boolean
  /** The host address a published port without one binds to ('0.0.0.0': every address). */
  hostBindingIpv4: string
}

/** Go's strconv.ParseBool, which docker parses these options with. */
function parseBool(option: string, text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false
  throw new UserError(`invalid ${option} ${text}: must be true or false`)
}

export function bridgeSettings(options: Record<string, string>): BridgeSettings {
  const flag = (option: string) => (options[option] === undefined ? true : parseBool(option, options[option]))
  const hostBindingIpv4 = options[HOST_BINDING_OPTION] ?? '0.0.0.0'
  if (parseIp(hostBindingIpv4) === undefined) throw new UserError(`invalid ${HOST_BINDING_OPTION} ${hostBindingIpv4}: must be an IPv4 address`)
  return { icc: flag(ICC_OPTION), masquerade: flag(MASQUERADE_OPTION), hostBindingIpv4 }
}
