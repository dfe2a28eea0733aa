#!/usr/bin/env node
// Median wall time of `patchbay network ls`, a warm `network connect` and `network disconnect`
// (bridge already up), next to `node -e 0`, measured in one run, interleaved so that machine
// noise hits all of them alike. Runs inside its own sandbox namespace and state root.
// Usage: sudo node bench/cli-latency.mjs [ROUNDS]   (prints a table and one JSON line)
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const rounds = Number(process.argv[2] ?? 20)
const repo = fileURLToPath(new URL('..', import.meta.url))
const ns = `pbbench-${process.pid}`
const root = mkdtempSync(join(tmpdir(), 'pbbench-'))
const env = { ...process.env, PATCHBAY_ROOT: root }

function sh(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`)
  return r.stdout
}
const pb = (...args) => ['nsenter', `--net=/run/netns/${ns}`, '--', join(repo, 'bin/patchbay'), ...args]
function timed(argv) {
  const t = process.hrtime.bigint()
  sh(argv)
  return Number(process.hrtime.bigint() - t) / 1e6
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

sh(['ip', 'netns', 'add', ns])
try {
  sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
  sh(pb('network', 'create', 'benchnet'))
  for (let i = 0; i < rounds; i++) sh(pb('run', '--name', `c${i}`, '--net', 'none'))
  sh(pb('run', '--name', 'warm', '--net', 'benchnet'))
  for (let i = 0; i < rounds; i++) sh(pb('network', 'disconnect', 'none', `c${i}`))
  const t = { node: [], ls: [], connect: [], disconnect: [] }
  for (let i = 0; i < rounds; i++) {
    t.node.push(timed(['nsenter', `--net=/run/netns/${ns}`, '--', 'node', '-e', '0']))
    t.ls.push(timed(pb('network', 'ls')))
    t.connect.push(timed(pb('network', 'connect', 'benchnet', `c${i}`)))
  }
  for (let i = 0; i < rounds; i++) t.disconnect.push(timed(pb('network', 'disconnect', 'benchnet', `c${i}`)))
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]))
  console.log(`rounds ${rounds} (each command through nsenter --net)`)
  for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(12)} ${v.toFixed(1).padStart(7)} ms  x${(v / m.node).toFixed(2)} node -e 0`)
  console.log(JSON.stringify({ rounds, medianMs: m }))
} finally {
  spawnSync('ip', ['netns', 'del', ns])
  // The run directory is derived from the root exactly as src/config/paths.ts does.
  const run = `/run/patchbay/${createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16)}`
  for (const f of existsSync(`${run}/netns`) ? readdirSync(`${run}/netns`) : []) spawnSync('umount', ['-l', `${run}/netns/${f}`])
  rmSync(run, { recursive: true, force: true })
  rmSync(root, { recursive: true, force: true })
}
