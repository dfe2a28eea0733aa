import type { NewEvent } from '../events/types.js'
import type { NetworkRow, StateQueries } from '../projections/queries.js'
import type { DecideContext } from './context.js'
import { UserError } from './errors.js'

export function findNetworkOrFail(ctx: DecideContext, ref: string): NetworkRow {
  const net = ctx.state.findNetwork(ref)
  if (!net) throw new UserError(`network ${ref} not found`)
  return net
}

/** A network can go only when nothing is attached: docker's rule, with docker's words. */
export function decideNetworkRemove(ref: string, ctx: DecideContext): NewEvent[] {
  const net = findNetworkOrFail(ctx, ref)
  if (net.builtin) throw new UserError(`${net.name} is a pre-defined network and cannot be removed`)
  const attached = ctx.state.endpointsOfNetwork(net.id)
  if (attached.length > 0) {
    // Docker's words; on a network spanning hosts, each name says where it is.
    const names =
      net.scope === 'global'
        ? attached.map((e) => `${e.containerName} on ${e.host}`)
        : ctx.state.containers().filter((c) => attached.some((e) => e.containerId === c.id)).map((c) => c.name)
    throw new UserError(
      `error while removing network: network ${net.name} has active endpoints (${names.join(', ')}); disconnect them first`,
    )
  }
  return [{ type: 'NetworkRemoved', payload: { id: net.id, name: net.name, driver: net.driver, bridge: net.bridge, driverState: net.driverState } }]
}

/** Networks `prune` removes: user networks with no endpoints. */
export function prunableNetworks(state: StateQueries): NetworkRow[] {
  return state.networks().filter((n) => !n.builtin && state.endpointsOfNetwork(n.id).length === 0)
}
