import { UserError } from './errors.js'

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g
// RFC 3339 and its shorter forms docker accepts; without a zone they mean local time, as in docker.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/

/** Milliseconds in a Go-style duration such as `10m`, `2h`, `1h30m`, `500ms`; undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined
  let ms = 0
  for (const [, n, unit] of text.matchAll(DURATION_PART)) ms += Number(n) * UNIT_MS[unit]
  return ms
}

/**
 * A point in time as docker's `--since`/`--until` take it: RFC 3339 (or a date, or a date and
 * time without zone, read as local time), Unix seconds with optional fraction, or a duration
 * meaning that long before `now`.
 */
export function parseTimeSpec(text: string, now: Date = new Date()): Date {
  const t = text.trim()
  const duration = parseDuration(t)
  if (duration !== undefined) return new Date(now.getTime() - duration)
  if (/^\d+(\.\d+)?$/.test(t)) return new Date(Number(t) * 1000)
  const m = DATE_TIME.exec(t)
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
    const ms = frac ? Math.floor(Number(frac) * 1000) : 0
    const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms] as const
    let date: Date
    if (zone === undefined) date = new Date(...fields)
    else {
      const offsetMin = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)))
      date = new Date(Date.UTC(...fields) - offsetMin * 60_000)
    }
    if (!Number.isNaN(date.getTime()) && Number(mo) <= 12 && Number(d) <= 31 && Number(h) < 24 && Number(mi) < 60 && Number(s) < 61) return date
  }
  throw new UserError(`invalid time '${text}': use RFC 3339 (2026-11-27T10:00:00Z), Unix seconds, or a duration such as 10m or 2h`)
}
