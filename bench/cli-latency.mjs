#!/usr/bin/env node
// Figure 1: start-up cost of the read-only commands. Median wall time of `patchbay network ls`,
// `network inspect NET` and `container ls` against `node -e 0` (the floor for any Node CLI),
// interleaved round by round, each through nsenter into a sandbox holding one network with
// three containers: once run on their own (a Node process each) and once answered by a
// `patchbay daemon` serving a second, identical sandbox.
// Usage: sudo node bench/cli-latency.mjs [--rounds 20] [--quick|--smoke] [--json FILE]
import { benchOptions, interleave, report, row, sandbox, timed } from './lib.mjs'

const { size, values } = benchOptions({ full: { rounds: 20 }, quick: { rounds: 10 }, smoke: { rounds: 2 } })
const sb = sandbox('cli')
const sbd = sandbox('cli-daemon')
try {
  for (const s of [sb, sbd]) {
    await s.ok('network', 'create', 'benchnet')
    for (let i = 0; i < 3; i++) await s.ok('run', '--name', `c${i}`, '--net', 'benchnet')
  }
  await sbd.daemon()
  const reads = (s) => ({
    ls: () => timed(s.pb('network', 'ls'), { env: s.env, expect: /benchnet/ }),
    inspect: () => timed(s.pb('network', 'inspect', 'benchnet'), { env: s.env, expect: /"Name": "benchnet"/ }),
    ps: () => timed(s.pb('container', 'ls'), { env: s.env, expect: /c2/ }),
  })
  const [alone, served] = [reads(sb), reads(sbd)]
  const t = await interleave(size.rounds, {
    node: () => timed(sb.inNs(['node', '-e', '0'])),
    ...alone,
    ...Object.fromEntries(Object.entries(served).map(([k, f]) => [`d${k}`, f])),
  })
  const node = { label: 'node -e 0', ms: t.node }
  report(
    [
      row('1', { label: 'network ls', ms: t.ls }, node, { max: 1.3 }),
      row('1', { label: 'network inspect NET', ms: t.inspect }, node, { max: 1.3 }),
      row('1', { label: 'container ls', ms: t.ps }, node, { max: 1.3 }),
      row('1', { label: 'network ls, daemon running', ms: t.dls }, node, { max: 1.3 }),
      row('1', { label: 'network inspect NET, daemon running', ms: t.dinspect }, node, { max: 1.3 }),
      row('1', { label: 'container ls, daemon running', ms: t.dps }, node, { max: 1.3 }),
    ],
    values,
    `figure 1: read-only commands vs node -e 0; medians of ${size.rounds} interleaved rounds, each through nsenter --net`,
  )
} finally {
  sb.cleanup()
  sbd.cleanup()
}
