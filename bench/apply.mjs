#!/usr/bin/env node
// Figure 3b: the per-operation cost of `patchbay apply` (many operations in one process) on
// warm bridges, next to the same operation as one CLI call. For each N: a fresh sandbox with
// two bridge networks, each already holding a container (both bridges up), then
//   - one `apply` of N `run --name cI --net benchnet` lines: run prints each ID as its change
//     commits, so the gaps between those lines are per-operation times (median; the first,
//     which pays for loading the code, is left out);
//   - one `apply` of N `network connect benchnet2 cI` lines: connect prints nothing, so its
//     per-operation time is (its wall time - an empty apply's) / N, the end-of-batch hosts
//     files included;
//   - then SEPARATE more containers made (`run`) and connected (`network connect`) with one
//     CLI call each, on top of the N: what one call costs at that size.
// Usage: sudo node bench/apply.mjs [--sizes 100,1000] [--separate 20] [--quick|--smoke] [--json FILE]
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { benchOptions, median, report, row, sandbox, timed } from './lib.mjs'

const { size, values } = benchOptions(
  { full: { sizes: '100,1000', separate: 20 }, quick: { sizes: '100', separate: 10 }, smoke: { sizes: '5', separate: 2 } },
  { sizes: { type: 'string' }, separate: { type: 'string' } },
)
const sizes = (values.sizes ?? size.sizes).split(',').map(Number)
const separate = Number(values.separate ?? size.separate)

/** Runs argv; resolves with its wall time and when (ms after the start) each stdout line arrived. */
function timedLines(argv, env) {
  return new Promise((done, fail) => {
    const t0 = process.hrtime.bigint()
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    const lines = []
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      const at = ms()
      for (const ch of d) if (ch === '\n') lines.push(at)
    })
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('close', (code) => (code === 0 ? done({ ms: ms(), lines }) : fail(new Error(`${argv.join(' ')}: exit ${code}: ${stderr.trim()}`))))
  })
}

const rows = []
for (const n of sizes) {
  const sb = sandbox('apply')
  try {
    const file = (name, lines) => {
      const path = join(sb.scratch, name)
      writeFileSync(path, lines.map((l) => `${l}\n`).join(''))
      return path
    }
    const apply = (name, lines) => timedLines(sb.pb('apply', '-f', file(name, lines)), sb.env)
    await apply('setup', ['network create benchnet', 'network create benchnet2', 'run --name warm --net benchnet', 'run --name warm2 --net benchnet2'])
    const idx = [...Array(n).keys()]
    const run = await apply('run', idx.map((i) => `run --name c${i} --net benchnet`))
    if (run.lines.length !== n) throw new Error(`apply printed ${run.lines.length} IDs for ${n} runs`)
    const connect = await apply('connect', idx.map((i) => `network connect benchnet2 c${i}`))
    const empties = []
    for (let i = 0; i < 3; i++) empties.push(await timed(sb.pb('apply', '-f', file('empty', [])), { env: sb.env }))
    const empty = median(empties)
    const gaps = run.lines.slice(2).map((t, i) => t - run.lines[i + 1])
    const one = { run: [], connect: [] }
    for (let i = 0; i < separate; i++) {
      one.run.push(await timed(sb.pb('run', '--name', `s${i}`, '--net', 'benchnet'), { env: sb.env }))
      one.connect.push(await timed(sb.pb('network', 'connect', 'benchnet2', `s${i}`), { env: sb.env }))
    }
    const connected = (await sb.ok('network', 'inspect', '--format', '{{len .Containers}}', 'benchnet2')).trim()
    if (connected !== String(n + separate + 1)) throw new Error(`benchnet2 has ${connected} containers, not ${n + separate + 1}`)
    rows.push(
      row('3b', { label: `apply ${n} × run, per op`, ms: gaps }, { label: 'run, one call', ms: one.run }, {
        maxMs: 5,
        note: `median of the gaps between the IDs it prints; mean ${((run.ms - empty) / n).toFixed(1)} ms with start-up and hosts files`,
      }),
      row('3b', { label: `apply ${n} × connect, per op`, ms: (connect.ms - empty) / n }, { label: 'connect, one call', ms: one.connect }, {
        maxMs: 5,
        note: `(wall time ${connect.ms.toFixed(0)} ms - empty apply ${empty.toFixed(0)} ms) / ${n}: the mean, hosts files included`,
      }),
    )
  } finally {
    sb.cleanup()
  }
}
report(rows, values, `figure 3b: patchbay apply per operation on warm bridges, sizes ${sizes.join(', ')}; one call each: ${separate} more on top of the N`)
