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
  /** Called after each action, applied or failed: drives the progress bar. */
  onProgress?: (done: number, total: number, action: RestoreAction, error?: string) => void
}

/**
 * Makes the kernel match the projections: observe, plan, apply. Holds the host-wide write
 * lock throughout so no mutation interleaves; writes nothing to the log.
 */
export async function restore(app: AppState, opts: RestoreOptions): Promise<RestoreResult> {
  app.db.exec('BEGIN IMMEDIATE')
  try {
    const probe = new KernelSession(app.paths.linkGroup)
    let plan: RestorePlan
    try {
      plan = planRestore(app.state, await observe(app.paths, app.state.containers(), probe), app.paths)
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
