import type { ContainerCreated, NetnsKind, NewEvent } from '../events/types.js'
import { driverFor } from '../drivers/registry.js'
import { planEndpoint } from './connect.js'
import type { DecideContext } from './context.js'
import { UserError } from './errors.js'
import { checkName } from './names.js'
import { findNetworkOrFail } from './network-remove.js'
import { type HostPortFacts, type PortRequest, decidePorts } from './ports.js'

/** A namespace made by another runtime, as found on the host before deciding. */
export interface AdoptedNetns {
  kind: 'path' | 'pid'
  path: string
  inode: number
  /** Set when patchbay made it for a container (of this root or another): its namespace file. */
  madeByPatchbay?: string
}

export interface ContainerCreateRequest {
  name?: string
  network: string
  ip?: string
  ip6?: string
  aliases: string[]
  adopt?: AdoptedNetns
  /** `-p`: ports to publish, checked against `hostPorts` (read only when there are some). */
  publish?: PortRequest[]
  hostPorts?: HostPortFacts
}

function checkContainerName(name: string, ctx: DecideContext): void {
  checkName('container', name)
  const holder = ctx.state.containerNamed(name)
  if (holder) {
    throw new UserError(
      `Conflict. The container name "/${name}" is already in use by container "${holder.id}". You have to remove (or rename) that container to be able to reuse that name.`,
    )
  }
}

/** `run` and `container create`: a container (a network namespace) and its first endpoint. */
export function decideContainerCreate(req: ContainerCreateRequest, ctx: DecideContext): NewEvent[] {
  const id = ctx.newId()
  const name = req.name ?? id.slice(0, 12)
  checkContainerName(name, ctx)
  const net = findNetworkOrFail(ctx, req.network)
  const sharesHost = driverFor(net.driver).sharesHost
  if (sharesHost && req.adopt) throw new UserError(`conflicting options: --net host and --${req.adopt.kind === 'pid' ? 'pid' : 'netns'}`)
  if (req.adopt) {
    const { path, inode, madeByPatchbay } = req.adopt
    const user = ctx.state.containers().find((c) => c.netnsInode === inode || (madeByPatchbay !== undefined && c.netnsPath === madeByPatchbay))
    if (user) throw new UserError(`the namespace at ${path} already belongs to container ${user.name}`)
    if (madeByPatchbay) throw new UserError(`the namespace at ${path} belongs to a container of another patchbay root (${madeByPatchbay})`)
  }
  const kind: NetnsKind = sharesHost ? 'host' : (req.adopt?.kind ?? 'own')
  const payload: ContainerCreated = {
    id,
    name,
    created: ctx.now,
    hostname: id.slice(0, 12),
    netnsKind: kind,
    netnsPath: kind === 'host' ? null : (req.adopt?.path ?? `${ctx.netnsDir}/${id}`),
    netnsInode: req.adopt?.inode ?? null,
    networkMode: net.name,
    ports: req.publish?.length ? decidePorts(req.publish, net, req.hostPorts!, ctx.state.containersWithPorts()) : [],
  }
  const endpoint = planEndpoint(net, payload, [], req, ctx)
  return [
    { type: 'ContainerCreated', payload },
    { type: 'EndpointConnected', payload: endpoint },
  ]
}
