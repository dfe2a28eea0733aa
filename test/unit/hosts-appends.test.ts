import { describe, expect, it } from 'vitest'
import { hostsAppends, hostsRenderer } from '../../src/core/hosts.js'
import { readEvents } from '../../src/events/store.js'
import { randomOps } from './random-ops.js'

describe('hosts files updated by appending', () => {
  it('old file + appended lines == a full render, after every connect of random operation sequences', () => {
    let appended = 0
    for (const seed of [1, 2, 3, 4, 5]) {
      let before = new Map<string, string>()
      let head = 0
      randomOps(seed, 400, {
        afterEach: (s) => {
          const events = [...readEvents(s.db, head + 1)]
          head = s.log.head().seq
          const render = hostsRenderer(s.state)
          const after = new Map(s.state.containers().map((c) => [c.id, render(c)]))
          for (const [id, tail] of hostsAppends(s.state, events)) {
            expect(`${before.get(id)}${tail}`).toBe(after.get(id))
            appended++
          }
          before = after
        },
      })
    }
    // The property must have been exercised, not vacuously true.
    expect(appended).toBeGreaterThan(50)
  })

  it('a renderer that looks endpoints up one container at a time renders the same files', () => {
    let rendered = 0
    for (const seed of [7, 8, 9]) {
      randomOps(seed, 300, {
        afterEach: (s) => {
          const [all, few] = [hostsRenderer(s.state), hostsRenderer(s.state, { few: true })]
          for (const c of s.state.containers()) {
            expect(few(c)).toBe(all(c))
            rendered++
          }
        },
      })
    }
    expect(rendered).toBeGreaterThan(200)
  })
})
