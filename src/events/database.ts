import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs'
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
    // Owner-only from its first byte: SQLite gives the -wal and -shm files the same mode.
    closeSync(openSync(file, constants.O_CREAT | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600))
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
  migrate(db)
  return db
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
