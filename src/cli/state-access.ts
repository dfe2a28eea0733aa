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

/**
 * Where a command gets the state from: opened for it and closed after it (a process per
 * command), or the state a long-running process keeps open for its root (the daemon's).
 */
export interface StateSource {
  /** Runs `fn` with the state of `root` open (see openApp for needsRoot and writes). */
  withApp<T>(root: string, fn: (app: AppState) => Promise<T> | T, needsRoot?: string, writes?: boolean): Promise<T>
}

/** The state opened for each command and closed after it. */
export const openPerCommand: StateSource = {
  async withApp(root, fn, needsRoot, writes) {
    const app = await openApp(root, needsRoot, writes)
    try {
      return await fn(app)
    } finally {
      app.close()
    }
  },
}

/** The daemon's open state for its own root; any other root is opened per command. */
export function residentState(app: AppState): StateSource {
  return {
    withApp: (root, fn, needsRoot, writes) => (app.paths.root === resolve(root) ? Promise.resolve(fn(app)) : openPerCommand.withApp(root, fn, needsRoot, writes)),
  }
}

/** Runs `fn` over the live projections, or with `at` over the state as it was then. */
export function withState<T>(source: StateSource, root: string, at: string | undefined, fn: (state: StateQueries) => T): Promise<T> {
  return source.withApp(root, async (app) => {
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
