#!/usr/bin/env node
// Figure 5: does a crowded network slow down connecting to it (every member's hosts file
// names every other member)? Two sandboxes: one whose bridge network already has 999
// containers, one whose network has 9; a probe container (on no network) is connected to it
// with `network connect` (the 1000th / the 10th endpoint) and disconnected again, round
// after round, interleaved across the two: first each command on its own, then with a
// `patchbay daemon` serving each sandbox, where a connect costs little more than its share
// of hosts files. The crowds are written into the log by dist/gen-topology.js and built in
// the kernel by `patchbay restore` (not timed).
// Usage: sudo node bench/connect-scale.mjs [--crowd 999] [--rounds 10] [--quick|--smoke] [--json FILE]
import { BIN, REPO, benchOptions, interleave, report, row, sandbox, sh, timed } from './lib.mjs'

const { size, values } = benchOptions(
  { full: { rounds: 10, crowd: 999 }, quick: { rounds: 5, crowd: 999 }, smoke: { rounds: 1, crowd: 29 } },
  { crowd: { type: 'string' } },
)
const SMALL = 9
const crowd = Number(values.crowd ?? size.crowd)

/** A sandbox whose network net0 has `members` containers, kernel side built; plus a probe. */
async function crowded(members) {
  const sb = sandbox(`scale${members}`)
  await sh(['node', `${REPO}/dist/gen-topology.js`, '--root', sb.root, '--networks', '1', '--containers', String(members)])
  await sh(sb.inNs([BIN, 'restore']), { env: sb.env })
  await sb.ok('run', '--name', 'probe', '--net', 'none')
  await sb.ok('network', 'disconnect', 'none', 'probe')
  return sb
}

const big = await crowded(crowd)
const small = await crowded(SMALL)
try {
  const cycle = (sb, what) => () => timed(sb.pb('network', what, 'net0', 'probe'), { env: sb.env })
  const rounds = () =>
    interleave(size.rounds, {
      bigConnect: cycle(big, 'connect'),
      smallConnect: cycle(small, 'connect'),
      bigDisconnect: cycle(big, 'disconnect'),
      smallDisconnect: cycle(small, 'disconnect'),
    })
  const t = await rounds()
  await big.daemon()
  await small.daemon()
  const td = await rounds()
  const [b, s] = [crowd + 1, SMALL + 1]
  // The target is judged on commands run on their own, as it was set; with the daemon the
  // fixed cost is gone and what is left is each member's hosts file (linear in the crowd).
  const rows = (t, how, judged) => [
    row('5', { label: `network connect, ${b}th endpoint${how}`, ms: t.bigConnect }, { label: `network connect, ${s}th endpoint`, ms: t.smallConnect }, judged ? { max: 1.5 } : {}),
    row('5', { label: `network disconnect, ${b}th endpoint${how}`, ms: t.bigDisconnect }, { label: `network disconnect, ${s}th endpoint`, ms: t.smallDisconnect }),
  ]
  report(
    [...rows(t, '', true), ...rows(td, ', daemon running', false)],
    values,
    `figure 5: connecting to a network of ${crowd} containers vs one of ${SMALL}; medians of ${size.rounds} interleaved rounds`,
  )
} finally {
  big.cleanup()
  small.cleanup()
}
