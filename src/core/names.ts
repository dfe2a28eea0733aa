import { UserError } from './errors.js'

/** Docker's rule for container and network names. */
const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/

export function checkName(kind: 'network' | 'container', name: string): void {
  if (!VALID_NAME.test(name)) {
    throw new UserError(`invalid ${kind} name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`)
  }
  if (name.length > 128) throw new UserError(`invalid ${kind} name "${name.slice(0, 20)}…": longer than 128 characters`)
}

/** Parses repeated k=v flags (--label, -o) into a map; a bare key gets an empty value, as in docker. */
export function parseKeyValues(flag: string, items: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of items) {
    const eq = item.indexOf('=')
    const key = eq < 0 ? item : item.slice(0, eq)
    if (key === '') throw new UserError(`invalid ${flag} "${item}": expected key=value`)
    out[key] = eq < 0 ? '' : item.slice(eq + 1)
  }
  return out
}
