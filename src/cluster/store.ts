/**
 * The cluster key-value store as patchbay uses it: consul and etcd behind one small interface
 * (consul-store.ts, etcd-store.ts; open-store.ts picks one from a --cluster-store URL). Keys are
 * relative to the URL's prefix. No library is imported here, so that code which only names the
 * interface never loads a client.
 */
import { UserError } from '../core/errors.js'

/** A key as stored. `version` is consul's ModifyIndex or etcd's mod_revision; 0 means absent. */
export interface KvEntry {
  key: string
  value: string
  version: number
}

/** One key's change seen by a watch; `value` is undefined (and `version` 0) for a deletion. */
export interface KvChange {
  key: string
  value?: string
  version: number
}

/** The key must be at `version` (0: the key must be absent) for a transaction to apply. */
export interface KvCompare {
  key: string
  version: number
}

export type KvOp = { put: string; value: string; session?: Session } | { del: string }

/**
 * Liveness: a consul session (TTL, behavior=delete, renewed every TTL/2) or an etcd lease (kept
 * alive every TTL/3). Keys put with it vanish when it expires or is closed.
 */
export interface Session {
  readonly id: string
  /** Called once if the store says the session is gone (its keys with it), or it could not be renewed for twice its TTL. */
  onLost(handler: (reason: string) => void): void
  /** Stops renewing and ends the session at the store: its keys are deleted. */
  close(): Promise<void>
}

export interface WatchHandlers {
  /**
   * Changes after the previous batch; once applied, the prefix is as the store had it at
   * `revision`, from which a later watch can resume. etcd delivers every change in store order;
   * consul answers with the whole prefix, so a batch holds each changed key once, in its latest
   * state (a key put and deleted between two answers shows only as deleted).
   */
  onChange(changes: KvChange[], revision: number): void
  /**
   * The watch cannot go on from where it was (etcd compacted past it, consul's index went
   * backwards, the stream to etcd was lost and changes may have been missed): it has stopped
   * and calls nothing more. List again and watch from the new listing's revision.
   */
  onReset(reason: string): void
  /** A failure the watch retries by itself (consul unreachable for a while); it goes on. */
  onError(err: Error): void
}

export interface ClusterStore {
  /** For messages: "consul at 10.99.0.1:8500". */
  readonly description: string
  get(key: string): Promise<KvEntry | undefined>
  /** Every key starting with `prefix` (a plain string prefix), and the revision to watch from. */
  list(prefix: string): Promise<{ entries: KvEntry[]; revision: number }>
  /**
   * Atomically: when every compare holds, applies every op and resolves true; otherwise changes
   * nothing and resolves false. One round trip, never read-then-write.
   */
  txn(compares: KvCompare[], ops: KvOp[]): Promise<boolean>
  /** Changes under `prefix` after `revision` (from list or a previous onChange), pushed by the store. */
  watch(prefix: string, revision: number, handlers: WatchHandlers): { close(): void }
  /** A session that keeps itself alive until closed; consul needs ttlSeconds >= 10. */
  session(ttlSeconds: number): Promise<Session>
  health(): Promise<{ ok: boolean; detail: string }>
  /** Ends every watch and session renewal (sessions are left to expire) and closes connections. */
  close(): Promise<void>
}

/** Every call to a store gives up after this long unless told otherwise. */
export const DEFAULT_STORE_TIMEOUT_MS = 2000

/** A store call that failed; one line naming the store. */
export class ClusterStoreError extends UserError {
  constructor(
    message: string,
    /** unreachable: no answer in time or no connection; refused: the store answered with an error. */
    readonly reason: 'unreachable' | 'refused',
  ) {
    super(message)
    this.name = 'ClusterStoreError'
  }
}

export function unreachable(description: string, detail: string): ClusterStoreError {
  return new ClusterStoreError(`cannot reach ${description}: ${oneLineDetail(detail)}; check that it runs and --cluster-store`, 'unreachable')
}

export function refused(description: string, what: string, detail: string): ClusterStoreError {
  return new ClusterStoreError(`${description} refused ${what}: ${oneLineDetail(detail)}`, 'refused')
}

function oneLineDetail(detail: string): string {
  return detail.replace(/\s+/g, ' ').trim()
}

/**
 * Rejects with `onTimeout()` when `p` has not settled within `ms`: the clients' own deadlines
 * miss some stalls (a connection being set up, a token exchange), and every call must end in time.
 */
export function within<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** Keys are relative to the store's prefix: non-empty, no leading slash. */
export function checkKey(key: string): void {
  if (key === '' || key.startsWith('/')) throw new UserError(`invalid cluster store key "${key}": keys are relative and non-empty`)
}
