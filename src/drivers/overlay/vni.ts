import type { DecideContext } from '../../core/context.js'
import { UserError } from '../../core/errors.js'
import { MAX_VNI, networkState } from './state.js'

/** docker's option for an overlay's VNI (a list there, one per subnet; one subnet here). */
export const VNI_OPTION = 'com.docker.network.driver.overlay.vxlanid_list'

/** Where libnetwork starts handing out VNIs of its own choosing. */
const FIRST_VNI = 256

/**
 * The VNI of a new overlay network: the one its options name, or the lowest free from 256.
 * Free among the overlay networks this host knows (every host imports the global ones); the
 * cluster store's compare-and-set settles two hosts choosing the same one at once.
 */
export function chooseVni(options: Record<string, string>, ctx: DecideContext): number {
  const used = new Map(
    ctx.state
      .networks()
      .filter((n) => n.driver === 'overlay')
      .map((n) => [networkState(n.driverState).vni, n.name]),
  )
  const text = options[VNI_OPTION]
  if (text === undefined) {
    let vni = FIRST_VNI
    while (used.has(vni)) vni++
    return vni
  }
  const vni = /^[0-9]+$/.test(text) ? Number(text) : NaN
  if (!(vni >= 1 && vni <= MAX_VNI)) throw new UserError(`invalid ${VNI_OPTION} ${text}: must be an integer from 1 to ${MAX_VNI}`)
  const user = used.get(vni)
  if (user !== undefined) throw new UserError(`vxlan id ${vni} is already used by network ${user}`)
  return vni
}
