import { type RestoreAction, type RestorePlan, planRestore } from '../restore/plan.js'
import { KernelSession } from '../drivers/kernel-session.js'
import { observe } from '../restore/observe.js'
import { RestoreApplier } from '../restore/apply.js'
import type { AppState } from './state.js'

export interface RestoreResult {
  plan: RestorePlan
  /** Actions that failed, with the kernel's reason; the others were applied. */
  failures: { action: RestoreAction; error: string }[]
}

export interface RestoreOptions {
  dryRun: boolean
  /** Where a warning goes (a cluster store that cannot be reached). */
  warn: (text: string) => void
  /** Called after each action, applied or failed: drives the progress bar. */
  onProgress?: (done: number, total: number, action: RestoreAction, error?: string) => void
}

/**
 * Makes the kernel match the projections: observe, plan, apply. Holds the host-wide write
 * lock throughout so no mutation interleaves; writes nothing to the log.
 */
export async function restore(app: AppState, opts: RestoreOptions): Promise<RestoreResult> {
  const localHost = await catchUpWithCluster(app, opts)
  app.db.exec('BEGIN IMMEDIATE')
  try {
    const probe = new KernelSession(app.paths.linkGroup)
    let plan: RestorePlan
    try {
      const global = app.state.networks().filter((n) => n.scope === 'global')
      plan = planRestore(app.state, await observe(app.paths, app.state.containers(), probe, global), app.paths, localHost)
    } finally {
      probe.close()
    }
    const failures: RestoreResult['failures'] = []
    if (opts.dryRun) return { plan, failures }
    const applier = new RestoreApplier(app.state, app.paths)
    try {
      let done = 0
      for (const action of plan.actions) {
        let error: string | undefined
        try {
          await applier.apply(action)
        } catch (err) {
          error = (err as Error).message
          failures.push({ action, error })
        }
        opts.onProgress?.(++done, plan.actions.length, action, error)
      }
    } finally {
      applier.close()
    }
    return { plan, failures }
  } finally {
    app.db.exec('ROLLBACK')
  }
}

/**
 * A host of a cluster first takes in what the cluster's stream gained while it was down (its
 * effects are made as the events are imported), then restores the rest from its log. A store
 * that cannot be reached is reported; the log alone is restored. Resolves with this host's
 * name in its cluster, undefined for a host on its own.
 */
async function catchUpWithCluster(app: AppState, opts: RestoreOptions): Promise<string | undefined> {
  const { clusterLinkFor } = await import('../cluster/link.js')
  const link = clusterLinkFor(app.paths)
  if (!link) return undefined
  if (!opts.dryRun) {
    const kernel = new KernelSession(app.paths.linkGroup)
    try {
      await link.catchUp(app, kernel, opts.warn)
    } catch (err) {
      opts.warn(`Warning: ${(err as Error).message}; restoring from this host's log alone\n`)
    } finally {
      kernel.close()
      await link.close()
    }
  }
  return link.config.host
}
