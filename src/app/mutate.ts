import type { DecideContext } from '../core/context.js'
import { UserError } from '../core/errors.js'
import { affectedBy, containersToRewrite, syncHostsFiles } from '../effects/derived-state.js'
import { KernelSession, UndoStack } from '../drivers/kernel-session.js'
import { type ClusterLink, StaleStream } from '../cluster/link.js'
import { runEffects } from '../effects/run-effects.js'
import { newestEventBroken } from '../events/head-check.js'
import type { Actor, NewEvent, StoredEvent } from '../events/types.js'
import { crashPoint } from '../kernel/crash-point.js'
import { ensurePrivateDir } from '../kernel/trusted-dir.js'
import { type AppState, newId, nowIso } from './state.js'

export type Decide = (ctx: DecideContext) => NewEvent[]

/** A kernel step failed; its partial changes were undone and the failure is in the log. */
export class KernelFailure extends Error {}

export interface MutateOptions {
  /** Finish the change in the tables even when the kernel refuses a step (docker's --force). */
  force?: boolean
  /**
   * Who to record as the actor where it is not this process: a line of apply (its own words as
   * argv), or the client a daemon serves (its pid, uid and command line).
   */
  actor?: Partial<Actor>
}

/**
 * How long a decision is made again while other hosts keep changing the cluster first, and the
 * longest pause between tries (each pause is random up to a bound that doubles from 4 ms): hosts
 * that collided spread out instead of colliding again in step.
 */
const CLAIM_PATIENCE_MS = 20_000
const CLAIM_MAX_PAUSE_MS = 250

/**
 * Mutations of one process: one database, one set of netlink sockets. Each mutation is still
 * on its own (its own transaction, events and error), exactly as if it were a command of its own.
 *
 * With deferHostsFiles (a batch), a mutation leaves the hosts files of the containers it
 * touched to flushHostsFiles, once for the whole batch: a connect on a network of N
 * containers changes N files, so rewriting them per operation makes a batch quadratic. Only
 * the hosts files wait: the firewall still follows every bridge at once (isolation must never
 * lag), and resolv files are written with their container. A crash before the flush leaves
 * stale hosts files, which `restore` rewrites from the tables like any other drift.
 */
export class MutationSession {
  private readonly kernel: KernelSession
  private readonly pending = { containers: new Set<string>(), networks: new Set<string>() }
  /** Where warnings go: this process's stderr, or the client's when a daemon serves one. */
  private readonly warn: (text: string) => void
  /** Whether this session checked the newest event of the log (once: the rest it appended itself). */
  private headChecked = false

  constructor(
    private readonly app: AppState,
    private readonly opts: { deferHostsFiles?: boolean; warn?: (text: string) => void; cluster?: ClusterLink } = {},
  ) {
    ensurePrivateDir(app.paths.run)
    this.kernel = new KernelSession(app.paths.linkGroup)
    this.warn = opts.warn ?? ((text) => void process.stderr.write(text))
  }

  /**
   * The one path by which anything changes, holding the host-wide write lock (SQLite's BEGIN
   * IMMEDIATE) from decision to commit:
   *
   *   decide → claim → append (and project) → effects (drivers, then reactors) → commit
   *
   * Bad input throws from decide, before anything changes. Claims make the decision's unique
   * choices hold: locally the host lock (the transaction) is the claim; events about networks
   * spanning hosts are also appended to the cluster's stream by compare-and-set, and when
   * another host got there first, this host catches up and decides again. The events are
   * appended before the kernel is touched, in the same uncommitted transaction, so the drivers
   * and reactors see the state after them; if any kernel step fails, the transaction is rolled
   * back, the kernel changes are undone, and the failure is recorded as an OperationFailed event.
   */
  async mutate(command: string, decide: Decide, opts: MutateOptions = {}): Promise<StoredEvent[]> {
    const { app, kernel } = this
    const { cluster } = this.opts
    const undo = new UndoStack()
    await app.loadSchema()
    let stored: StoredEvent[]
    const started = Date.now()
    for (let attempt = 1; ; attempt++) {
      app.db.exec('BEGIN IMMEDIATE')
      this.checkHead()
      try {
        const now = nowIso()
        const events = decide({ state: app.state, newId, now, netnsDir: app.paths.netnsDir, cluster: cluster?.localFacts() })
        const origins = cluster ? await cluster.claim(events, { app, actor: app.actor(opts.actor), time: now }) : undefined
        // Validated here: a malformed event never reaches the kernel, let alone the log.
        stored = app.append(events, opts.actor, { time: now, origins })
        break
      } catch (err) {
        app.db.exec('ROLLBACK')
        if (!(err instanceof StaleStream)) throw err
        const waited = Date.now() - started
        if (waited > CLAIM_PATIENCE_MS) {
          throw new UserError(`other hosts changed the cluster first ${attempt} times in ${(waited / 1000).toFixed(0)} s while this host decided: try again when fewer changes run at once`)
        }
        // Another host appended first: take in what it decided, and decide again.
        await cluster!.catchUpAfter(err, app, kernel, this.warn)
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(CLAIM_MAX_PAUSE_MS, 2 ** (attempt + 1))))
      }
    }
    try {
      // With --force a kernel step that fails is reported and the change still made.
      const step = async (run: () => Promise<unknown>) => {
        try {
          await run()
        } catch (err) {
          if (!opts.force) throw err
          this.warn(`Warning: ${(err as Error).message} (ignored: --force)\n`)
        }
      }
      await runEffects(stored, { state: app.state, paths: app.paths, kernel, undo, deferHostsFiles: this.opts.deferHostsFiles === true, localHost: cluster?.config.host }, step)
      await step(() => kernel.settle())
      crashPoint()
      app.db.exec('COMMIT')
      if (this.opts.deferHostsFiles) {
        const affected = affectedBy(stored)
        for (const id of affected.containers) this.pending.containers.add(id)
        for (const id of affected.networks) this.pending.networks.add(id)
      }
      kernel.closeNamespaces()
      return stored
    } catch (err) {
      await kernel.settle().catch(() => {}) // the undo must not race a deletion still running
      // Roll the tables back first: compensations that re-render from them see the old state.
      if (app.db.inTransaction) app.db.exec('ROLLBACK')
      const leftovers = await undo.unwind()
      // Start the next mutation on fresh sockets: none into a namespace the undo just deleted.
      kernel.close()
      kernel.firewallDirty = false
      const message = (err as Error).message
      this.recordFailure(command, leftovers.length ? `${message}; undo also failed: ${leftovers.join('; ')}` : message, opts.actor)
      if (err instanceof UserError) throw err
      const note = leftovers.length ? 'some changes could not be undone, see patchbay events' : 'changes undone'
      throw new KernelFailure(`${message} (${note})`)
    }
  }

  /** The cluster this host belongs to, if any: what services ask for facts of the other hosts. */
  get cluster(): ClusterLink | undefined {
    return this.opts.cluster
  }

  /** Once per session, inside its first transaction: is the newest event of the log what was written? */
  private checkHead(): void {
    if (this.headChecked) return
    this.headChecked = true
    const broken = newestEventBroken(this.app.db)
    // Appending still goes on: the break stays where it is, for audit verify to show.
    if (broken) this.warn(`Warning: the event log was changed outside patchbay: ${broken}; run patchbay audit verify\n`)
  }

  /**
   * Rewrites the hosts files that deferred mutations left behind, from the tables as they are
   * now (other processes' changes included), holding the write lock like a mutation would.
   */
  flushHostsFiles(): void {
    if (this.pending.containers.size === 0) return
    const { app } = this
    app.db
      .transaction(() => syncHostsFiles(app.state, app.paths, this.kernel, containersToRewrite(this.pending, app.state)))
      .immediate()
    this.pending.containers.clear()
    this.pending.networks.clear()
  }

  close(): void {
    this.kernel.close()
  }

  private recordFailure(command: string, error: string, actor: Partial<Actor> | undefined): void {
    this.app.db.transaction(() => this.app.append([{ type: 'OperationFailed', payload: { command, error } }], actor)).immediate()
  }
}

/** One mutation on its own: a command that changes one thing. */
export async function mutate(app: AppState, command: string, decide: Decide, opts: MutateOptions = {}): Promise<StoredEvent[]> {
  const session = new MutationSession(app)
  try {
    return await session.mutate(command, decide, opts)
  } finally {
    session.close()
  }
}
