import type { AppState } from '../app/state.js'

/**
 * Something `patchbay daemon` runs for as long as it runs: the command server today; the
 * cluster watcher, a DNS resolver and an Engine API socket are services of the same kind.
 */
export interface DaemonService {
  readonly name: string
  /** Starts serving; resolves once it does (a service that cannot start throws). */
  start(daemon: Daemon): Promise<void>
  /** Stops: no new work taken, the work under way finished. */
  stop(): Promise<void>
}

/**
 * The resident process of one root: it owns the open state (no module keeps it) and hosts the
 * services, started in order and stopped in reverse. Every service changes things through the
 * same mutation path as a command, one change at a time under the host lock.
 */
export class Daemon {
  private readonly started: DaemonService[] = []
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly app: AppState,
    readonly log: (line: string) => void,
  ) {}

  async start(services: DaemonService[]): Promise<void> {
    try {
      for (const s of services) {
        await s.start(this)
        this.started.push(s)
      }
    } catch (err) {
      await this.stop()
      throw err
    }
  }

  /**
   * Runs `fn` after everything queued before it, alone: the open state is one connection,
   * whose transactions (the host lock) must not interleave between services. A failure of one
   * is its caller's; the queue goes on.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return run
  }

  async stop(): Promise<void> {
    for (const s of this.started.splice(0).reverse()) {
      try {
        await s.stop()
      } catch (err) {
        this.log(`patchbay daemon: stopping ${s.name}: ${(err as Error).message}`)
      }
    }
    await this.queue
  }
}
