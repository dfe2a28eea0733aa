import type { ContainerCreateRequest } from '../core/container-create.js'
import type { ServiceContext } from './context.js'

/** Creates a container (a network namespace, or one adopted) on its first network; resolves with its id. */
export async function runContainer(cx: ServiceContext, req: ContainerCreateRequest): Promise<{ id: string }> {
  const { decideContainerCreate } = await import('../core/container-create.js')
  // The host's sockets and addresses are read only for a container that publishes ports.
  if (req.publish?.length) req = { ...req, hostPorts: await cx.host.ports() }
  const [created] = await cx.session.mutate('run', (ctx) => decideContainerCreate(req, ctx), { actor: cx.actor })
  return { id: created!.type === 'ContainerCreated' ? created!.payload.id : '' }
}

/** Disconnects a container from every network and forgets it. `force`: even when the kernel refuses part of it. */
export async function removeContainer(cx: ServiceContext, ref: string, force: boolean): Promise<void> {
  const { decideContainerRemove } = await import('../core/container-remove.js')
  await cx.session.mutate('rm', (ctx) => decideContainerRemove(ref, ctx), { force, actor: cx.actor })
}
