import { TABLE_FAMILY, TABLE_NAME } from '../firewall/ruleset.js'
import { realFiles } from '../kernel/files.js'
import { Rtnl, deleteHostLinkInBackground } from '../kernel/netlink.js'
import { applyNftRuleset, listNftTable } from '../kernel/nft.js'
import { createNetns, deleteNetns, isNetnsMount } from '../kernel/netns.js'
import type { FileOps, KernelOps, LinkOps } from '../kernel/ops.js'
import { disableIpv6, enableIpv4Forwarding, enableIpv6, enableIpv6Forwarding } from '../kernel/sysctl.js'

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
 * The real kernel for one process (a command, or a batch of them): one netlink socket in the
 * host namespace (where patchbay runs) and one per container namespace touched, each opened
 * at most once, and what the session already made sure of.
 */
export class KernelSession implements KernelOps {
  private hostSock: Rtnl | undefined
  private readonly nsSocks = new Map<string, Rtnl>()
  /** Namespaces whose loopback this session brought up: `run` does it once, not again on connect. */
  private readonly loopbackUp = new Set<string>()
  firewallDirty = false
  readonly files: FileOps = realFiles
  /**
   * Devices this session has made sure of (up, gateway address on), by name, with their index:
   * the connects of a batch check each bridge once. Forgotten with the session's sockets, so a
   * failed mutation (whose undo may delete a bridge) leaves nothing stale behind.
   */
  readonly ensured = new Map<string, number>()

  /** Kernel changes still running on worker threads; settle() waits for them. */
  private readonly background: Promise<unknown>[] = []

  constructor(
    readonly linkGroup: number,
    readonly claimUnmarked = false,
  ) {}

  host(): LinkOps {
    this.hostSock ??= Rtnl.open()
    return this.hostSock
  }

  inNetns(path: string | null): LinkOps {
    if (path === null) return this.host()
    let sock = this.nsSocks.get(path)
    if (!sock) {
      sock = Rtnl.open(path)
      this.nsSocks.set(path, sock)
    }
    return sock
  }

  async upLoopback(path: string): Promise<void> {
    if (this.loopbackUp.has(path)) return
    await this.inNetns(path).setLinkUp('lo')
    this.loopbackUp.add(path)
  }

  createNetns(path: string): void {
    createNetns(path)
  }

  deleteNetns(path: string): void {
    deleteNetns(path)
  }

  isNetnsMount(path: string): boolean {
    return isNetnsMount(path)
  }

  disableIpv6(netnsPath: string, ifname: string): void {
    disableIpv6(netnsPath, ifname)
  }

  enableIpv6(netnsPath: string, ifname: string): void {
    enableIpv6(netnsPath, ifname)
  }

  enableIpv4Forwarding(): void {
    enableIpv4Forwarding()
  }

  enableIpv6Forwarding(): void {
    enableIpv6Forwarding()
  }

  applyFirewall(ruleset: string): string {
    applyNftRuleset(ruleset)
    return listNftTable(TABLE_FAMILY, TABLE_NAME) ?? ''
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
    this.ensured.clear()
    this.closeNamespaces()
    this.hostSock?.close()
    this.hostSock = undefined
  }
}
