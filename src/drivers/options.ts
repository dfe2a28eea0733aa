import { UserError } from '../core/errors.js'

/** docker's driver-generic MTU option, which every driver with links takes. */
export const MTU_OPTION = 'com.docker.network.driver.mtu'

/** The MTU a network's options ask for, or `fallback`. */
export function mtuOption(options: Record<string, string>, fallback: number): number {
  const text = options[MTU_OPTION]
  if (text === undefined) return fallback
  const mtu = Number(text)
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new UserError(`invalid ${MTU_OPTION} ${text}: must be an integer from 68 to 65535`)
  return mtu
}

const IFNAME = /^[a-zA-Z0-9_.-]{1,15}$/

/** A Linux interface name a user chose (it reaches netlink and nftables): at most 15 of [a-zA-Z0-9_.-]. */
export function checkIfname(option: string, name: string): string {
  if (!IFNAME.test(name)) throw new UserError(`invalid ${option} ${name}: at most 15 of [a-zA-Z0-9_.-]`)
  return name
}
