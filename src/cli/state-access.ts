import { resolve } from 'node:path'
import type { AppState } from '../app/state.js'
import { UserError } from '../core/errors.js'
import type { StateQueries } from '../projections/queries.js'

/**
 * Opens the state for a command. `needsRoot` names a command that changes the kernel: it
 * refuses to start without root, before touching anything. A command that neither needs root
 * nor `writes` only reads, and may read a state its file system no longer lets it write.
 */
export async function openApp(root: string, needsRoot?: string, writes = needsRoot !== undefined): Promise<AppState> {
  if (needsRoot && process.getuid?.() !== 0) throw new UserError(`patchbay ${needsRoot} needs root to change network namespaces (try sudo)`)
  const { openState } = await import('../app/state.js')
  try {
    return await openState(root, { readOnly: !writes })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    // Opening the log writes to it (WAL, migrations): reading needs write access too.
    if (code === 'EACCES' || code?.startsWith('SQLITE_CANTOPEN') || code?.startsWith('SQLITE_READONLY')) {
      throw new UserError(`cannot open patchbay state in ${root}: permission denied (run as root, or give --root a directory you own)`)
    }
    throw err
  }
}

/** The state a long-running process (the daemon) keeps open for every command on its root. */
let resident: AppState | undefined

export function keepOpen(app: AppState | undefined): void {
  resident = app
}

/** Runs `fn` with the state open, closing it afterwards (unless it is the resident one). */
export async function withApp<T>(root: string, fn: (app: AppState) => Promise<T> | T, needsRoot?: string, writes?: boolean): Promise<T> {
  if (resident && resident.paths.root === resolve(root)) return fn(resident)
  const app = await openApp(root, needsRoot, writes)
  try {
    return await fn(app)
  } finally {
    app.close()
  }
}

/** Runs `fn` over the live projections, or with `at` over the state as it was then. */
export function withState<T>(root: string, at: string | undefined, fn: (state: StateQueries) => T): Promise<T> {
  return withApp(root, async (app) => {
    if (at === undefined) return fn(app.state)
    const { stateAt } = await import('../app/state-at.js')
    const replay = stateAt(app.db, at)
    try {
      return fn(replay.state)
    } finally {
      replay.close()
    }
  })
}
