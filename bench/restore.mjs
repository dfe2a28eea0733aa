#!/usr/bin/env node
// Times `patchbay restore` after a simulated reboot for given topologies: the log of N
// networks × M containers is written straight into a fresh root (dist/gen-topology.js), the
// kernel side is empty, and restore must build every bridge, namespace, veth, address, route,
// hosts file and the firewall. Also times the second, no-op restore (pure observation).
// Everything runs in a sandbox namespace of its own. Medians over ROUNDS reboots.
// Usage: sudo node bench/restore.mjs [ROUNDS] [NxM ...]      e.g. 3 100x10 1x1000
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const rounds = Number(process.argv[2] ?? 3)
const shapes = process.argv.slice(3).length ? process.argv.slice(3) : ['100x10', '1x1000']
const repo = fileURLToPath(new URL('..', import.meta.url))

function sh(argv, env = process.env) {
  const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', maxBuffer: 1 << 28 })
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`)
  return r.stdout
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const runDir = (root) => `/run/patchbay/${createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16)}`

function wipe(ns, root) {
  const run = runDir(root)
  for (const f of existsSync(`${run}/netns`) ? readdirSync(`${run}/netns`) : []) spawnSync('umount', ['-l', `${run}/netns/${f}`])
  rmSync(run, { recursive: true, force: true })
  spawnSync('ip', ['netns', 'del', ns])
}

const results = []
for (const shape of shapes) {
  const [networks, containers] = shape.split('x').map(Number)
  const ns = `pbbench-restore-${process.pid}`
  const root = mkdtempSync(join(tmpdir(), 'pbbench-'))
  const env = { ...process.env, PATCHBAY_ROOT: root }
  const timed = (argv) => {
    const t = process.hrtime.bigint()
    const out = sh(argv, env)
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, out }
  }
  const pb = (...args) => ['nsenter', `--net=/run/netns/${ns}`, '--', join(repo, 'bin/patchbay'), ...args]
  try {
    sh(['node', join(repo, 'dist/gen-topology.js'), '--root', root, '--networks', String(networks), '--containers', String(containers)])
    const full = []
    const noop = []
    for (let i = 0; i < rounds; i++) {
      wipe(ns, root)
      sh(['ip', 'netns', 'add', ns])
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
      const r = timed(pb('restore'))
      if (i === 0) process.stderr.write(`${shape}: ${r.out}`)
      full.push(r.ms)
      const again = timed(pb('restore'))
      if (!/nothing to do/.test(again.out)) throw new Error(`second restore was not a no-op: ${again.out}`)
      noop.push(again.ms)
    }
    results.push({ shape, networks, containers: networks * containers, restoreMs: median(full), noopMs: median(noop) })
  } finally {
    wipe(ns, root)
    rmSync(root, { recursive: true, force: true })
  }
}
console.log(`restore after a reboot, medians of ${rounds} (each through nsenter --net into an empty sandbox)`)
for (const r of results) {
  console.log(`${r.shape.padEnd(10)} ${String(r.containers).padStart(6)} containers  restore ${(r.restoreMs / 1000).toFixed(2)} s  no-op restore ${(r.noopMs / 1000).toFixed(2)} s`)
}
console.log(JSON.stringify({ rounds, results }))
