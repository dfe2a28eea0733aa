import type { ClusterLink } from '../cluster/link.js'
import type { Actor } from '../events/types.js'
import { type StateSource, openPerCommand } from './state-access.js'

/**
 * What a command runs with, from the process that runs it: where its output goes, who asked
 * for it, and where the state comes from. This process's stdout and stderr and a state opened
 * for the command; or, in the daemon (src/daemon/), a client's output, that client as the
 * actor recorded with the events (its pid, uid and command line), and the daemon's open state.
 */
export interface Io {
  out(text: string): void
  err(text: string): void
  /** The actor, where it is not this process. */
  actor?: Partial<Actor>
  state: StateSource
  /** The daemon's tie to its cluster; a command on its own makes its own when the root has one. */
  cluster?: ClusterLink
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  state: openPerCommand,
}
