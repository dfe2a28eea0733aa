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

/** One DNS label: what a hosts file, and later a resolver, can hold as part of a name. */
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/

/**
 * A network-scoped alias becomes a name in every peer's hosts file, so it must be one DNS name
 * and nothing else: labels of 1 to 63 letters, digits, `_` or `-` (not at either end) joined by
 * dots, 253 characters in all. A space, a newline or an empty alias would add lines or names.
 */
export function checkAlias(alias: string): void {
  const shown = JSON.stringify(alias.length > 40 ? `${alias.slice(0, 40)}…` : alias)
  if (alias.length === 0 || alias.length > 253 || !alias.split('.').every((l) => LABEL.test(l))) {
    throw new UserError(`invalid alias ${shown}: an alias is a DNS name (labels of 1-63 letters, digits, - or _, joined by dots; 253 characters at most)`)
  }
}
