import { UserError } from '../core/errors.js'

export type StoreKind = 'consul' | 'etcd'

/** A parsed --cluster-store: `consul://HOST:PORT[/PREFIX]` or `etcd://HOST:PORT[/PREFIX]`. */
export interface StoreUrl {
  kind: StoreKind
  /** As given; an IPv6 address keeps its brackets. */
  host: string
  port: number
  /** Every key lives under `PREFIX/` ("patchbay" unless the URL says otherwise). */
  prefix: string
}

export const DEFAULT_PREFIX = 'patchbay'

const USAGE = 'use consul://HOST:PORT or etcd://HOST:PORT'
const SEGMENT = /^[A-Za-z0-9._-]+$/

export function parseStoreUrl(text: string): StoreUrl {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]
  if (scheme === undefined) throw new UserError(`invalid cluster store "${text}": ${USAGE}`)
  const kind = scheme.toLowerCase()
  if (kind !== 'consul' && kind !== 'etcd') throw new UserError(`unsupported cluster store "${scheme}": ${USAGE}`)

  const invalid = (why: string) => new UserError(`invalid cluster store "${text}": ${why}; ${USAGE}`)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw invalid('not a URL')
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid('credentials do not belong in the URL (CONSUL_HTTP_TOKEN, ETCD_USERNAME and ETCD_PASSWORD are read from the environment)')
  }
  if (url.hostname === '') throw invalid('no host')
  if (url.port === '') throw invalid('no port')
  if (url.search !== '' || url.hash !== '') throw invalid('no query or fragment allowed')
  const segments = url.pathname.split('/').filter((s) => s !== '')
  // URL() has already folded "." and ".." segments away: look for them in the text itself.
  if (!segments.every((s) => SEGMENT.test(s)) || /\/\.\.?(\/|$)/.test(text)) {
    throw invalid(`prefix "${url.pathname}" may hold only letters, digits, ".", "_", "-" and "/"`)
  }
  return {
    kind,
    host: url.hostname,
    port: Number(url.port),
    prefix: segments.length > 0 ? segments.join('/') : DEFAULT_PREFIX,
  }
}

/** HOST:PORT as a client dials it and a message names it. */
export function hostPort(u: StoreUrl): string {
  return `${u.host}:${u.port}`
}

/** What an implementation is given: everything read and checked already. */
export interface StoreConfig {
  url: StoreUrl
  /** "consul at 10.99.0.1:8500", for messages. */
  description: string
  timeoutMs: number
  /** Present when TLS is on; each file's contents. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer }
  /** consul's ACL token (CONSUL_HTTP_TOKEN). */
  token?: string
  /** etcd's user (ETCD_USERNAME, ETCD_PASSWORD). */
  auth?: { username: string; password: string }
}
