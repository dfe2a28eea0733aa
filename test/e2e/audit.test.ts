/**
 * Tamper evidence, time travel and rebuilding the projections, as a user meets them: the
 * seed walkthrough replayed with `audit head` and every view recorded after each step, then
 * `--at` compared with what was printed live; event rows edited, deleted, inserted and
 * reordered with the sqlite3 tool and `audit verify` naming each; `admin rebuild` giving
 * back the same tables.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EventRow, eventHash } from '../../src/events/hash.js'
import { BIN, NOT_ROOT_MESSAGE, type AsyncSandbox, cmd, createAsyncSandbox, isRoot, parseJsonLines } from './sandbox.js'

interface Step {
  label: string
  seq: number
  /** Each view's argv and what it printed live after this step. */
  views: { argv: string[]; out: string }[]
}

/** The seed walkthrough's state changes, in order (pings change nothing and are left out). */
const WALKTHROUGH: { label: string; argv: string[]; refused?: boolean }[] = [
  { label: 'run container1', argv: ['run', '--name=container1'] },
  { label: 'run container2', argv: ['run', '--name=container2'] },
  { label: 'network create isolated_nw', argv: ['network', 'create', '-d', 'bridge', 'isolated_nw'] },
  { label: 'run container3 on isolated_nw', argv: ['run', '--net=isolated_nw', '--name=container3'] },
  { label: 'connect container2 to isolated_nw', argv: ['network', 'connect', 'isolated_nw', 'container2'] },
  { label: 'network rm refused while in use', argv: ['network', 'rm', 'isolated_nw'], refused: true },
  { label: 'disconnect container2', argv: ['network', 'disconnect', 'isolated_nw', 'container2'] },
  { label: 'rm container3', argv: ['rm', 'container3'] },
  { label: 'network rm isolated_nw', argv: ['network', 'rm', 'isolated_nw'] },
]

const HEAD_LINE = /^(\d+):([0-9a-f]{64})\n$/
/** The two tests that run the CLI some fifty times each. */
const MANY_RUNS_MS = 300_000

describe.skipIf(!isRoot)(`audit and time travel ${isRoot ? '' : `— skipped: ${NOT_ROOT_MESSAGE}`}`, () => {
  let sb: AsyncSandbox
  const dbFile = (root = sb.root): string => join(root, 'patchbay.db')

  async function sqlite(file: string, sql: string, json = false): Promise<string> {
    const r = await cmd(['sqlite3', ...(json ? ['-json'] : []), file, sql])
    expect(r.code, `sqlite3 ${sql}\n${r.stderr}`).toBe(0)
    return r.stdout
  }
  const row = async (file: string, seq: number): Promise<EventRow> =>
    (JSON.parse(await sqlite(file, `SELECT seq, time, type, schema, host, actor, origin_host, origin_seq, payload, prev_hash, hash FROM events WHERE seq = ${seq}`, true)) as EventRow[])[0]!
  const quote = (v: string | number): string => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`)
  const projectionDump = (root = sb.root): Promise<string> => sqlite(dbFile(root), '.dump networks containers endpoints')
  const head = async (): Promise<{ seq: number; hash: string }> => JSON.parse(await sb.ok(['audit', 'head', '--format', 'json']))

  /** A copy of the state root (the sqlite3 backup API: consistent also in WAL mode). */
  async function copyOfState(): Promise<string> {
    const root = mkdtempSync(join(tmpdir(), 'pbt-audit-'))
    sb.defer(() => rmSync(root, { recursive: true, force: true }))
    await sqlite(dbFile(), `.backup '${dbFile(root)}'`)
    return root
  }
  const verifyFails = async (root: string, args: string[] = []): Promise<string> => {
    const r = await sb.run(['audit', 'verify', '--root', root, ...args])
    expect(r.code, r.stdout).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1)
    return r.stderr.trim()
  }

  beforeAll(() => {
    sb = createAsyncSandbox('audit')
  })
  afterAll(() => sb?.cleanup())

  describe('time travel', () => {
    const steps: Step[] = []

    async function record(label: string): Promise<void> {
      const nets = (await sb.ok(['network', 'ls', '--format', '{{.Name}}'])).trim().split('\n')
      const ctrs = (await sb.ok(['ps', '--format', '{{.Names}}'])).trim().split('\n').filter(Boolean)
      const argvs = [['network', 'ls'], ['network', 'inspect', ...nets], ['container', 'ls'], ...(ctrs.length ? [['inspect', ...ctrs]] : [])]
      const views = []
      for (const argv of argvs) views.push({ argv, out: await sb.ok(argv) })
      steps.push({ label, seq: (await head()).seq, views })
    }

    it('replays the walkthrough, recording audit head and every view after each step', async () => {
      await record('fresh host')
      for (const step of WALKTHROUGH) {
        if (step.refused) expect((await sb.run(step.argv)).code).toBe(1)
        else await sb.ok(step.argv)
        await record(step.label)
      }
      expect(steps.map((s) => s.seq)).toEqual([3, 5, 7, 8, 10, 11, 11, 12, 14, 15])
      expect(steps[5]!.views.map((v) => v.argv.join(' '))).toEqual([
        'network ls',
        'network inspect bridge host none isolated_nw',
        'container ls',
        'inspect container1 container2 container3',
      ])
    }, MANY_RUNS_MS)

    it('--at seq:N prints at every step exactly what the live commands printed then', async () => {
      expect(steps).toHaveLength(WALKTHROUGH.length + 1)
      for (const step of steps) {
        for (const view of step.views) {
          expect(await sb.ok([...view.argv, '--at', `seq:${step.seq}`]), `${view.argv.join(' ')} --at seq:${step.seq} (${step.label})`).toBe(view.out)
        }
      }
      const connected = steps.find((s) => s.label === 'connect container2 to isolated_nw')!
      expect(await sb.ok(['ps', '--at', `seq:${connected.seq}`])).toBe(connected.views[2]!.out)
    }, MANY_RUNS_MS)

    it('--at an RFC 3339 time shows the state after the last event at or before it', async () => {
      const connected = steps.find((s) => s.label === 'connect container2 to isolated_nw')!
      const events = parseJsonLines(await sb.ok(['events', '--format', 'json']))
      const time = String(events.find((e) => e.seq === connected.seq)!.time)
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      for (const view of connected.views) expect(await sb.ok([...view.argv, '--at', time])).toBe(view.out)

      const before = new Date(Date.parse(String(events[0]!.time)) - 1000).toISOString()
      expect(await sb.ok(['network', 'ls', '--at', before])).toBe('NETWORK ID   NAME      DRIVER    SCOPE\n')
      expect(await sb.ok(['network', 'ls', '--at', 'seq:0'])).toBe('NETWORK ID   NAME      DRIVER    SCOPE\n')
      expect((await sb.fail(['network', 'inspect', 'bridge', '--at', before])).trim()).toBe('Error: network bridge not found')
    })

    it('--at beyond the head or not a time: one-line error, exit 1', async () => {
      const { seq } = await head()
      const beyond = await sb.run(['network', 'ls', '--at', `seq:${seq + 1}`])
      expect(beyond.code).toBe(1)
      expect(beyond.stderr).toBe(`Error: invalid --at seq:${seq + 1}: the log ends at seq ${seq}\n`)
      expect(await sb.fail(['inspect', 'container1', '--at', 'yesterday'])).toMatch(/^Error: invalid --at 'yesterday': use seq:N, an RFC 3339 time .*\n$/)
      expect(await sb.fail(['network', 'ls', '--at', '9999999999999999999999'])).toMatch(/^Error: invalid --at '9999999999999999999999': use seq:N, an RFC 3339 time .*\n$/)
    })
  })

  describe('audit head and verify', () => {
    it('audit head prints the newest event as SEQ:HASH, or as JSON', async () => {
      const text = await sb.ok(['audit', 'head'])
      const m = HEAD_LINE.exec(text)
      expect(m, text).not.toBeNull()
      const events = parseJsonLines(await sb.ok(['events', '--format', 'json']))
      const last = events[events.length - 1]!
      expect(Number(m![1])).toBe(last.seq)
      expect(m![2]).toBe(last.hash)
      expect(await sb.ok(['audit', 'head', '--format', 'json'])).toBe(`${JSON.stringify({ seq: last.seq, hash: last.hash })}\n`)
    })

    it("audit head's output is what audit verify --head takes, as it is", async () => {
      const recorded = await sb.ok(['audit', 'head'])
      expect(await sb.ok(['audit', 'verify', '--head', recorded])).toMatch(/, seq \d+ still has the recorded hash; head seq/)
      const piped = await sb.shOk(`"${BIN}" audit verify --head "$("${BIN}" audit head)"`, { env: { PATCHBAY_ROOT: sb.root } })
      expect(piped).toMatch(/, seq \d+ still has the recorded hash; head seq/)
    })

    it('audit verify passes an intact log with a one-line summary; --from and --head too', async () => {
      const h = await head()
      expect(await sb.ok(['audit', 'verify'])).toBe(
        `ok: ${h.seq} events checked (seq 1..${h.seq}), 0 snapshots and the projections match the log; head seq ${h.seq} hash ${h.hash}\n`,
      )
      expect(await sb.ok(['audit', 'verify', '--from', String(h.seq - 2)])).toMatch(new RegExp(`^ok: 3 events checked \\(seq ${h.seq - 2}\\.\\.${h.seq}\\)`))
      const early = await row(dbFile(), 5)
      expect(await sb.ok(['audit', 'verify', '--head', `5:${early.hash}`])).toMatch(/, seq 5 still has the recorded hash; head seq/)
    })
  })

  describe('tampering with the sqlite3 tool', () => {
    it('an edited event: changed, at its seq', async () => {
      const root = await copyOfState()
      await sqlite(dbFile(root), `UPDATE events SET payload = replace(payload, '"container2"', '"mallory"') WHERE seq = 7`)
      expect(await verifyFails(root)).toBe('Error: seq 7 changed: its content no longer matches its hash (edited after it was written)')
    })

    it('a deleted event: missing, at its seq', async () => {
      const root = await copyOfState()
      await sqlite(dbFile(root), 'DELETE FROM events WHERE seq = 9')
      expect(await verifyFails(root)).toBe('Error: seq 9 missing: the log jumps from seq 8 to seq 10 (deleted)')
    })

    it('an inserted event, correctly hashed and linked, the rest moved up: inserted, at its seq', async () => {
      const root = await copyOfState()
      const before = await row(dbFile(root), 8)
      const forged = { ...(await row(dbFile(root), 9)), seq: 9, host: 'elsewhere', prev_hash: before.hash }
      const values = [forged.seq, forged.time, forged.type, forged.schema!, forged.host, forged.actor, 'mallory', forged.payload, forged.prev_hash, eventHash(forged)]
      await sqlite(
        dbFile(root),
        `UPDATE events SET seq = -(seq + 1) WHERE seq >= 9; UPDATE events SET seq = -seq WHERE seq < 0;
         INSERT INTO events (seq, time, type, schema, host, actor, actor_user, payload, prev_hash, hash) VALUES (${values.map(quote).join(', ')});`,
      )
      expect(await verifyFails(root)).toBe('Error: seq 9 inserted: not part of the chain: seq 10 links back to seq 8')
    })

    it('a copy of an event added at seq 1000, nothing moved: inserted, at its seq (not a gap of deleted events)', async () => {
      const root = await copyOfState()
      const { seq } = await head()
      await sqlite(
        dbFile(root),
        `INSERT INTO events (seq, time, type, schema, host, actor, actor_user, network_id, container_id, payload, prev_hash, hash)
         SELECT 1000, time, type, schema, host, actor, actor_user, network_id, container_id, payload, prev_hash, hash FROM events WHERE seq = 9`,
      )
      expect(await verifyFails(root)).toBe(`Error: seq 1000 inserted: not part of the chain: the log jumps from seq ${seq} to it, and it links to seq 8`)
    })

    it('two events swapped: reordered, at the first of them', async () => {
      const root = await copyOfState()
      await sqlite(dbFile(root), 'UPDATE events SET seq = -1 WHERE seq = 10; UPDATE events SET seq = 10 WHERE seq = 11; UPDATE events SET seq = 11 WHERE seq = -1')
      expect(await verifyFails(root)).toBe('Error: seq 10 reordered: it links to seq 11, which comes after it')
    })

    it('an edited projection row: projection drift, naming table, row and column', async () => {
      const root = await copyOfState()
      const [ep] = JSON.parse(await sqlite(dbFile(root), "SELECT id, ipv4 FROM endpoints WHERE ipv4 = '172.17.0.2'", true)) as { id: string }[]
      await sqlite(dbFile(root), `UPDATE endpoints SET ipv4 = '172.17.0.99' WHERE id = '${ep!.id}'`)
      const { seq } = await head()
      expect(await verifyFails(root)).toBe(`Error: seq ${seq} projection drift: table endpoints, row id=${ep!.id}: ipv4 is "172.17.0.99", the log gives "172.17.0.2"`)
    })

    it('events deleted from the end: only the head recorded earlier tells', async () => {
      const root = await copyOfState()
      const recorded = await head()
      await sqlite(dbFile(root), `DELETE FROM events WHERE seq = ${recorded.seq}`)
      expect(await verifyFails(root, ['--head', `${recorded.seq}:${recorded.hash}`])).toBe(
        `Error: seq ${recorded.seq} missing: the recorded head is gone: the log ends at seq ${recorded.seq - 1}`,
      )
    })
  })

  describe('admin rebuild', () => {
    it('gives back identical tables, also after a projection row was tampered with, and verify passes', async () => {
      await sb.ok(['run', '--name', 'c4'])
      await sb.ok(['network', 'create', 'n2'])
      await sb.ok(['network', 'connect', '--alias', 'db', 'n2', 'c4'])
      await sb.ok(['run', '--name', 'c5', '--net', 'n2'])
      const before = await projectionDump()
      expect(before).toContain('c5')
      const r = await sb.run(['admin', 'rebuild'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/^rebuilt the projections from \d+ events in \d+\.\d s\n$/)
      expect(r.stderr).toBe('')
      expect(await projectionDump()).toBe(before)
      // On a terminal: a progress bar on stderr, then the summary.
      const tty = await sb.shOk(`script -qec 'env PATCHBAY_ROOT=${sb.root} ${BIN} admin rebuild' /dev/null`)
      expect(tty).toMatch(/rebuild \[.*\] \d+\/\d+ events/)
      expect(tty).toMatch(/rebuilt the projections from \d+ events in \d+\.\d s\r?\n$/)

      await sqlite(dbFile(), "UPDATE containers SET name = 'renamed' WHERE name = 'c5'")
      expect(await sb.fail(['audit', 'verify'])).toMatch(/^Error: seq \d+ projection drift: table containers, row id=\w+: name is "renamed", the log gives "c5"\n$/)
      await sb.ok(['admin', 'rebuild'])
      expect(await projectionDump()).toBe(before)
      expect(await sb.ok(['audit', 'verify'])).toMatch(/^ok: \d+ events checked/)
    })
  })
})
