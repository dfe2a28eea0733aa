import type { Paths } from '../config/paths.js'
import type { RestoreAction } from './plan.js'
import { ensurePrivateDir } from '../kernel/trusted-dir.js'
import type { StateQueries } from '../projections/queries.js'
import { syncFirewall } from '../effects/derived-state.js'
import { driverFor } from '../drivers/registry.js'
import { KernelSession, UndoStack } from '../drivers/kernel-session.js'
import { createContainerNetns } from '../drivers/netns-lifecycle.js'

/**
 * Carries out restore's plan through the same drivers that mutations use, so a rebuilt
 * bridge, namespace or endpoint is made exactly as the first time (names, addresses, MACs).
 * Restore has no compensation to run (it only moves the kernel towards the log), so the
 * drivers' undo steps are collected and dropped.
 */
export class RestoreApplier {
  private readonly k: KernelSession

  constructor(
    private readonly state: StateQueries,
    private readonly paths: Paths,
  ) {
    ensurePrivateDir(paths.run)
    this.k = new KernelSession(paths.linkGroup, true)
  }

  async apply(a: RestoreAction): Promise<void> {
    const k = this.k
    const ignored = new UndoStack()
    switch (a.kind) {
      case 'delete-link':
        await k.host().deleteLink(a.name)
        return
      case 'delete-netns':
        k.dropNetns(a.path)
        k.deleteNetns(a.path)
        return
      case 'remove-file':
        k.files.remove(a.path)
        return
      case 'ensure-network':
        return driverFor(a.network.driver).repairNetwork(a.network, a.local, k)
      case 'create-netns':
        return createContainerNetns(a.container, k, ignored)
      case 'connect':
        return driverFor(a.endpoint.driver).connect(a.endpoint, k, ignored)
      case 'add-address': {
        const inside = k.inNetns(a.netnsPath)
        await inside.ensureAddress((await inside.linkIndex(a.ifname))!, a.cidr)
        return
      }
      case 'link-up':
        return k.inNetns(a.netnsPath).setLinkUp(a.ifname)
      case 'default-route': {
        const inside = k.inNetns(a.netnsPath)
        await inside.setDefaultRoute(a.gateway, a.ifname)
        if (a.gateway6) await inside.setDefaultRoute(a.gateway6, a.ifname)
        return
      }
      case 'delete-default-route':
        await k.inNetns(a.netnsPath).deleteDefaultRoute()
        return
      case 'firewall':
        return syncFirewall(this.state, this.paths, k)
      case 'forwarding':
        return k.enableIpv4Forwarding()
      case 'write-file':
        k.files.write(a.path, a.content)
        return
      case 'join-peer':
        return driverFor(a.network.driver).joinRemote(a.network, a.peer, k)
      case 'leave-peer':
        return driverFor(a.network.driver).leaveRemote(a.network, a.peer, k)
    }
  }

  close(): void {
    this.k.close()
  }
}
