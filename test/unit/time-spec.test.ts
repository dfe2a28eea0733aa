import { describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { parseDuration, parseTimeSpec, storedTimeBound } from '../../src/core/time-spec.js'

const NOW = new Date('2026-11-27T12:00:00.000Z')

describe('time specs (docker --since/--until)', () => {
  it('reads RFC 3339 with Z, offsets and fractions', () => {
    expect(parseTimeSpec('2026-11-27T10:00:00Z', NOW).toISOString()).toBe('2026-11-27T10:00:00.000Z')
    expect(parseTimeSpec('2026-11-27T10:00:00+02:00', NOW).toISOString()).toBe('2026-11-27T08:00:00.000Z')
    expect(parseTimeSpec('2026-11-27T10:00:00.250-01:30', NOW).toISOString()).toBe('2026-11-27T11:30:00.250Z')
  })

  it('reads dates and zone-less times as local time', () => {
    expect(parseTimeSpec('2026-11-27', NOW).getTime()).toBe(new Date(2026, 10, 27).getTime())
    expect(parseTimeSpec('2026-11-27T10:05', NOW).getTime()).toBe(new Date(2026, 10, 27, 10, 5).getTime())
  })

  it('reads Unix seconds, with a fraction', () => {
    expect(parseTimeSpec('1764244800', NOW).toISOString()).toBe('2025-11-27T12:00:00.000Z')
    expect(parseTimeSpec('1764244800.5', NOW).toISOString()).toBe('2025-11-27T12:00:00.500Z')
  })

  it('reads durations as that long before now', () => {
    expect(parseTimeSpec('10m', NOW).toISOString()).toBe('2026-11-27T11:50:00.000Z')
    expect(parseTimeSpec('1h30m', NOW).toISOString()).toBe('2026-11-27T10:30:00.000Z')
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('2x')).toBeUndefined()
  })

  it('refuses anything else with a one-line hint', () => {
    for (const bad of ['yesterday', '2026-13-01', '-5m', '2026-11-27T25:00']) expect(() => parseTimeSpec(bad, NOW)).toThrow(UserError)
    expect(() => parseTimeSpec('soon', NOW)).toThrow(/invalid time 'soon': use RFC 3339/)
  })

  it('refuses what names no valid date, however it is written, with the same one-line hint', () => {
    const bad = [
      '9999999999999999999999', // Unix seconds past what a Date holds
      '8640000000001', // one second past it
      '99999999999999999h', // a duration reaching back past it
      `${'9'.repeat(400)}s`, // one that is not even a finite number
      '2026-02-30', // days, hours, minutes, seconds and offsets that roll over
      '2026-04-31T10:00:00Z',
      '2026-11-27T24:00:00Z',
      '2026-11-27T10:60:00Z',
      '2026-11-27T10:00:60Z',
      '2026-11-27T10:00:00+24:00',
      '2026-11-27T10:00:00-01:60',
    ]
    for (const text of bad) {
      expect(() => parseTimeSpec(text, NOW), text).toThrow(new UserError(`invalid time '${text}': use RFC 3339 (2026-11-27T10:00:00Z), Unix seconds, or a duration such as 10m or 2h`))
    }
  })

  it('reads the edges of the Date range and years below 100 as written', () => {
    expect(parseTimeSpec('8640000000000', NOW).toISOString()).toBe('+275760-09-13T00:00:00.000Z')
    expect(parseTimeSpec('2000000000h', NOW).getTime()).toBe(NOW.getTime() - 2_000_000_000 * 3_600_000)
    expect(parseTimeSpec('0099-03-01T00:00:00Z', NOW).toISOString()).toBe('0099-03-01T00:00:00.000Z')
    expect(parseTimeSpec('0050-06-15', NOW).getFullYear()).toBe(50)
    expect(parseTimeSpec('2028-02-29T23:59:59-23:59', NOW).toISOString()).toBe('2028-03-01T23:58:59.000Z')
  })

  it('bounds times past year 9999 to the last one the log can store, so they compare as later than every event', () => {
    expect(storedTimeBound(parseTimeSpec('300000000000', NOW)).toISOString()).toBe('9999-12-31T23:59:59.999Z')
    expect(storedTimeBound(NOW)).toBe(NOW)
  })
})

