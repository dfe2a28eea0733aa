import { UserError } from '../core/errors.js'
import type { NetworkRow } from '../projections/queries.js'

export type Filters = Map<string, string[]>

/**
 * Parses repeated `-f key=value`; values of one key are ORed, different keys ANDed (docker's
 * rule). `values` lists the only values some keys take.
 */
export function parseFilters(items: string[], allowed: readonly string[], values: Record<string, readonly string[]> = {}): Filters {
  const out: Filters = new Map()
  for (const item of items) {
    const eq = item.indexOf('=')
    if (eq <= 0) throw new UserError(`bad format of filter (expected name=value): ${item}`)
    const key = item.slice(0, eq)
    const value = item.slice(eq + 1)
    if (!allowed.includes(key)) throw new UserError(`invalid filter '${key}': use one of ${allowed.join(', ')}`)
    const valid = values[key]
    if (valid && !valid.includes(value)) throw new UserError(`invalid filter '${item}': ${key} is one of ${valid.join(', ')}`)
    out.set(key, [...(out.get(key) ?? []), value])
  }
  return out
}

export const NETWORK_FILTERS = ['name', 'id', 'driver', 'label', 'scope', 'type'] as const

function labelMatches(labels: Record<string, string>, f: string): boolean {
  const eq = f.indexOf('=')
  return eq < 0 ? f in labels : labels[f.slice(0, eq)] === f.slice(eq + 1)
}

/** docker network ls filters: name is a substring match, id a prefix, the rest exact. */
export function networkMatches(n: NetworkRow, filters: Filters): boolean {
  const tests: Record<string, (v: string) => boolean> = {
    name: (v) => n.name.includes(v),
    id: (v) => n.id.startsWith(v),
    driver: (v) => n.driver === v,
    label: (v) => labelMatches(n.labels, v),
    scope: (v) => n.scope === v,
    type: (v) => (v === 'builtin' ? n.builtin : v === 'custom' ? !n.builtin : false),
  }
  return [...filters].every(([key, values]) => values.some(tests[key]))
}
