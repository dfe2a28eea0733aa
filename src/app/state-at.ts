import { UserError } from '../core/errors.js'
import { parseTimeSpec, storedTimeBound } from '../core/time-spec.js'
import type { Db } from '../events/database.js'
import { logHead, seqAtTime } from '../events/store.js'
import { Replay } from '../projections/replay.js'

/**
 * The sequence number `--at` names: `seq:N`, or the last event at or before a time given as
 * docker's --since/--until take it (RFC 3339, Unix seconds, or a duration meaning that long
 * ago). 0 (the empty state) when the log starts later.
 */
export function resolveAt(db: Db, spec: string, now = new Date()): number {
  const head = logHead(db).seq
  const seq = /^seq:(.*)$/.exec(spec.trim())
  if (seq) {
    if (!/^\d+$/.test(seq[1])) throw new UserError(`invalid --at ${spec}: seq:N takes a whole number`)
    const n = Number(seq[1])
    if (n > head) throw new UserError(`invalid --at ${spec}: the log ends at seq ${head}`)
    return n
  }
  let time: Date
  try {
    time = parseTimeSpec(spec, now)
  } catch (err) {
    if (!(err instanceof UserError)) throw err
    throw new UserError(`invalid --at '${spec}': use seq:N, an RFC 3339 time (2026-11-27T10:00:00Z), Unix seconds, or a duration such as 10m`)
  }
  return seqAtTime(db, storedTimeBound(time))
}

/** The state as it was at `spec` (see resolveAt), replayed from the log; close it after use. */
export function stateAt(db: Db, spec: string): Replay {
  return Replay.to(db, resolveAt(db, spec))
}
