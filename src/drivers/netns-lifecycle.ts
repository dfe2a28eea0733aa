import type { ContainerCreated, ContainerRemoved } from '../events/types.js'
import type { KernelOps } from '../kernel/ops.js'
import type { UndoStack } from './kernel-session.js'

/**
 * A container's namespace: patchbay creates and deletes the ones it owns ('own'); adopted
 * ones (another runtime's path or PID) are used where they are and never deleted.
 */
export async function createContainerNetns(p: ContainerCreated, k: KernelOps, undo: UndoStack): Promise<void> {
  if (p.netnsKind !== 'own') return
  const path = p.netnsPath!
  const existed = k.isNetnsMount(path)
  k.createNetns(path)
  if (!existed) undo.push(() => k.deleteNetns(path))
  // Its interfaces are born with IPv6 off, as docker keeps them (loopback, already there, keeps ::1).
  k.disableIpv6(path, 'default')
  await k.upLoopback(path)
}

export async function removeContainerNetns(p: ContainerRemoved, k: KernelOps): Promise<void> {
  if (p.netnsKind !== 'own') return
  k.dropNetns(p.netnsPath!)
  k.deleteNetns(p.netnsPath!)
}
