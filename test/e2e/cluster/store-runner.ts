/**
 * Runs inside a host namespace (bundled by remote-store.ts, started with nsenter): opens the
 * store named by argv[2] with src/cluster/open-store.ts and serves the ClusterStore calls that
 * arrive as JSON lines on stdin, answering on stdout. Watch changes, resets and errors and lost
 * sessions are pushed as they happen.
 */
import { createInterface } from 'node:readline'
import { openClusterStore } from '../../../src/cluster/open-store.js'
import type { KvChange, KvOp, Session } from '../../../src/cluster/store.js'

/** A txn op as it travels: a session by its id. */
export type WireOp = { put: string; value: string; session?: string } | { del: string }

export type Request =
  | { id: number; call: 'get'; key: string }
  | { id: number; call: 'list'; prefix: string }
  | { id: number; call: 'txn'; compares: { key: string; version: number }[]; ops: WireOp[] }
  | { id: number; call: 'watch'; prefix: string; revision: number }
  | { id: number; call: 'unwatch'; watch: number }
  | { id: number; call: 'session'; ttl: number }
  | { id: number; call: 'endSession'; session: string }
  | { id: number; call: 'health' }
  | { id: number; call: 'close' }

export type Message =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; name: string; message: string }
  | { watch: number; event: 'change'; changes: KvChange[]; revision: number }
  | { watch: number; event: 'reset' | 'error'; reason: string }
  | { session: string; event: 'lost'; reason: string }

async function main(): Promise<void> {
  const [url, timeout] = process.argv.slice(2)
  const store = await openClusterStore(url!, { timeoutMs: timeout ? Number(timeout) : undefined })
  const send = (m: Message) => process.stdout.write(`${JSON.stringify(m)}\n`)
  const sessions = new Map<string, Session>()
  const watches = new Map<number, { close(): void }>()

  const serve = async (r: Request): Promise<unknown> => {
    switch (r.call) {
      case 'get':
        return (await store.get(r.key)) ?? null
      case 'list':
        return store.list(r.prefix)
      case 'txn': {
        const ops: KvOp[] = r.ops.map((op) =>
          'del' in op ? op : { put: op.put, value: op.value, session: op.session === undefined ? undefined : (sessions.get(op.session) ?? foreign(op.session)) },
        )
        return store.txn(r.compares, ops)
      }
      case 'watch':
        watches.set(
          r.id,
          store.watch(r.prefix, r.revision, {
            onChange: (changes, revision) => send({ watch: r.id, event: 'change', changes, revision }),
            onReset: (reason) => send({ watch: r.id, event: 'reset', reason }),
            onError: (err) => send({ watch: r.id, event: 'error', reason: err.message }),
          }),
        )
        return r.id
      case 'unwatch':
        watches.get(r.watch)?.close()
        watches.delete(r.watch)
        return null
      case 'session': {
        const s = await store.session(r.ttl)
        sessions.set(s.id, s)
        s.onLost((reason) => send({ session: s.id, event: 'lost', reason }))
        return s.id
      }
      case 'endSession':
        await sessions.get(r.session)?.close()
        sessions.delete(r.session)
        return null
      case 'health':
        return store.health()
      case 'close':
        await store.close()
        return null
    }
  }

  for await (const line of createInterface({ input: process.stdin })) {
    const r = JSON.parse(line) as Request
    serve(r).then(
      (value) => send({ id: r.id, ok: true, value }),
      (err: Error) => send({ id: r.id, ok: false, name: err.name, message: err.message }),
    )
  }
  await store.close()
}

/** A session another process made: only its id travels in a transaction. */
function foreign(id: string): Session {
  return { id, onLost: () => {}, close: async () => {} }
}

main().catch((err: Error) => {
  process.stderr.write(`store-runner: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
