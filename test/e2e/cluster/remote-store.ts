/**
 * A ClusterStore whose calls run inside a host namespace: the test process lives in the root
 * namespace and cannot reach the underlay, so each "host" runs store-runner.ts (bundled once
 * per underlay into .cache/, where node finds the project's node_modules) and this proxy
 * forwards every call to it over stdin/stdout. The suite is written against ClusterStore alone.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { buildSync } from 'esbuild'
import type { ClusterStore, KvCompare, KvEntry, KvOp, Session, WatchHandlers } from '../../../src/cluster/store.js'
import { REPO } from '../sandbox.js'
import type { Message, Request, WireOp } from './store-runner.js'
import type { Host, Underlay } from './underlay.js'

export interface RemoteStore extends ClusterStore {
  host: Host
  /** SIGKILL the runner: its sessions are no longer renewed, as when its host dies. */
  kill(): void
}

/** The runner's JavaScript, built once per underlay; removed with the underlay. */
const bundles = new WeakMap<Underlay, string>()

function runnerBundle(u: Underlay): string {
  let file = bundles.get(u)
  if (file) return file
  mkdirSync(join(REPO, '.cache'), { recursive: true })
  const dir = mkdtempSync(join(REPO, '.cache', `e2e-cluster-${u.id}-`))
  u.defer(() => rmSync(dir, { recursive: true, force: true }))
  file = join(dir, 'store-runner.mjs')
  buildSync({
    entryPoints: [join(REPO, 'test', 'e2e', 'cluster', 'store-runner.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  })
  bundles.set(u, file)
  return file
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export function openRemoteStore(u: Underlay, host: Host, url: string, opts: { timeoutMs?: number } = {}): RemoteStore {
  const argv = ['node', runnerBundle(u), url, ...(opts.timeoutMs === undefined ? [] : [String(opts.timeoutMs)])]
  const child = host.start(argv)
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  const watchers = new Map<number, WatchHandlers>()
  const lostHandlers = new Map<string, ((reason: string) => void)[]>()
  let nextId = 1
  const description = url.replace(/^(\w+):\/\/([^/]+).*$/, '$1 at $2')

  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = JSON.parse(line) as Message
    if ('id' in m) {
      const p = pending.get(m.id)
      pending.delete(m.id)
      if (m.ok) p?.resolve(m.value)
      else p?.reject(Object.assign(new Error(m.message), { name: m.name }))
    } else if ('watch' in m) {
      const h = watchers.get(m.watch)
      if (m.event === 'change') h?.onChange(m.changes, m.revision)
      else if (m.event === 'reset') h?.onReset(m.reason)
      else h?.onError(new Error(m.reason))
    } else {
      for (const h of lostHandlers.get(m.session) ?? []) h(m.reason)
    }
  })
  child.on('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`store runner in ${host.name} exited (${signal ?? code}): ${stderr.trim()}`))
    pending.clear()
  })

  const call = <T>(req: DistributiveOmit<Request, 'id'>): Promise<T> => {
    const id = nextId++
    return new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return reject(new Error(`store runner in ${host.name} has exited (${child.signalCode ?? child.exitCode}): ${stderr.trim()}`))
      }
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      child.stdin!.write(`${JSON.stringify({ ...req, id })}\n`)
    })
  }
  const wire = (op: KvOp): WireOp => ('del' in op ? op : { put: op.put, value: op.value, session: op.session?.id })

  return {
    host,
    description,
    async get(key) {
      return (await call<KvEntry | null>({ call: 'get', key })) ?? undefined
    },
    list: (prefix) => call({ call: 'list', prefix }),
    txn: (compares: KvCompare[], ops: KvOp[]) => call({ call: 'txn', compares, ops: ops.map(wire) }),
    watch(prefix, revision, handlers) {
      const id = nextId // the runner names a watch by the id of the call that made it
      watchers.set(id, handlers)
      void call({ call: 'watch', prefix, revision }).catch((err: Error) => handlers.onError(err))
      return {
        close() {
          watchers.delete(id)
          void call({ call: 'unwatch', watch: id }).catch(() => {})
        },
      }
    },
    async session(ttl): Promise<Session> {
      const id = await call<string>({ call: 'session', ttl })
      return {
        id,
        onLost(handler) {
          lostHandlers.set(id, [...(lostHandlers.get(id) ?? []), handler])
        },
        close: () => call({ call: 'endSession', session: id }),
      }
    },
    health: () => call({ call: 'health' }),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return
      await call({ call: 'close' }).catch(() => {})
      child.stdin!.end()
    },
    kill() {
      child.kill('SIGKILL')
    },
  }
}
