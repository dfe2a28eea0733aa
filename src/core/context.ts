import type { AddressAllocator } from '../ipam/allocator.js'
import type { StateQueries } from '../projections/queries.js'

/**
 * Everything a decide function may depend on besides the request. Randomness and the clock
 * come in here so that the decision is a pure function of its inputs and is written into
 * the events, never recomputed on replay.
 */
export interface DecideContext {
  state: StateQueries
  newId: () => string
  now: string
  /** Where patchbay mounts the namespaces it creates. */
  netnsDir: string
  /** Where endpoint addresses come from; the projections' lowest free one when absent. */
  allocator?: AddressAllocator
}
