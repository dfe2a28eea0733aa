import type { Db } from '../events/database.js'

/** Projection tables, children first so deletes respect foreign keys (loads go parents first). */
export const PROJECTION_TABLES = ['endpoints', 'containers', 'networks', 'hosts'] as const

export type ProjectionTable = (typeof PROJECTION_TABLES)[number]

/**
 * One table's rows in rowid order, each starting with its rowid (columns[0] is 'rowid').
 * Rowids are kept because they are insertion order, which queries without ORDER BY follow,
 * and because the next insert's rowid depends on them.
 */
export interface TableDump {
  columns: string[]
  rows: unknown[][]
}

export type ProjectionDump = Record<ProjectionTable, TableDump>

export function dumpProjections(db: Db): ProjectionDump {
  const dump = {} as ProjectionDump
  for (const t of PROJECTION_TABLES) {
    const stmt = db.prepare(`SELECT rowid, * FROM ${t} ORDER BY rowid`).raw(true)
    dump[t] = { columns: stmt.columns().map((c) => c.name), rows: stmt.all() as unknown[][] }
  }
  return dump
}

/** Fills empty projection tables from a dump, rowids included. */
export function loadProjections(db: Db, dump: ProjectionDump): void {
  for (const t of [...PROJECTION_TABLES].reverse()) {
    const { columns, rows } = dump[t]
    if (rows.length === 0) continue
    const insert = db.prepare(`INSERT INTO ${t} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
    for (const row of rows) insert.run(row)
  }
}

export function clearProjections(db: Db): void {
  for (const t of PROJECTION_TABLES) db.exec(`DELETE FROM ${t}`)
}

/** Each table's primary-key columns, the order in which projections are compared. */
export function projectionKeys(db: Db): Record<ProjectionTable, string[]> {
  const keys = {} as Record<ProjectionTable, string[]>
  for (const t of PROJECTION_TABLES) {
    const cols = db.prepare(`SELECT name, pk FROM pragma_table_info('${t}') WHERE pk > 0 ORDER BY pk`).all() as { name: string }[]
    keys[t] = cols.map((c) => c.name)
  }
  return keys
}

const show = (v: unknown): string => JSON.stringify(v)

/**
 * The first difference between what the log implies (`expected`) and what is stored
 * (`actual`): table by table, row by row in primary-key order, column by column. Rowids are
 * not compared: they are bookkeeping (VACUUM may renumber them), not facts.
 */
export function findDrift(expected: ProjectionDump, actual: ProjectionDump, keys: Record<ProjectionTable, string[]>): string | undefined {
  for (const t of [...PROJECTION_TABLES].reverse()) {
    const want = expected[t]
    const have = actual[t]
    if (want.columns.join() !== have.columns.join()) return `table ${t} has columns (${have.columns.slice(1)}), the log's replay has (${want.columns.slice(1)})`
    const keyIdx = keys[t].map((k) => want.columns.indexOf(k))
    const keyOf = (row: unknown[]): string => keyIdx.map((i) => String(row[i])).join('/')
    const label = (row: unknown[]): string => `${keys[t].join('/')}=${keyOf(row)}`
    const byKey = (a: unknown[], b: unknown[]): number => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0)
    const w = [...want.rows].sort(byKey)
    const h = [...have.rows].sort(byKey)
    for (let i = 0; i < Math.max(w.length, h.length); i++) {
      const [a, b] = [w[i], h[i]]
      if (!b || (a && byKey(a, b) < 0)) return `table ${t}: row ${label(a!)} is missing (the log has it)`
      if (!a || byKey(a, b) > 0) return `table ${t}: row ${label(b)} is not in the log`
      for (let c = 1; c < want.columns.length; c++) {
        if (a[c] !== b[c]) return `table ${t}, row ${label(a)}: ${want.columns[c]} is ${show(b[c])}, the log gives ${show(a[c])}`
      }
    }
  }
  return undefined
}
