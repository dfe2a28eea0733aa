/**
 * consul's HTTP API through node's own http/https, not the `consul` npm package: the store needs
 * the X-Consul-Index of every KV read (its revisions, and where a blocking query resumes), the
 * body of a 409 from /v1/txn (which compare failed), a deadline and an abort on every request,
 * and TLS; consul@2 (no longer maintained) reaches those only through untyped internals (an
 * EventEmitter ctx with `includeResponse`, err.response.body), and its failed CAS resolves to
 * undefined. The whole API the store uses is the one request() below.
 */
import http from 'node:http'
import https from 'node:https'
import type { StoreConfig } from './store-url.js'
import { refused, unreachable } from './store.js'

export interface ConsulResponse {
  status: number
  /** X-Consul-Index (0 when the endpoint sends none). */
  index: number
  body: unknown
}

export interface ConsulRequest {
  method: 'GET' | 'PUT'
  path: string
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  /** Statuses the caller handles itself (404 for a missing key, 409 for a failed txn); others throw. */
  expect?: number[]
  /** Overrides the store's timeout (a blocking query waits longer). */
  timeoutMs?: number
  signal?: AbortSignal
  /** For messages: "the transaction", "the session renewal". */
  what: string
}

export class ConsulApi {
  private readonly agent: http.Agent
  private readonly transport: typeof http | typeof https

  constructor(private readonly config: StoreConfig) {
    const tls = config.tls
    this.transport = tls ? https : http
    // keepAlive: a blocking query and the calls beside it reuse a few connections.
    this.agent = tls
      ? new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key })
      : new http.Agent({ keepAlive: true })
  }

  request(req: ConsulRequest): Promise<ConsulResponse> {
    const { config } = this
    const query = new URLSearchParams()
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) query.set(k, String(v))
    const qs = query.size > 0 ? `?${query}` : ''
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body))
    const headers: http.OutgoingHttpHeaders = {}
    if (payload) headers['content-type'] = 'application/json'
    if (config.token) headers['x-consul-token'] = config.token
    const timeoutMs = req.timeoutMs ?? config.timeoutMs

    return new Promise((resolve, reject) => {
      const r = this.transport.request(
        {
          host: config.url.host.replace(/^\[(.*)\]$/, '$1'),
          port: config.url.port,
          method: req.method,
          path: `/v1/${req.path}${qs}`,
          headers,
          agent: this.agent,
          signal: req.signal,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', (err) => reject(unreachable(config.description, err.message)))
          res.on('end', () => {
            clearTimeout(timer)
            const status = res.statusCode ?? 0
            const text = Buffer.concat(chunks).toString('utf8')
            if (!(status >= 200 && status < 300) && !req.expect?.includes(status)) {
              reject(refused(config.description, req.what, `${status} ${text || res.statusMessage}`))
              return
            }
            let body: unknown = text
            if ((res.headers['content-type'] ?? '').startsWith('application/json') && text !== '') {
              try {
                body = JSON.parse(text)
              } catch {
                reject(refused(config.description, req.what, `unreadable answer: ${text.slice(0, 80)}`))
                return
              }
            }
            resolve({ status, index: Number(res.headers['x-consul-index'] ?? 0), body })
          })
        },
      )
      // The deadline covers connecting, sending and the whole answer: a frozen agent
      // accepts connections (the kernel does) and then says nothing.
      const timer = setTimeout(() => r.destroy(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)
      r.on('error', (err) => {
        clearTimeout(timer)
        reject(req.signal?.aborted ? err : unreachable(config.description, err.message))
      })
      r.end(payload)
    })
  }

  close(): void {
    this.agent.destroy()
  }
}
