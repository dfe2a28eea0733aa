import { existsSync } from 'node:fs'
import { type Paths, pathsFor } from '../config/paths.js'
import { decideBuiltins } from '../core/builtin-networks.js'
import { UserError } from '../core/errors.js'
import { storageProblem } from '../kernel/storage.js'
import { untrustedStateDir } from '../kernel/trusted-dir.js'
import { currentActor, currentHost } from '../events/actor.js'
import { type Db, openDatabase, openReadOnly } from '../events/database.js'
import { randomHex } from '../events/crypto.js'
import { type EventSchema, EventLog } from '../events/store.js'
import type { Actor, NewEvent, Origin, StoredEvent } from '../events/types.js'
import { readClusterConfig } from '../cluster/config.js'
import { createProjector } from '../projections/projectors.js'
import { StateQueries } from '../projections/queries.js'
import { withSnapshots } from '../projections/snapshots.js'

export const newId = (): string => randomHex(32)
export const nowIso = (): string => new Date().toISOString()

/** One command's handle on the state: the database, the log and the queries over projections. */
export interface AppState {
  paths: Paths
  db: Db
  log: EventLog
  state: StateQueries
  /**
   * Appends events with this process as the actor; the caller holds the transaction. `as`
   * overrides parts of it: the command line of one of apply's lines, or the whole actor of a
   * client the daemon serves.
   */
  append(events: NewEvent[], as?: Partial<Actor>, at?: { time?: string; origins?: (Origin | null)[] }): StoredEvent[]
  /** The actor recorded with events: this process, or what `as` says of it. */
  actor(as?: Partial<Actor>): Actor
  /** This host's name in its events (the cluster's name for it, when it is part of one). */
  host(): string
  /** Loads the event schema, which every append checks against: awaited before the first one. */
  loadSchema(): Promise<void>
  close(): void
}

/**
 * Opens the state under `root`. patchbay trusts only root and its own directories: a state
 * directory another user could change (or redirect) is refused before anything is opened.
 */
export async function openState(root: string, opts: { readOnly?: boolean } = {}): Promise<AppState> {
  const paths = pathsFor(root)
  const untrusted = untrustedStateDir(paths.root, process.getuid?.() ?? 0)
  if (untrusted) throw new UserError(`cannot keep patchbay state in ${paths.root}: ${untrusted}`)
  const { db, writable } = openLog(paths, opts.readOnly === true)
  let schema: EventSchema | undefined
  const log = new EventLog(db, withSnapshots(db, createProjector(db)), () => schema)
  // Looked up on the first append only: read commands never need it (getpwuid is not free).
  let who: Actor | undefined
  const app: AppState = {
    paths,
    db,
    log,
    state: new StateQueries(db),
    append: (events, as, at = {}) => log.append(events, { actor: app.actor(as), host: app.host(), time: at.time ?? nowIso(), origins: at.origins }),
    actor: (as) => {
      who ??= currentActor()
      return { ...who, ...as }
    },
    // Read at each append: a daemon joins its cluster (and takes its name there) after opening the state.
    host: () => readClusterConfig(paths)?.host ?? currentHost(),
    loadSchema: async () => {
      schema ??= await import('../events/schema.js')
    },
    close: () => db.close(),
  }
  if (writable) await ensureBuiltins(app)
  return app
}

/**
 * The log, opened as usual; or, for a command that only reads, on a file system that takes no
 * writes (read-only, full), opened read-only, so that reading still works where SQLite can.
 * A command that would change things is told what is wrong with the file system.
 */
function openLog(paths: Paths, readOnly: boolean): { db: Db; writable: boolean } {
  try {
    return { db: openDatabase(paths.db), writable: true }
  } catch (err) {
    const problem = storageProblem(paths.root)
    if (!problem) throw err
    if (!readOnly || !existsSync(paths.db)) throw new UserError(`cannot change patchbay state in ${paths.root}: ${problem}`)
    try {
      return { db: openReadOnly(paths.db), writable: false }
    } catch {
      throw new UserError(`cannot read patchbay state in ${paths.root}: ${problem}`)
    }
  }
}

/** A fresh root starts with docker's three networks, recorded as the log's first events. */
async function ensureBuiltins(app: AppState): Promise<void> {
  if (app.log.head().seq > 0) return
  await app.loadSchema()
  app.db
    .transaction(() => {
      if (app.log.head().seq === 0) app.append(decideBuiltins(newId, nowIso()))
    })
    .immediate()
}
