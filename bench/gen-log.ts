/**
 * Writes a long, realistic event log into a fresh state root for the audit and time-travel
 * benchmarks: a long-running host where networks come and go, containers are created,
 * connected, disconnected and removed, and a few operations fail, with the live state
 * rising and falling over time and small at the end. Every event goes through the real
 * append path (decide functions, EventLog with its hash chain, projectors and snapshots), in
 * large transactions; nothing touches the kernel.
 *
 * Built into dist/gen-log.js by `npm run build`:
 *   node dist/gen-log.js --root DIR [--events 1000000] [--seed 1]
 * Prints one JSON line (also saved as DIR/gen-log.json): the head, the time taken, the live
 * state at the end and the number of snapshots.
 */
import { createHash } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { pathsFor } from '../src/config/paths.js'
import { decideBuiltins } from '../src/core/builtin-networks.js'
import { decideConnect } from '../src/core/connect.js'
import { decideContainerCreate } from '../src/core/container-create.js'
import { decideContainerRemove } from '../src/core/container-remove.js'
import type { DecideContext } from '../src/core/context.js'
import { decideDisconnect } from '../src/core/disconnect.js'
import { decideNetworkCreate } from '../src/core/network-create.js'
import { decideNetworkRemove } from '../src/core/network-remove.js'
import { openDatabase } from '../src/events/database.js'
import { EventLog } from '../src/events/store.js'
import type { Actor, NewEvent } from '../src/events/types.js'
import { createProjector } from '../src/projections/projectors.js'
import { StateQueries } from '../src/projections/queries.js'
import { withSnapshots } from '../src/projections/snapshots.js'

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
  },
})
if (!values.root) {
  process.stderr.write('usage: node dist/gen-log.js --root DIR [--events N] [--seed S]\n')
  process.exit(2)
}
const target = Number(values.events)
const paths = pathsFor(values.root)
if (existsSync(paths.db)) {
  process.stderr.write(`gen-log: ${paths.db} exists; give a fresh --root\n`)
  process.exit(2)
}

const started = process.hrtime.bigint()
const db = openDatabase(paths.db)
// A benchmark fixture: a crash while writing it just means writing it again.
db.pragma('synchronous = OFF')
const schema = await import('../src/events/schema.js')
const log = new EventLog(db, withSnapshots(db, createProjector(db)), () => schema)
const state = new StateQueries(db)

// Deterministic: the same seed gives the same log (ids, choices, clock).
let rngState = Number(values.seed) >>> 0 || 1
const rnd = (): number => {
  rngState ^= rngState << 13
  rngState ^= rngState >>> 17
  rngState ^= rngState << 5
  return (rngState >>> 0) / 2 ** 32
}
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]
let ids = 0
const newId = (): string => createHash('sha256').update(`${values.seed}:${++ids}`).digest('hex')
let clock = Date.parse('2025-01-01T00:00:00.000Z')
const USERS = ['alice', 'bob', 'ci', 'deploy']

function append(argv: string[], decide: (ctx: DecideContext) => NewEvent[]): void {
  clock += 1000 + Math.floor(rnd() * 59_000)
  const now = new Date(clock).toISOString()
  const actor: Actor = { uid: 0, user: 'root', sudoUser: pick(USERS), pid: 1000 + Math.floor(rnd() * 60_000), argv }
  log.append(decide({ state, newId, now, netnsDir: paths.netnsDir }), { actor, host: 'bench-host', time: now })
}

/** What lives now, kept alongside the tables so that each step picks a valid operation. */
const nets: string[] = []
const containers = new Map<string, Set<string>>()
let netNo = 0
let ctrNo = 0

/** The live state's size follows slow waves over the log and winds down at the end. */
function targets(progress: number): { containers: number; networks: number } {
  if (progress > 0.97) return { containers: 6, networks: 2 }
  const wave = Math.sin(progress * Math.PI * 2 * 25)
  return { containers: Math.round(30 + 25 * wave), networks: Math.round(4 + 2 * Math.sin(progress * Math.PI * 2 * 7 + 1)) }
}

function step(progress: number): void {
  const want = targets(progress)
  const names = [...containers.keys()]
  const r = rnd()
  if (r < 0.01) {
    append(['network', 'connect', 'nosuch', 'c0'], () => [{ type: 'OperationFailed', payload: { command: 'connect', error: 'RTNETLINK answers: File exists' } }])
  } else if (nets.length < want.networks && r < 0.1) {
    const name = `net${netNo++}`
    append(['network', 'create', name], (c) =>
      decideNetworkCreate({ name, driver: 'bridge', internal: rnd() < 0.2, attachable: false, labels: rnd() < 0.3 ? { team: pick(USERS) } : {}, options: {}, hostRoutes: [] }, c),
    )
    nets.push(name)
  } else if (nets.length > want.networks && r < 0.1) {
    const net = pick(nets)
    const users = names.filter((n) => containers.get(n)!.has(net))
    if (users.length > 0) {
      append(['network', 'disconnect', net, users[0]], (c) => decideDisconnect({ network: net, container: users[0] }, c))
      containers.get(users[0])!.delete(net)
    } else {
      append(['network', 'rm', net], (c) => decideNetworkRemove(net, c))
      nets.splice(nets.indexOf(net), 1)
    }
  } else if (names.length < want.containers && r < 0.55) {
    const name = `c${ctrNo++}`
    const net = rnd() < 0.15 ? 'bridge' : nets.length > 0 ? pick(nets) : 'bridge'
    append(['run', '--name', name, '--net', net], (c) => decideContainerCreate({ name, network: net, aliases: rnd() < 0.2 ? ['db'] : [] }, c))
    containers.set(name, new Set([net]))
  } else if (names.length > want.containers && r < 0.55) {
    const name = pick(names)
    append(['rm', name], (c) => decideContainerRemove(name, c))
    containers.delete(name)
  } else if (names.length > 0 && nets.length > 0) {
    const name = pick(names)
    const on = containers.get(name)!
    const net = pick(nets)
    if (on.has(net)) {
      append(['network', 'disconnect', net, name], (c) => decideDisconnect({ network: net, container: name }, c))
      on.delete(net)
    } else {
      append(['network', 'connect', net, name], (c) => decideConnect({ network: net, container: name, aliases: [] }, c))
      on.add(net)
    }
  } else {
    const name = `c${ctrNo++}`
    append(['run', '--name', name], (c) => decideContainerCreate({ name, network: 'bridge', aliases: [] }, c))
    containers.set(name, new Set(['bridge']))
  }
}

/** Events per transaction. */
const BATCH = 50_000
let committedAt = 0
db.exec('BEGIN')
log.append(decideBuiltins(newId, new Date(clock).toISOString()), {
  actor: { uid: 0, user: 'root', sudoUser: null, pid: 1, argv: [] },
  host: 'bench-host',
  time: new Date(clock).toISOString(),
})
for (let head = log.head().seq; head < target; head = log.head().seq) {
  step(head / target)
  if (head - committedAt >= BATCH) {
    db.exec('COMMIT')
    db.exec('BEGIN')
    committedAt = head
  }
}
db.exec('COMMIT')
db.pragma('wal_checkpoint(TRUNCATE)')
const head = log.head()
const live = { networks: state.networks().length, containers: state.containers().length, endpoints: state.endpoints().length }
const snapshots = db.prepare('SELECT count(*) FROM snapshots').pluck().get()
db.close()
const seconds = Number(process.hrtime.bigint() - started) / 1e9
const summary = `${JSON.stringify({ root: paths.root, head, seconds: Number(seconds.toFixed(1)), live, snapshots })}\n`
// Kept beside the log so that benchmarks can reuse the root without generating it again.
writeFileSync(`${paths.root}/gen-log.json`, summary)
process.stdout.write(summary)
