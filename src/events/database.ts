import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { packageRoot } from '../config/package-root.js'

export type Db = Database.Database

/**
 * The addon's path, given directly: the fast path bundles better-sqlite3's JavaScript, and
 * the `bindings` lookup it would otherwise do walks the file system from the caller's stack.
 */
function nativeBinding(): string {
  return createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node')
}

/**
 * Opens the state database in WAL mode (readers never wait for the writer) and applies the
 * numbered SQL files in migrations/ that it has not seen yet, tracked by user_version.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 })
    createOwnerOnly(file)
  }
  const db = new Database(file, { nativeBinding: nativeBinding() })
  // Writers queue behind the host-wide lock (BEGIN IMMEDIATE) instead of failing at once.
  db.pragma('busy_timeout = 60000')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  // Reads through a memory map instead of a copy per page, for whole-log replays (rebuild,
  // verify); the gain measured was within this machine's noise. Capped by the library (2 GB);
  // writes still go through write(), so a crash cannot corrupt the file through the map.
  if (file !== ':memory:') db.pragma(`mmap_size = ${2 ** 31}`)
  // The first read maps the -shm file: where it cannot be made (a read-only or full file
  // system), fail here, where the caller can still open the log another way.
  db.prepare('SELECT count(*) FROM sqlite_master').get()
  migrate(db)
  return db
}

/** Owner-only from its first byte: SQLite gives the -wal and -shm files the same mode. */
function createOwnerOnly(file: string): void {
  if (fileSize(file) > 0) return
  try {
    closeSync(openSync(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}

/**
 * Opens the state database for reading only, where it cannot be opened as usual (a read-only
 * or full file system: WAL mode needs its -shm file): through SQLite's read-only mode when
 * the -shm file exists, else from a copy of the file in memory, which holds everything when
 * no -wal file has frames left in it. Never writes; migrations are not applied.
 */
export function openReadOnly(file: string): Db {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: nativeBinding() })
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    return db
  } catch (err) {
    if (fileSize(`${file}-wal`) > 0) throw err
    const image = readFileSync(file)
    // Bytes 18-19 of the header say WAL (2); a copy in memory has no -shm: say rollback (1).
    image[18] = image[19] = 1
    return new Database(image, { nativeBinding: nativeBinding() })
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/** The numbered SQL files newer than `after`; only their names are read for the rest. */
function migrationsAfter(after: number): { version: number; sql: string }[] {
  const dir = join(packageRoot(), 'migrations')
  return readdirSync(dir)
    .filter((f) => /^\d+_.*\.sql$/.test(f) && parseInt(f, 10) > after)
    .map((f) => ({ version: parseInt(f, 10), sql: readFileSync(join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version)
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number
  const pending = migrationsAfter(current)
  if (pending.length === 0) return
  db.transaction(() => {
    // Re-check inside the write lock: another process may have migrated meanwhile.
    const now = db.pragma('user_version', { simple: true }) as number
    for (const m of pending.filter((p) => p.version > now)) {
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    }
  }).immediate()
}
