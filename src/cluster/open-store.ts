/**
 * Opens the store a --cluster-store URL names. The client library is imported only here, and
 * only when a store is opened: single-host commands never load consul's or etcd's code.
 */
import { readFileSync } from 'node:fs'
import { UserError } from '../core/errors.js'
import { type ClusterStore, DEFAULT_STORE_TIMEOUT_MS } from './store.js'
import { type StoreConfig, type StoreUrl, hostPort, parseStoreUrl } from './store-url.js'

export interface OpenStoreOptions {
  /** docker's --cluster-store-opt: kv.cacertfile, kv.certfile, kv.keyfile (any of them turns TLS on). */
  storeOpts?: Record<string, string>
  /** Every call fails after this long when the store does not answer (default 2 s). */
  timeoutMs?: number
  /** Where CONSUL_HTTP_TOKEN, ETCD_USERNAME and ETCD_PASSWORD are read (default process.env). */
  env?: NodeJS.ProcessEnv
}

export async function openClusterStore(urlText: string, opts: OpenStoreOptions = {}): Promise<ClusterStore> {
  const config = storeConfig(parseStoreUrl(urlText), opts)
  if (config.url.kind === 'consul') {
    const { ConsulStore } = await import('./consul-store.js')
    return new ConsulStore(config)
  }
  const { EtcdStore } = await import('./etcd-store.js')
  return new EtcdStore(config)
}

const TLS_OPTIONS = { 'kv.cacertfile': 'ca', 'kv.certfile': 'cert', 'kv.keyfile': 'key' } as const

export function storeConfig(url: StoreUrl, opts: OpenStoreOptions): StoreConfig {
  const env = opts.env ?? process.env
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS
  if (!(timeoutMs > 0)) throw new UserError(`invalid cluster store timeout ${timeoutMs} ms: must be positive`)
  const config: StoreConfig = { url, description: `${url.kind} at ${hostPort(url)}`, timeoutMs }

  for (const [name, file] of Object.entries(opts.storeOpts ?? {})) {
    if (!Object.hasOwn(TLS_OPTIONS, name)) {
      throw new UserError(`unknown cluster store option "${name}": use kv.cacertfile, kv.certfile or kv.keyfile`)
    }
    config.tls ??= {}
    config.tls[TLS_OPTIONS[name as keyof typeof TLS_OPTIONS]] = readOptionFile(name, file)
  }
  if (config.tls && (config.tls.cert === undefined) !== (config.tls.key === undefined)) {
    throw new UserError('kv.certfile and kv.keyfile go together: give both or neither')
  }

  if (url.kind === 'consul') {
    if (env.CONSUL_HTTP_TOKEN) config.token = env.CONSUL_HTTP_TOKEN
  } else {
    const { ETCD_USERNAME: username, ETCD_PASSWORD: password } = env
    if (username || password) {
      if (!username || !password) throw new UserError('ETCD_USERNAME and ETCD_PASSWORD go together: set both or neither')
      config.auth = { username, password }
    }
  }
  return config
}

function readOptionFile(name: string, file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new UserError(`cannot read ${name} ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`)
  }
}
