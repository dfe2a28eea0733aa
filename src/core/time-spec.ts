import { UserError } from './errors.js'

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g
// RFC 3339 and its shorter forms docker accepts; without a zone they mean local time, as in docker.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/

// Stored times are 4-digit-year ISO strings; a later year would print as "+010000-…" and sort first.
const LAST_STORED_TIME = new Date('9999-12-31T23:59:59.999Z')

/** Milliseconds in a Go-style duration such as `10m`, `2h`, `1h30m`, `500ms`; undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined
  let ms = 0
  for (const [, n, unit] of text.matchAll(DURATION_PART)) ms += Number(n) * UNIT_MS[unit]
  return ms
}

/** The moment an RFC 3339 match names, or undefined if its fields name none (Feb 30, 24:00, :60, +25:00). */
function dateTime(m: RegExpExecArray): Date | undefined {
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  const f = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Math.floor(Number(frac) * 1000) : 0] as const
  // Date.UTC and new Date(y, …) read years 0-99 as 1900-1999: set the fields instead.
  const utc = new Date(0)
  utc.setUTCFullYear(f[0], f[1], f[2])
  utc.setUTCHours(f[3], f[4], f[5], f[6])
  const back = [utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate(), utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds()]
  if (back.some((v, i) => v !== f[i])) return undefined
  if (zone === undefined) {
    // Local time; one that a DST change skips moves on, as Go's time.Date does.
    const local = new Date(0)
    local.setFullYear(f[0], f[1], f[2])
    local.setHours(f[3], f[4], f[5], f[6])
    return local
  }
  if (zone === 'Z') return utc
  const [oh, om] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))]
  if (oh > 23 || om > 59) return undefined
  return new Date(utc.getTime() - (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000)
}

/**
 * A point in time as docker's `--since`/`--until` take it: RFC 3339 (or a date, or a date and
 * time without zone, read as local time), Unix seconds with optional fraction, or a duration
 * meaning that long before `now`. Anything else, or a moment past what a JS Date holds (about
 * 275,000 years either way), is refused with one line.
 */
export function parseTimeSpec(text: string, now: Date = new Date()): Date {
  const t = text.trim()
  const duration = parseDuration(t)
  let date: Date | undefined
  if (duration !== undefined) date = new Date(now.getTime() - duration)
  else if (/^\d+(\.\d+)?$/.test(t)) date = new Date(Number(t) * 1000)
  else {
    const m = DATE_TIME.exec(t)
    if (m) date = dateTime(m)
  }
  if (date && !Number.isNaN(date.getTime())) return date
  throw new UserError(`invalid time '${text}': use RFC 3339 (2026-11-27T10:00:00Z), Unix seconds, or a duration such as 10m or 2h`)
}

/** `time`, or the last instant stored times can name when it is later: what compares with them correctly. */
export function storedTimeBound(time: Date): Date {
  return time > LAST_STORED_TIME ? LAST_STORED_TIME : time
}
