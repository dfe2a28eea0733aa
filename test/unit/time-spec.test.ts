import { describe, expect, it } from 'vitest'
import { UserError } from '../../src/core/errors.js'
import { parseDuration, parseTimeSpec } from '../../src/core/time-spec.js'

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
})
