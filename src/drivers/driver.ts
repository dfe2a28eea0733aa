import type { EndpointConnected, EndpointDisconnected, NetworkCreated, NetworkRemoved } from '../events/types.js'
import type { KernelSession, UndoStack } from './kernel-session.js'

/**
 * What a network driver does to the kernel for each event. Every method has ensure
 * semantics: applying the same event twice, or over a half-done attempt, converges.
 * Each step pushes its compensation onto `undo` before the next step runs.
 */
export interface NetworkDriver {
  createNetwork(p: NetworkCreated, k: KernelSession, undo: UndoStack): Promise<void>
  removeNetwork(p: NetworkRemoved, k: KernelSession, undo: UndoStack): Promise<void>
  connect(p: EndpointConnected, k: KernelSession, undo: UndoStack): Promise<void>
  disconnect(p: EndpointDisconnected, k: KernelSession, undo: UndoStack): Promise<void>
}

/** Drivers whose endpoints share a namespace that already exists (host) or have no link (null). */
export const noKernelDriver: NetworkDriver = {
  async createNetwork() {},
  async removeNetwork() {},
  async connect() {},
  async disconnect() {},
}
