#!/usr/bin/env node
// Time travel, verification and rebuild on a long log (1,000,000 events by default, written by
// dist/gen-log.js through the real append path): median wall time of `network ls --at seq:<mid>`
// and `inspect --at <time> <container>` (both at their worst: the event just before a snapshot,
// so 9,999 events are replayed), `audit verify --from <head-1000>`, full `audit verify` and
// `admin rebuild`, next to `node -e 0` and a live `network ls`, measured in one run, interleaved
// so that machine noise hits all of them alike. Every command runs inside its own sandbox
// namespace (nsenter --net), on a temporary state root.
// Usage: sudo node bench/audit-timetravel.mjs [--events N] [--rounds R] [--heavy-rounds H] [--log DIR]
//   --log DIR reuses a root written earlier by `node dist/gen-log.js --root DIR` (kept afterwards).
// Prints a table and one JSON line. Needs `npm run build` first.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'

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
const repo = fileURLToPath(new URL('..', import.meta.url))
const ns = `pbbench-${process.pid}`
const root = values.log ?? join(mkdtempSync(join(tmpdir(), 'pbbench-')), 'root')

function sh(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, PATCHBAY_ROOT: root }, encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`)
  return r.stdout
}
const inNs = (...argv) => ['nsenter', `--net=/run/netns/${ns}`, '--', ...argv]
const pb = (...args) => inNs(join(repo, 'bin/patchbay'), ...args)
function timed(argv, expect) {
  const t = process.hrtime.bigint()
  const out = sh(argv)
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (expect && !expect.test(out)) throw new Error(`${argv.join(' ')}: unexpected output ${out.slice(0, 200)}`)
  return ms
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

if (!existsSync(join(repo, 'dist/gen-log.js'))) throw new Error('run `npm run build` first')
let gen
if (values.log) gen = JSON.parse(readFileSync(join(root, 'gen-log.json'), 'utf8'))
else {
  process.stderr.write(`generating ${values.events} events into ${root} …\n`)
  gen = JSON.parse(sh(['node', join(repo, 'dist/gen-log.js'), '--root', root, '--events', values.events]))
}
const head = gen.head.seq
const dbBytes = statSync(join(root, 'patchbay.db')).size
// The event just before the snapshot after `fraction` of the log: --at replays the most there.
const SNAPSHOT_INTERVAL = 10_000
const worstSeq = (fraction) => Math.min(head, Math.floor((head * fraction) / SNAPSHOT_INTERVAL) * SNAPSHOT_INTERVAL + SNAPSHOT_INTERVAL - 1)
const mid = worstSeq(0.5)
const late = worstSeq(0.75)
const db = new Database(join(root, 'patchbay.db'), { readonly: true })
const lateTime = db.prepare('SELECT time FROM events WHERE seq = ?').pluck().get(late)
db.close()

sh(['ip', 'netns', 'add', ns])
try {
  sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
  const lateContainer = sh(pb('ps', '--at', `seq:${late}`, '--format', '{{.Names}}')).split('\n')[0]
  if (!lateContainer) throw new Error(`no container at seq ${late} to inspect`)
  const cases = {
    'node -e 0': { argv: inNs('node', '-e', '0') },
    'network ls': { argv: pb('network', 'ls'), expect: /^NETWORK ID/ },
    'network ls --at seq:<mid>': { argv: pb('network', 'ls', '--at', `seq:${mid}`), expect: /^NETWORK ID/ },
    'inspect --at <time>': { argv: pb('inspect', '--at', lateTime, lateContainer), expect: /"Id"/ },
    'audit verify --from <head-1000>': { argv: pb('audit', 'verify', '--from', String(head - 1000)), expect: /^ok: 1001 events/ },
    'audit verify': { argv: pb('audit', 'verify'), expect: new RegExp(`^ok: ${head} events`), heavy: true },
    'admin rebuild': { argv: pb('admin', 'rebuild'), expect: new RegExp(`^rebuilt the projections from ${head} events`), heavy: true },
  }
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
  for (let i = 0; i < rounds; i++) {
    for (const [name, c] of Object.entries(cases)) {
      if (c.heavy && i >= heavyRounds) continue
      times[name].push(timed(c.argv, c.expect))
    }
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
  console.log(`${head} events (${(dbBytes / 2 ** 20).toFixed(0)} MiB database, ${gen.snapshots} snapshots, generated in ${gen.seconds} s); ` +
    `rounds ${rounds}, heavy ${heavyRounds}; each command through nsenter --net`)
  for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(34)} ${v.toFixed(0).padStart(7)} ms  x${(v / m['node -e 0']).toFixed(2)} node -e 0`)
  console.log(`--at seq:${mid}; inspect --at ${lateTime} ${lateContainer} (seq ${late})`)
  console.log(JSON.stringify({ events: head, dbBytes, rounds, heavyRounds, medianMs: m }))
} finally {
  spawnSync('ip', ['netns', 'del', ns])
  // Read-only and table-only commands: no namespaces or run files were made for this root.
  if (!values.log) rmSync(join(root, '..'), { recursive: true, force: true })
}
