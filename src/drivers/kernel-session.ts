import { Rtnl, deleteHostLinkInBackground } from '../kernel/netlink.js'

/** Compensating actions, run newest first when a later step of the same mutation fails. */
export class UndoStack {
  private readonly steps: (() => Promise<unknown> | unknown)[] = []

  push(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step)
  }

  /** Runs every compensation; one that fails does not stop the others. */
  async unwind(): Promise<string[]> {
    const failures: string[] = []
    for (const step of this.steps.reverse()) {
      try {
        await step()
      } catch (err) {
        failures.push((err as Error).message)
      }
    }
    this.steps.length = 0
    return failures
  }
}

/**
 * The netlink sockets of one process (a command, or a batch of them): one in the host
 * namespace (where patchbay runs) and one per container namespace touched, each opened at most
 * once, and what the session already made sure of in the kernel.
 */
export class KernelSession {
  private hostSock: Rtnl | undefined
  private readonly nsSocks = new Map<string, Rtnl>()
  /** Namespaces whose loopback this session brought up: `run` does it once, not again on connect. */
  private readonly loopbackUp = new Set<string>()
  /** Set when bridges came or went, so the firewall table is re-rendered once at the end. */
  firewallDirty = false
  /**
   * Bridges this session has made sure of (up, gateway address on), by name, with their index:
   * the connects of a batch check each bridge once. Forgotten with the session's sockets, so a
   * failed mutation (whose undo may delete a bridge) leaves nothing stale behind.
   */
  readonly bridges = new Map<string, number>()

  /** Kernel changes still running on worker threads; settle() waits for them. */
  private readonly background: Promise<unknown>[] = []

  /**
   * linkGroup: stamped on every link created in the host namespace (see Paths.linkGroup).
   * claimUnmarked: restore's session, which takes over a bridge of the log's name even when it
   * lacks the stamp (made by an older build); everyone else refuses such a bridge.
   */
  constructor(
    readonly linkGroup: number,
    readonly claimUnmarked = false,
  ) {}

  host(): Rtnl {
    this.hostSock ??= Rtnl.open()
    return this.hostSock
  }

  inNetns(path: string | null): Rtnl {
    if (path === null) return this.host()
    let sock = this.nsSocks.get(path)
    if (!sock) {
      sock = Rtnl.open(path)
      this.nsSocks.set(path, sock)
    }
    return sock
  }

  /** Brings up lo in the namespace at path (once per session and namespace). */
  async upLoopback(path: string): Promise<void> {
    if (this.loopbackUp.has(path)) return
    await this.inNetns(path).setLinkUp('lo')
    this.loopbackUp.add(path)
  }

  /**
   * Deletes a host link (and, for a veth, its peer) while the mutation goes on; the mutation
   * awaits settle() before it commits, so the log still follows the kernel.
   */
  deleteHostLinkSoon(name: string): void {
    const done = deleteHostLinkInBackground(name)
    done.catch(() => {}) // reported by settle()
    this.background.push(done)
  }

  /** Waits for the background changes; throws the first failure, after all have ended. */
  async settle(): Promise<void> {
    const results = await Promise.allSettled(this.background.splice(0))
    const failed = results.find((r) => r.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
  }

  /** Forget (and close) the socket of a namespace that is going away. */
  dropNetns(path: string): void {
    this.nsSocks.get(path)?.close()
    this.nsSocks.delete(path)
    this.loopbackUp.delete(path)
  }

  /**
   * Closes the sockets into container namespaces, keeping the host's: between the mutations
   * of a batch, so a thousand containers do not hold a thousand descriptors.
   */
  closeNamespaces(): void {
    for (const s of this.nsSocks.values()) s.close()
    this.nsSocks.clear()
    this.loopbackUp.clear()
  }

  close(): void {
    this.bridges.clear()
    this.closeNamespaces()
    this.hostSock?.close()
    this.hostSock = undefined
  }
}
