/**
 * A log written by an earlier build (test/fixtures/log-v1.sql, made by make-log-v1.sh) must
 * open with today's migrations, pass `audit verify` (its hash chain covers the stored bytes,
 * which are never rewritten) and replay to exactly the tables that build left.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyLog } from '../../src/app/audit-verify.js'
import { openDatabase } from '../../src/events/database.js'
import { rebuildProjections } from '../../src/projections/rebuild.js'
import { dumpProjections } from '../../src/projections/tables.js'

const FIXTURE = new URL('../fixtures/log-v1.sql', import.meta.url)

describe('a log written by the build before event schema versions', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const open = () => {
    dir = mkdtempSync(join(tmpdir(), 'pbfix-'))
    const file = join(dir, 'patchbay.db')
    const raw = new Database(file)
    raw.exec(readFileSync(FIXTURE, 'utf8'))
    raw.close()
    return openDatabase(file)
  }

  it('passes audit verify: chain, snapshots and tables', async () => {
    const db = open()
    const report = await verifyLog(db)
    expect(report.failure).toBeUndefined()
    expect(report.checked).toBe(27)
    db.close()
  })

  it('replays to the tables it left, row for row', async () => {
    const db = open()
    const before = dumpProjections(db)
    expect(await rebuildProjections(db)).toBe(27)
    expect(dumpProjections(db)).toEqual(before)
    db.close()
  })
})
