import { UserError } from '../../core/errors.js'
import type { DecideContext } from '../../core/context.js'

/** Refuses a bridge another network of this host already has. */
export function checkBridgeFree(bridge: string, ctx: DecideContext): string {
  const user = ctx.state.networks().find((n) => n.bridge === bridge)
  if (user) throw new UserError(`bridge ${bridge} is already used by network ${user.name}`)
  return bridge
}

/** The host end of an endpoint's veth pair, named from the endpoint id so that replay makes the same one. */
export function hostVethName(endpointId: string, ctx: DecideContext): string {
  for (let i = 0; ; i++) {
    const name = `veth${endpointId.slice(i, i + 7)}`
    if (!ctx.state.hostIfnameInUse(name)) return name
  }
}
