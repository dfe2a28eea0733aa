import type { Actor } from '../events/types.js'

/**
 * Where a command's output goes and who asked for it: this process's stdout and stderr, or
 * those of a client the daemon serves (src/daemon/), whose pid, uid and command line are then
 * the actor recorded with the events.
 */
export interface Io {
  out(text: string): void
  err(text: string): void
  /** The actor, where it is not this process. */
  actor?: Partial<Actor>
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
}
