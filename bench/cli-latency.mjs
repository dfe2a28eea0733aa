#!/usr/bin/env node
// Figure 1: start-up cost of the read-only commands. Median wall time of `patchbay network ls`,
// `network inspect NET` and `container ls` against `node -e 0` (the floor for any Node CLI),
// interleaved round by round, each through nsenter into a sandbox holding one network with
// three containers.
// Usage: sudo node bench/cli-latency.mjs [--rounds 20] [--quick|--smoke] [--json FILE]
import { benchOptions, interleave, report, row, sandbox, timed } from './lib.mjs'

const { size, values } = benchOptions({ full: { rounds: 20 }, quick: { rounds: 10 }, smoke: { rounds: 2 } })
const sb = sandbox('cli')
try {
  await sb.ok('network', 'create', 'benchnet')
  for (let i = 0; i < 3; i++) await sb.ok('run', '--name', `c${i}`, '--net', 'benchnet')
  const t = await interleave(size.rounds, {
    node: () => timed(sb.inNs(['node', '-e', '0'])),
    ls: () => timed(sb.pb('network', 'ls'), { env: sb.env, expect: /benchnet/ }),
    inspect: () => timed(sb.pb('network', 'inspect', 'benchnet'), { env: sb.env, expect: /"Name": "benchnet"/ }),
    ps: () => timed(sb.pb('container', 'ls'), { env: sb.env, expect: /c2/ }),
  })
  const node = { label: 'node -e 0', ms: t.node }
  report(
    [
      row('1', { label: 'network ls', ms: t.ls }, node, { max: 1.3 }),
      row('1', { label: 'network inspect NET', ms: t.inspect }, node, { max: 1.3 }),
      row('1', { label: 'container ls', ms: t.ps }, node, { max: 1.3 }),
    ],
    values,
    `figure 1: read-only commands vs node -e 0; medians of ${size.rounds} interleaved rounds, each through nsenter --net`,
  )
} finally {
  sb.cleanup()
}
