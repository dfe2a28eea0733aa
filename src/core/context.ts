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
  /** Set when this host is part of a cluster: who it is, and what the other hosts hold. */
  cluster?: ClusterFacts
}

/** What a decision about a network spanning hosts needs to know of the cluster. */
export interface ClusterFacts {
  /** This host's name in the cluster. */
  host: string
  /** The address other hosts reach this one at (its VXLAN tunnel end point). */
  advertise: string
  /** Every other host's local networks: a global network takes none of their names or subnets. */
  otherHosts: { name: string; networks: { name: string; subnet: string | null }[] }[]
}
