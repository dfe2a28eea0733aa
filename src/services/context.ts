import type { HostFacts } from '../app/host-facts.js'
import type { MutationSession } from '../app/mutate.js'
import type { Actor } from '../events/types.js'

/**
 * What a service call runs with, whoever makes it (a command line, a line of apply, the
 * daemon, later an Engine API request): the session its changes go through, the host facts
 * it may read (once per process), and the actor to record where it is not this process.
 */
export interface ServiceContext {
  session: MutationSession
  host: HostFacts
  actor?: Partial<Actor>
}
