#!/usr/bin/env node
// Per-operation cost of `patchbay apply` (many operations in one process) next to the same
// operations as separate CLI calls, on warm bridges, inside a sandbox namespace of its own.
// For each N: a fresh root with two bridge networks (each with one container, so both bridges
// are up), then one `apply` of N `run --name cI --net benchnet` lines and one of N
// `network connect benchnet2 cI` lines. `run` prints each container's ID as it is committed,
// so the gaps between those lines are the per-operation times (median and mean); `connect`
// prints nothing, so its mean is (apply time - time of an empty apply) / N. Then SEPARATE
// (default 20) more containers are made and connected with one CLI call each, on top of the N,
// for the per-call cost at that size. Usage: sudo node bench/apply.mjs [N ...] [--separate K]
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { separate: { type: 'string', default: '20' } } })
const sizes = positionals.length ? positionals.map(Number) : [100, 1000]
const separate = Number(values.separate)
const repo = fileURLToPath(new URL('..', import.meta.url))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
const runDir = (root) => `/run/patchbay/${createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16)}`

function wipe(ns, root) {
  const run = runDir(root)
  for (const f of existsSync(`${run}/netns`) ? readdirSync(`${run}/netns`) : []) spawnSync('umount', ['-l', `${run}/netns/${f}`])
  rmSync(run, { recursive: true, force: true })
  spawnSync('ip', ['netns', 'del', ns])
  rmSync(root, { recursive: true, force: true })
}

/** Runs argv; resolves with the total time and the time each stdout line arrived (ms). */
function timed(argv, env) {
  return new Promise((done, fail) => {
    const t0 = process.hrtime.bigint()
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const lines = []
    let partial = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      const at = ms()
      partial += d
      const parts = partial.split('\n')
      partial = parts.pop()
      for (let i = 0; i < parts.length; i++) lines.push(at)
    })
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('close', (code) => (code === 0 ? done({ ms: ms(), lines }) : fail(new Error(`${argv.join(' ')}: exit ${code}: ${stderr}`))))
  })
}

let current
// Interrupted (Ctrl-C, a timeout): still remove the sandbox and every namespace it holds.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) wipe(current.ns, current.root)
    process.exit(130)
  })
}

const results = []
for (const n of sizes) {
  const ns = `pbbench-apply-${process.pid}`
  const root = mkdtempSync(join(tmpdir(), 'pbbench-'))
  current = { ns, root }
  const env = { ...process.env, PATCHBAY_ROOT: root }
  const pb = (...args) => ['nsenter', `--net=/run/netns/${ns}`, '--', join(repo, 'bin/patchbay'), ...args]
  const file = (name, lines) => {
    const path = join(root, name)
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''))
    return path
  }
  try {
    spawnSync('ip', ['netns', 'add', ns])
    spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
    await timed(pb('apply', '-f', file('setup', ['network create benchnet', 'network create benchnet2', 'run --name warm --net benchnet', 'run --name warm2 --net benchnet2'])), env)
    const idx = [...Array(n).keys()]
    const run = await timed(pb('apply', '-f', file('run', idx.map((i) => `run --name c${i} --net benchnet`))), env)
    const connect = await timed(pb('apply', '-f', file('connect', idx.map((i) => `network connect benchnet2 c${i}`))), env)
    const empty = []
    for (let i = 0; i < 3; i++) empty.push((await timed(pb('apply', '-f', file('empty', [])), env)).ms)
    const gaps = run.lines.slice(1).map((t, i) => t - run.lines[i])
    const single = { run: [], connect: [] }
    for (let i = 0; i < separate; i++) {
      single.run.push((await timed(pb('run', '--name', `s${i}`, '--net', 'benchnet'), env)).ms)
      single.connect.push((await timed(pb('network', 'connect', 'benchnet2', `s${i}`), env)).ms)
    }
    const r = {
      n,
      applyEmptyMs: median(empty),
      run: { totalMs: run.ms, perOpMedianMs: median(gaps), perOpMeanMs: (run.ms - median(empty)) / n, separateMedianMs: median(single.run), separateMeanMs: mean(single.run) },
      connect: { totalMs: connect.ms, perOpMeanMs: (connect.ms - median(empty)) / n, separateMedianMs: median(single.connect), separateMeanMs: mean(single.connect) },
    }
    results.push(r)
    process.stderr.write(`N=${n} done\n`)
  } finally {
    wipe(ns, root)
  }
}
const f = (x) => x.toFixed(2).padStart(8)
console.log(`apply per operation vs one CLI call per operation (separate calls: ${separate} on top of the N; each through nsenter --net)`)
console.log('N        op        apply total   per-op median   per-op mean   separate median   separate / apply mean')
for (const r of results) {
  console.log(`${String(r.n).padEnd(8)} run      ${f(r.run.totalMs)} ms   ${f(r.run.perOpMedianMs)} ms   ${f(r.run.perOpMeanMs)} ms   ${f(r.run.separateMedianMs)} ms   x${(r.run.separateMedianMs / r.run.perOpMeanMs).toFixed(0)}`)
  console.log(`${String(r.n).padEnd(8)} connect  ${f(r.connect.totalMs)} ms   ${'-'.padStart(8)} ms   ${f(r.connect.perOpMeanMs)} ms   ${f(r.connect.separateMedianMs)} ms   x${(r.connect.separateMedianMs / r.connect.perOpMeanMs).toFixed(0)}`)
}
console.log(JSON.stringify({ separate, results }))
