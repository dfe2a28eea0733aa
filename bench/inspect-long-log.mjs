#!/usr/bin/env node
// Figure 4: does a long history slow down reading the present? `patchbay inspect C` (and
// `network ls`) on a state root whose log holds 1,000,000 events against the same commands on
// one whose log holds 10, both written by dist/gen-log.js (a long-running host's history;
// the live state at the end is small in both), interleaved, each through nsenter into a
// sandbox of its own.
// Usage: sudo node bench/inspect-long-log.mjs [--events 1000000] [--log DIR] [--rounds 20] [--quick|--smoke] [--json FILE]
//   --log DIR reuses (or writes, and keeps) the long log there: 1M events take ~18 minutes.
import { benchOptions, eventLog, interleave, report, row, sandbox, timed } from './lib.mjs'

const { size, values } = benchOptions(
  { full: { rounds: 20, events: 1_000_000 }, quick: { rounds: 10, events: 100_000 }, smoke: { rounds: 2, events: 2000 } },
  { events: { type: 'string' }, log: { type: 'string' } },
)
const long = await eventLog(Number(values.events ?? size.events), values.log)
const short = await eventLog(10)
const big = sandbox('log-big', { root: long.root })
const small = sandbox('log-small', { root: short.root })
try {
  // A container alive at the end of each log, inspected by name as a user would.
  const first = async (sb) => (await sb.ok('container', 'ls', '--format', '{{.Names}}')).split('\n')[0]
  const [bigC, smallC] = [await first(big), await first(small)]
  if (!bigC || !smallC) throw new Error('a log ended without containers to inspect')
  const t = await interleave(size.rounds, {
    bigInspect: () => timed(big.pb('inspect', bigC), { env: big.env, expect: /"Id"/ }),
    smallInspect: () => timed(small.pb('inspect', smallC), { env: small.env, expect: /"Id"/ }),
    bigLs: () => timed(big.pb('network', 'ls'), { env: big.env, expect: /^NETWORK ID/ }),
    smallLs: () => timed(small.pb('network', 'ls'), { env: small.env, expect: /^NETWORK ID/ }),
  })
  const n = (x) => x.toLocaleString('en-US')
  report(
    [
      row('4', { label: `inspect C, ${n(long.events)} events`, ms: t.bigInspect }, { label: `inspect C, ${short.events} events`, ms: t.smallInspect }, { max: 1.1 }),
      row('4', { label: `network ls, ${n(long.events)} events`, ms: t.bigLs }, { label: `network ls, ${short.events} events`, ms: t.smallLs }),
    ],
    values,
    `figure 4: reads on a ${n(long.events)}-event log vs a ${short.events}-event one; medians of ${size.rounds} interleaved rounds`,
  )
} finally {
  big.cleanup()
  small.cleanup()
  long.cleanup()
  short.cleanup()
}
