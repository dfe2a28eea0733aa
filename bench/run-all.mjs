// bench/run: every figure's script in turn, then one table (figure, patchbay's median, the
// peer's, the ratio, the target, pass/fail) on stdout and a JSON file with every sample.
// The scripts' own output goes to stderr as they finish. A timing that misses its target is
// reported, never an error; the exit code is 1 only when a script crashed, or when the root
// network namespace's firewall or links differ after the run (everything must stay in the
// sandboxes).
// Usage: sudo bench/run [--smoke|--quick] [--only 1,2,6b] [--log DIR] [--out FILE]
//   --smoke  tiny sizes, one or two rounds: checks that every script works (CI runs this)
//   --quick  smaller sizes (100,000-event log, restore 1 × 1000, 10 hosts × 5 runs): 5–10 minutes
//   (neither) the full figures: a 1,000,000-event log (~18 min to write unless --log has one),
//            restore 10 × 1000, 10 hosts × 10 runs; about 16 minutes in all
//   --log DIR  the long event log for figures 4 and 6a: reused when DIR has one, else written there and kept
//   --out FILE  the JSON results (default bench/results/last.json)
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { REPO, ensurePeers, eventLog, sh, table, versions } from './lib.mjs'

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean' },
    quick: { type: 'boolean' },
    only: { type: 'string' },
    log: { type: 'string' },
    out: { type: 'string', default: join(REPO, 'bench/results/last.json') },
  },
})
const mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full'
const LOG_EVENTS = { full: 1_000_000, quick: 100_000, smoke: 2000 }
const FIGURES = [
  { id: '1', script: 'cli-latency.mjs' },
  { id: '2', script: 'connect.mjs' },
  { id: '3', script: 'many-containers.mjs' },
  { id: '3b', script: 'apply.mjs' },
  { id: '4', script: 'inspect-long-log.mjs', log: true },
  { id: '5', script: 'connect-scale.mjs' },
  { id: '6a', script: 'rebuild.mjs', log: true },
  { id: '6b', script: 'restore.mjs' },
  { id: '7', script: 'multihost.mjs' },
  { id: '8', script: 'published-ports.mjs' },
]
const only = values.only?.split(',')
const figures = FIGURES.filter((f) => !only || only.includes(f.id))

/** The root namespace's firewall and links, counters left out: must be the same afterwards. */
function rootNamespace() {
  const out = (argv) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' }).stdout ?? ''
  return [out(['nft', '-s', 'list', 'ruleset']), out(['iptables-save']).replace(/\[\d+:\d+\]/g, ''), out(['ip', '-o', 'link', 'show']).replace(/^\d+: /gm, '')].map((s) =>
    s.replace(/^#.*$/gm, ''),
  )
}

const started = new Date()
await ensurePeers()
const before = rootNamespace()
const scratch = mkdtempSync(join(tmpdir(), 'pbbench-run-'))
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }))
const log = figures.some((f) => f.log) ? await eventLog(LOG_EVENTS[mode], values.log) : null
const rows = []
const crashed = []
try {
  for (const f of figures) {
    const json = join(scratch, `${f.id}.json`)
    const args = [join(REPO, 'bench', f.script), ...(mode === 'full' ? [] : [`--${mode}`]), '--json', json, ...(f.log ? ['--log', log.root] : [])]
    process.stderr.write(`bench: figure ${f.id}: node bench/${f.script} ${args.slice(1).join(' ')}\n`)
    const t = Date.now()
    let ok = true
    const out = await sh(['node', ...args], { stderr: 'inherit' }).catch((e) => {
      ok = false
      crashed.push({ figure: f.id, error: e.message.split('\n')[0] })
      return e.stdout ?? ''
    })
    process.stderr.write(`${out}bench: figure ${f.id}: ${((Date.now() - t) / 1000).toFixed(0)} s\n`)
    if (ok) rows.push(...JSON.parse(readFileSync(json, 'utf8')))
  }
} finally {
  log?.cleanup()
}
const touched = rootNamespace().some((s, i) => s !== before[i])

const seconds = Math.round((Date.now() - started.getTime()) / 1000)
const results = { mode, started: started.toISOString(), seconds, versions: versions(), logEvents: log?.events ?? null, rows, crashed, rootNamespaceChanged: touched }
mkdirSync(dirname(values.out), { recursive: true })
writeFileSync(values.out, `${JSON.stringify(results, null, 1)}\n`)
const caveat = mode === 'smoke' ? '; smoke sizes: the figures say nothing, pass/fail is meaningless' : ''
process.stdout.write(`patchbay benchmarks, ${mode} run, ${results.started}, ${seconds} s (${values.out})${caveat}\n${table(rows)}`)
for (const c of crashed) process.stdout.write(`figure ${c.figure}: crashed: ${c.error} (its output is above)\n`)
if (touched) process.stdout.write('the root network namespace changed during the run (nftables, iptables or links): a benchmark escaped its sandbox\n')
process.exitCode = crashed.length || touched ? 1 : 0
