import type { NewEvent, StoredEvent } from '../events/types.js'
import type { KernelOps } from '../kernel/ops.js'
import type { UndoStack } from './kernel-session.js'
import { createContainerNetns, removeContainerNetns } from './netns-lifecycle.js'
import { driverFor } from './registry.js'

/** Applies one event to the kernel through its network's driver, recording compensations on `undo`. */
export async function applyEvent(e: NewEvent | StoredEvent, k: KernelOps, undo: UndoStack): Promise<void> {
  switch (e.type) {
    case 'NetworkCreated':
      return driverFor(e.payload.driver).createNetwork(e.payload, k, undo)
    case 'NetworkRemoved':
      return driverFor(e.payload.driver).removeNetwork(e.payload, k, undo)
    case 'ContainerCreated':
      return createContainerNetns(e.payload, k, undo)
    case 'ContainerRemoved':
      return removeContainerNetns(e.payload, k)
    case 'EndpointConnected':
      return driverFor(e.payload.driver).connect(e.payload, k, undo)
    case 'EndpointDisconnected':
      return driverFor(e.payload.driver).disconnect(e.payload, k, undo)
    case 'OperationFailed':
      return
  }
}
