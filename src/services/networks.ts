import type { ConnectRequest } from '../core/connect.js'
import type { NetworkCreateRequest } from '../core/network-create.js'
import type { StateQueries } from '../projections/queries.js'
import type { ServiceContext } from './context.js'

/** A new network as a user asks for it: the flags of `network create`, typed. */
export type CreateNetworkInput = Omit<NetworkCreateRequest, 'hostRoutes'>

/** Creates a network; resolves with its id. */
export async function createNetwork(cx: ServiceContext, input: CreateNetworkInput): Promise<{ id: string }> {
  const { decideNetworkCreate } = await import('../core/network-create.js')
  const { spansHosts } = await import('../drivers/registry.js')
  // Automatic subnets avoid the host's routes, read only when one is to be picked.
  const hostRoutes = input.subnet === undefined ? await cx.host.routes() : []
  // A network spanning hosts avoids every host's local names and subnets: one read of the store.
  const cluster = spansHosts(input.driver) ? await cx.session.cluster?.facts() : undefined
  const [created] = await cx.session.mutate('network create', (ctx) => decideNetworkCreate({ ...input, hostRoutes }, { ...ctx, cluster: cluster ?? ctx.cluster }), { actor: cx.actor })
  return { id: created!.type === 'NetworkCreated' ? created!.payload.id : '' }
}

/** Removes a network that has no endpoints. */
export async function removeNetwork(cx: ServiceContext, ref: string, command = 'network rm'): Promise<void> {
  const { decideNetworkRemove } = await import('../core/network-remove.js')
  await cx.session.mutate(command, (ctx) => decideNetworkRemove(ref, ctx), { actor: cx.actor })
}

/**
 * Removes every user network without endpoints; resolves with their names. Each removal is
 * decided again under the lock, so a network that gained an endpoint meanwhile stays, as
 * docker's prune leaves it.
 */
export async function pruneNetworks(cx: ServiceContext, state: StateQueries): Promise<string[]> {
  const { prunableNetworks } = await import('../core/network-remove.js')
  const removed: string[] = []
  for (const net of prunableNetworks(state)) {
    try {
      await removeNetwork(cx, net.id, 'network prune')
      removed.push(net.name)
    } catch {
      // In use by now.
    }
  }
  return removed
}

export async function connect(cx: ServiceContext, req: ConnectRequest): Promise<void> {
  const { decideConnect } = await import('../core/connect.js')
  await cx.session.mutate('network connect', (ctx) => decideConnect(req, ctx), { actor: cx.actor })
}

/** `force`: finish it in the tables even when the kernel refuses the teardown. */
export async function disconnect(cx: ServiceContext, req: { network: string; container: string; force: boolean }): Promise<void> {
  const { decideDisconnect } = await import('../core/disconnect.js')
  await cx.session.mutate('network disconnect', (ctx) => decideDisconnect(req, ctx), { force: req.force, actor: cx.actor })
}
