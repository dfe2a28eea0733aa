import type { DriverName, StoredEvent, NewEvent } from '../events/types.js'
import { bridgeDriver } from './bridge.js'
import { type NetworkDriver, noKernelDriver } from './driver.js'
import type { KernelSession, UndoStack } from './kernel-session.js'
import { createContainerNetns, removeContainerNetns } from './netns-lifecycle.js'

const DRIVERS: Record<DriverName, NetworkDriver> = {
  bridge: bridgeDriver,
  host: noKernelDriver,
  null: noKernelDriver,
}

export function driverFor(name: DriverName): NetworkDriver {
  return DRIVERS[name]
}

/** Applies one decided event to the kernel, recording compensations on `undo`. */
export async function applyEvent(e: NewEvent | StoredEvent, k: KernelSession, undo: UndoStack): Promise<void> {
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
