import type { ContainerCreated, ContainerRemoved } from '../events/types.js'
import { createNetns, deleteNetns, isNetnsMount } from '../kernel/netns.js'
import { disableIpv6 } from '../kernel/sysctl.js'
import type { KernelSession, UndoStack } from './kernel-session.js'

/**
 * A container's namespace: patchbay creates and deletes the ones it owns ('own'); adopted
 * ones (another runtime's path or PID) are used where they are and never deleted.
 */
export async function createContainerNetns(p: ContainerCreated, k: KernelSession, undo: UndoStack): Promise<void> {
  if (p.netnsKind !== 'own') return
  const path = p.netnsPath!
  const existed = isNetnsMount(path)
  createNetns(path)
  if (!existed) undo.push(() => deleteNetns(path))
  // Its interfaces are born with IPv6 off, as docker keeps them (loopback, already there, keeps ::1).
  disableIpv6(path, 'default')
  await k.upLoopback(path)
}

export async function removeContainerNetns(p: ContainerRemoved, k: KernelSession): Promise<void> {
  if (p.netnsKind !== 'own') return
  k.dropNetns(p.netnsPath!)
  deleteNetns(p.netnsPath!)
}
