#!/usr/bin/env node
// Figure 6a: `patchbay admin rebuild` (empty the projections and snapshots, replay the whole
// log into them) on a log of 1,000,000 events written by dist/gen-log.js. Target: 10 s.
// For scale, in the same run: the sqlite3 shell scanning the same events table (every row's
// payload and actor read, nothing replayed), the floor for any replay of this log.
// Usage: sudo node bench/rebuild.mjs [--events 1000000] [--log DIR] [--rounds 3] [--quick|--smoke] [--json FILE]
//   --log DIR reuses (or writes, and keeps) the log there: 1M events take ~18 minutes.
import { join } from 'node:path'
import { benchOptions, eventLog, fmtMs, interleave, median, report, row, sandbox, timed } from './lib.mjs'

const { size, values } = benchOptions(
  { full: { rounds: 3, events: 1_000_000 }, quick: { rounds: 3, events: 100_000 }, smoke: { rounds: 1, events: 2000 } },
  { events: { type: 'string' }, log: { type: 'string' } },
)
const log = await eventLog(Number(values.events ?? size.events), values.log)
const sb = sandbox('rebuild', { root: log.root })
try {
  const scan = 'SELECT count(*), sum(length(payload)), sum(length(actor)) FROM events'
  const t = await interleave(size.rounds, {
    rebuild: () => timed(sb.pb('admin', 'rebuild'), { env: sb.env, expect: new RegExp(`from ${log.events} events`) }),
    scan: () => timed(sb.inNs(['sqlite3', '-readonly', join(log.root, 'patchbay.db'), scan]), { expect: new RegExp(`^${log.events}\\|`) }),
  })
  const n = log.events.toLocaleString('en-US')
  // The target is for 1,000,000 events; a smaller log is judged on a linear extrapolation.
  const scale = Math.max(1, 1_000_000 / log.events)
  const med = median(t.rebuild)
  report(
    [
      row('6a', { label: `admin rebuild, ${n} events`, ms: t.rebuild }, { label: 'sqlite3 scan of the events', ms: t.scan }, {
        maxMs: 10_000,
        scale,
        note: scale === 1 ? undefined : `target is for 1,000,000 events: judged on ${fmtMs(med)} × ${scale.toFixed(1)} = ${fmtMs(med * scale)} (linear)`,
      }),
    ],
    values,
    `figure 6a: rebuilding the projections from ${n} events; medians of ${size.rounds} interleaved rounds`,
  )
} finally {
  sb.cleanup()
  log.cleanup()
}
