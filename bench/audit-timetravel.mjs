#!/usr/bin/env node
// Time travel, verification and rebuild on a long log (1,000,000 events by default, written by
// dist/gen-log.js through the real append path): median wall time of `network ls --at seq:<mid>`
// and `inspect --at <time> <container>` (both at their worst: the event just before a snapshot,
// so 9,999 events are replayed), `audit verify --from <head-1000>`, full `audit verify` and
// `admin rebuild`, next to `node -e 0` and a live `network ls`, measured in one run, interleaved
// so that machine noise hits all of them alike. Every command runs inside a sandbox namespace
// (nsenter --net). Not one of the figures of bench/run; the rebuild is its figure 6a.
// Usage: sudo node bench/audit-timetravel.mjs [--events N] [--rounds R] [--heavy-rounds H] [--log DIR]
//   --log DIR reuses (or writes, and keeps) the log there.
// Prints a table and one JSON line. Needs `npm run build` first.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { eventLog, median, sandbox, timed } from './lib.mjs'

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '7' },
    'heavy-rounds': { type: 'string', default: '3' },
    log: { type: 'string' },
  },
})
const rounds = Number(values.rounds)
const heavyRounds = Number(values['heavy-rounds'])
const log = await eventLog(Number(values.events), values.log)
const head = log.events
const dbBytes = statSync(join(log.root, 'patchbay.db')).size
// The event just before the snapshot after `fraction` of the log: --at replays the most there.
const SNAPSHOT_INTERVAL = 10_000
const worstSeq = (fraction) => Math.min(head, Math.floor((head * fraction) / SNAPSHOT_INTERVAL) * SNAPSHOT_INTERVAL + SNAPSHOT_INTERVAL - 1)
const mid = worstSeq(0.5)
const late = worstSeq(0.75)
const db = new Database(join(log.root, 'patchbay.db'), { readonly: true })
const lateTime = db.prepare('SELECT time FROM events WHERE seq = ?').pluck().get(late)
db.close()

const sb = sandbox('audit', { root: log.root })
try {
  const lateContainer = (await sb.ok('ps', '--at', `seq:${late}`, '--format', '{{.Names}}')).split('\n')[0]
  if (!lateContainer) throw new Error(`no container at seq ${late} to inspect`)
  const cases = {
    'node -e 0': { argv: sb.inNs(['node', '-e', '0']) },
    'network ls': { argv: sb.pb('network', 'ls'), expect: /^NETWORK ID/ },
    'network ls --at seq:<mid>': { argv: sb.pb('network', 'ls', '--at', `seq:${mid}`), expect: /^NETWORK ID/ },
    'inspect --at <time>': { argv: sb.pb('inspect', '--at', lateTime, lateContainer), expect: /"Id"/ },
    'audit verify --from <head-1000>': { argv: sb.pb('audit', 'verify', '--from', String(head - 1000)), expect: /^ok: 1001 events/ },
    'audit verify': { argv: sb.pb('audit', 'verify'), expect: new RegExp(`^ok: ${head} events`), heavy: true },
    'admin rebuild': { argv: sb.pb('admin', 'rebuild'), expect: new RegExp(`^rebuilt the projections from ${head} events`), heavy: true },
  }
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
  for (let i = 0; i < rounds; i++) {
    for (const [name, c] of Object.entries(cases)) {
      if (c.heavy && i >= heavyRounds) continue
      times[name].push(await timed(c.argv, { env: sb.env, expect: c.expect }))
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
  console.log(`${head} events (${(dbBytes / 2 ** 20).toFixed(0)} MiB database, ${log.gen.snapshots} snapshots, generated in ${log.gen.seconds} s); ` +
    `rounds ${rounds}, heavy ${heavyRounds}; each command through nsenter --net`)
  for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(34)} ${v.toFixed(0).padStart(7)} ms  x${(v / m['node -e 0']).toFixed(2)} node -e 0`)
  console.log(`--at seq:${mid}; inspect --at ${lateTime} ${lateContainer} (seq ${late})`)
  console.log(JSON.stringify({ events: head, dbBytes, rounds, heavyRounds, medianMs: m }))
} finally {
  sb.cleanup()
  log.cleanup()
}
